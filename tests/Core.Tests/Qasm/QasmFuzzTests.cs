using System.Text;
using QD3PM.Core.Qasm;
using FsCheck.Xunit;
using Xunit;

namespace QD3PM.Core.Tests.Qasm;

/// <summary>
/// Seeded fuzzing: mutations and truncations of valid programs, and random bytes, must either parse or fail with a
/// <see cref="QasmException"/> whose position lies inside the text; nothing else may escape.
/// </summary>
public sealed class QasmFuzzTests
{
    private static readonly string[] Seeds =
    [
        """
        OPENQASM 2.0;
        include "qelib1.inc";
        gate half(t) x { rz(t/2) x; }
        gate pair(a, b) x, y { half(a*2) x; cx x, y; barrier x, y; half(-b) y; u3(a, b, a+b) y; }
        qreg q[3];
        creg c[3];
        pair(pi, 0.5) q[2], q[0];
        h q;
        cx q[0], q[1];
        rx(-pi/2 + sin(0.3)^2) q[1];
        measure q -> c;
        """,
        """
        OPENQASM 2.0;
        include "qelib1.inc";
        qreg a[2];
        qreg b[2];
        creg m[2];
        u(1e-3, 2.5E+1, .5) a[0];
        cp(ln(2)) a[0], b[1];
        cx a, b;
        reset b[0];
        barrier a, b;
        measure a[1] -> m[0];
        /* block */ sx b; // end
        """,
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[5];\nc4x q[0],q[1],q[2],q[3],q[4];\nrccx q[0],q[1],q[2];\nrzz(sqrt(2)) q[3],q[4];\n",
    ];

    private static readonly string[] Fragments =
    [
        ";", ",", "(", ")", "[", "]", "{", "}", "->", "==", "-", "+", "*", "/", "^", "q", "c", "a", "x", "1", "0", "99",
        "1e", ".", "pi", "gate ", "qreg ", "creg ", "measure ", "if", "opaque ", "\"", "//", "/*", "\n", " ", "\0",
        "\u00e9", "\uFFFD", "sin(", "u3", "cx ", "h ", "OPENQASM ", "include ", "2.0", "barrier ", "reset ", "e+", "9999999999",
    ];

    private static void AssertParsesOrFailsCleanly(string text)
    {
        try
        {
            QasmImporter.Parse(text, new QasmImportOptions { MaxOperations = 200_000 });
        }
        catch (QasmException error)
        {
            int lines = text.Count(ch => ch == '\n') + 1;
            Assert.True(error.Line >= 1 && error.Line <= lines, $"line {error.Line} outside 1..{lines}: {error.Message}");
            Assert.True(error.Column >= 1, $"column {error.Column}: {error.Message}");
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
        catch (Exception other)
        {
            Assert.Fail($"{other.GetType().Name}: {other.Message}\n--- program ---\n{text}");
        }
    }

    [Fact]
    public void Seeds_are_valid_programs()
    {
        foreach (var seed in Seeds) Assert.NotEmpty(QasmImporter.Parse(seed).Operations);
    }

    [Fact]
    public void Mutated_and_truncated_programs_never_throw_anything_but_QasmException()
    {
        var rng = new Random(20261124);
        int failures = 0;
        for (int trial = 0; trial < 4000; trial++)
        {
            var text = new StringBuilder(Seeds[rng.Next(Seeds.Length)]);
            int mutations = 1 + rng.Next(4);
            for (int m = 0; m < mutations && text.Length > 0; m++)
            {
                int at = rng.Next(text.Length);
                switch (rng.Next(5))
                {
                    case 0: text.Remove(at, Math.Min(1 + rng.Next(6), text.Length - at)); break;
                    case 1: text.Insert(at, Fragments[rng.Next(Fragments.Length)]); break;
                    case 2: text[at] = (char)rng.Next(0, 128); break;
                    case 3: text.Length = at; break;
                    default:
                        int from = rng.Next(text.Length), length = Math.Min(rng.Next(20), text.Length - from);
                        text.Insert(at, text.ToString(from, length));
                        break;
                }
            }
            try { QasmImporter.Parse(text.ToString()); }
            catch (QasmException) { failures++; }
            catch (Exception) { /* reported with the program below */ }
            AssertParsesOrFailsCleanly(text.ToString());
        }
        // Most mutations must be caught as errors, or the fuzzer is not exercising the error paths.
        Assert.True(failures > 2000, $"only {failures} of 4000 mutations were rejected");
    }

    [Property(MaxTest = 500)]
    public void Arbitrary_strings_and_statement_soups_fail_only_with_QasmException(string? noise, int[] picks)
    {
        AssertParsesOrFailsCleanly(noise ?? "");
        // A soup of QASM fragments is far likelier than noise to get deep into the parser.
        var soup = new StringBuilder("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\n");
        foreach (int pick in picks ?? []) soup.Append(Fragments[(pick & int.MaxValue) % Fragments.Length]);
        AssertParsesOrFailsCleanly(soup.ToString());
    }

    [Fact]
    public void Random_bytes_never_throw_anything_but_QasmException()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 500; trial++)
        {
            var bytes = new byte[rng.Next(1, 400)];
            rng.NextBytes(bytes);
            AssertParsesOrFailsCleanly(Encoding.UTF8.GetString(bytes));
            AssertParsesOrFailsCleanly(Encoding.Latin1.GetString(bytes));
        }
    }
}
