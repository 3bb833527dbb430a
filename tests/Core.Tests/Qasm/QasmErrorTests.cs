using QD3PM.Core.Qasm;
using Xunit;

namespace QD3PM.Core.Tests.Qasm;

/// <summary>Malformed programs give a QasmException at the right line and column with a clear message.</summary>
public sealed class QasmErrorTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    [Theory]
    [InlineData("qreg q[2];\nfoo q[0];", 4, 1, "unknown gate 'foo'")]
    [InlineData("qreg q[2];\ncx q[0];", 4, 1, "takes 2 qubit argument(s), got 1")]
    [InlineData("qreg q[2];\nrx q[0];", 4, 1, "takes 1 parameter(s), got 0")]
    [InlineData("qreg q[2];\nh q[2];", 4, 5, "qubit index 2 out of range for register q[2]")]
    [InlineData("qreg q[2];\nh r[0];", 4, 3, "unknown quantum register 'r'")]
    [InlineData("qreg q[2];\nh q[0]", 4, 7, "expected ';'")]
    [InlineData("qreg q[2];\ncx q[1],q[1];", 4, 9, "used twice")]
    [InlineData("qreg a[2];\nqreg b[3];\ncx a,b;", 5, 6, "registers of different sizes")]
    [InlineData("opaque magic q;", 3, 1, "opaque gate 'magic'")]
    [InlineData("qreg q[1];\ncreg c[1];\nif(c==1) x q[0];", 5, 1, "(if) are not supported")]
    [InlineData("qreg q[1];\nrx(1/0) q[0];", 4, 5, "not a finite angle")]
    [InlineData("qreg q[1];\nrx(1 +) q[0];", 4, 7, "expected a number")]
    [InlineData("qreg q[1];\nrx(theta) q[0];", 4, 4, "unknown parameter 'theta'")]
    [InlineData("gate g(a) x { rz(b) x; }", 3, 18, "unknown parameter 'b'")]
    [InlineData("gate g x { h y; }", 3, 14, "'y' is not a qubit argument")]
    [InlineData("gate g x { h x[0]; }", 3, 15, "by argument name")]
    [InlineData("gate g x { h x; ", 3, 17, "not closed")]
    [InlineData("gate g x { measure x; }", 3, 12, "not allowed inside a gate body")]
    [InlineData("gate g x { h x; }\ngate g x { h x; }", 4, 6, "already defined")]
    [InlineData("qreg q[2];\nqreg q[3];", 4, 6, "already declared")]
    [InlineData("qreg q[0];", 3, 8, "at least one bit")]
    [InlineData("qreg q[99999999999];", 3, 8, "too large")]
    [InlineData("qreg q[2000];", 3, 8, "too many qubits")]
    [InlineData("qreg q[1];\ncreg c[2];\nmeasure q -> c;", 5, 14, "registers of equal size")]
    [InlineData("qreg q[1];\ncreg c[1];\nmeasure c[0] -> q[0];", 5, 9, "it is a classical register")]
    [InlineData("include \"other.inc\";", 3, 9, "only \"qelib1.inc\"")]
    [InlineData("qreg q[1];\nh q[0]; \u0001", 4, 9, "unexpected character U+0001")]
    [InlineData("qreg q[1];\nh q[0]; #", 4, 9, "unexpected character '#'")]
    [InlineData("include \"qelib1.inc;\n", 3, 9, "unterminated string")]
    [InlineData("/* never closed", 3, 1, "unterminated comment")]
    [InlineData("qreg q[1];\nrx(2abc) q[0];", 4, 5, "after number")]
    public void Malformed_program_reports_line_and_column(string body, int line, int column, string fragment)
    {
        var error = Assert.Throws<QasmException>(() => QasmImporter.Parse(Header + body));
        Assert.Contains(fragment, error.Message);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith($"f.qasm:{line}:{column}: ", error.ToString("f.qasm"));
    }

    [Fact]
    public void Qelib1_gates_need_the_include()
    {
        var error = Assert.Throws<QasmException>(() => QasmImporter.Parse("OPENQASM 2.0;\nqreg q[1];\nh q[0];\n"));
        Assert.Equal((3, 1), (error.Line, error.Column));
        Assert.Contains("qelib1.inc", error.Message);
        // The language primitives U and CX need no include.
        var circuit = QasmImporter.Parse("OPENQASM 2.0;\nqreg q[2];\nU(pi,0,pi) q[0];\nCX q[0],q[1];\n");
        Assert.Equal(2, circuit.Operations.Count);
    }

    [Fact]
    public void Other_versions_are_refused()
    {
        var error = Assert.Throws<QasmException>(() => QasmImporter.Parse("OPENQASM 3.0;\nqubit q;\n"));
        Assert.Equal((1, 10), (error.Line, error.Column));
        Assert.Contains("only OpenQASM 2.0", error.Message);
    }

    [Fact]
    public void Exponential_gate_nesting_is_bounded()
    {
        var text = new System.Text.StringBuilder(Header + "gate g0 a { x a; }\n");
        for (int i = 1; i <= 30; i++) text.Append($"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}\n");
        text.Append("qreg q[1];\ng30 q[0];\n");
        var error = Assert.Throws<QasmException>(() => QasmImporter.Parse(text.ToString(), new QasmImportOptions { MaxOperations = 100_000 }));
        Assert.Contains("more than 100000 operations", error.Message);
    }

    [Fact]
    public void Deeply_chained_gate_definitions_are_refused_not_overflowing_the_stack()
    {
        var text = new System.Text.StringBuilder(Header + "gate g0 a { x a; }\n");
        for (int i = 1; i <= 5000; i++) text.Append($"gate g{i} a {{ g{i - 1} a; }}\n");
        text.Append("qreg q[1];\ng5000 q[0];\n");
        var error = Assert.Throws<QasmException>(() => QasmImporter.Parse(text.ToString()));
        Assert.Contains("nested more than", error.Message);
        Assert.Equal(5005, error.Line);
    }

    [Fact]
    public void Very_long_or_deep_expressions_are_refused_not_overflowing_the_stack()
    {
        var deep = Header + "qreg q[1];\nrx(" + new string('(', 5000) + "1" + new string(')', 5000) + ") q[0];\n";
        Assert.Contains("nested too deeply", Assert.Throws<QasmException>(() => QasmImporter.Parse(deep)).Message);
        var lengthy = Header + "qreg q[1];\nrx(" + string.Join("+", Enumerable.Repeat("1", 100_000)) + ") q[0];\n";
        Assert.Contains("longer than", Assert.Throws<QasmException>(() => QasmImporter.Parse(lengthy)).Message);
    }
}
