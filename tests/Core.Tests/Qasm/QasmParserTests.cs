using QD3PM.Core.Circuits;
using QD3PM.Core.Qasm;
using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Qasm;

/// <summary>Valid programs compared with circuits built by hand.</summary>
public sealed class QasmParserTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    private static void AssertSameOperations(Circuit expected, Circuit actual)
    {
        Assert.Equal(expected.QubitCount, actual.QubitCount);
        Assert.Equal(expected.ClbitCount, actual.ClbitCount);
        Assert.Equal(expected.Operations.Count, actual.Operations.Count);
        for (int i = 0; i < expected.Operations.Count; i++)
        {
            var e = expected.Operations[i];
            var a = actual.Operations[i];
            Assert.True(e.Kind == a.Kind, $"operation {i}: expected {e}, got {a}");
            Assert.Equal(e.Qubits, a.Qubits);
            Assert.Equal(e.Clbits, a.Clbits);
            Assert.Equal(e.Parameters.Length, a.Parameters.Length);
            for (int j = 0; j < e.Parameters.Length; j++)
                Assert.True(Math.Abs(e.Parameters[j] - a.Parameters[j]) < 1e-14, $"operation {i} ({e}) parameter {j}: {a.Parameters[j]}");
        }
    }

    [Fact]
    public void Bell_program_with_measurements()
    {
        var circuit = QasmImporter.Parse(Header + "qreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n");
        var expected = new Circuit(2, 2).H(0).Cx(0, 1).Measure(0, 0).Measure(1, 1);
        AssertSameOperations(expected, circuit);
    }

    [Fact]
    public void Several_registers_are_numbered_in_declaration_order()
    {
        var circuit = QasmImporter.Parse(Header +
            "qreg a[2];\ncreg x[1];\nqreg b[3];\ncreg y[2];\ncx a[1],b[0];\nx b[2];\nmeasure b[2] -> y[1];\nmeasure a[0] -> x[0];\n");
        var expected = new Circuit(5, 3).Cx(1, 2).X(4).Measure(4, 2).Measure(0, 0);
        AssertSameOperations(expected, circuit);
    }

    [Fact]
    public void Register_arguments_broadcast()
    {
        var circuit = QasmImporter.Parse(Header +
            "qreg a[3];\nqreg b[3];\nh a;\ncx a,b;\ncx a[0],b;\nrz(0.5) b;\nbarrier a,b[1];\nreset b;\n");
        var expected = new Circuit(6).H(0).H(1).H(2)
            .Cx(0, 3).Cx(1, 4).Cx(2, 5)
            .Cx(0, 3).Cx(0, 4).Cx(0, 5)
            .Rz(3, 0.5).Rz(4, 0.5).Rz(5, 0.5)
            .Barrier(0, 1, 2, 4)
            .Reset(3).Reset(4).Reset(5);
        AssertSameOperations(expected, circuit);
    }

    [Fact]
    public void User_gates_expand_with_parameters_and_nesting()
    {
        var circuit = QasmImporter.Parse(Header + """
            gate half(t) x { rz(t/2) x; }
            gate pair(a, b) x, y {
              half(a*2) x;   // nested user gate
              cx x, y;
              barrier x, y;
              half(-b) y;
              u3(a, b, a+b) y;
            }
            gate bell x,y { h x; cx x,y; }
            qreg q[3];
            pair(pi, 0.5) q[2], q[0];
            bell q[1], q[2];
            """);
        var expected = new Circuit(3).Rz(2, Math.PI).Cx(2, 0).Rz(0, -0.25).U3(0, Math.PI, 0.5, Math.PI + 0.5).H(1).Cx(1, 2);
        AssertSameOperations(expected, circuit);
    }

    [Fact]
    public void User_gate_may_redefine_a_builtin_name()
    {
        // Qiskit exports definitions of gates its qelib1.inc lacks, such as rzx; the file's definition is used.
        var circuit = QasmImporter.Parse(Header + "gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }\nqreg q[2];\nrzx(0.3) q[0],q[1];\n");
        var expected = new Circuit(2).H(1).Cx(0, 1).Rz(1, 0.3).Cx(0, 1).H(1);
        AssertSameOperations(expected, circuit);
    }

    [Fact]
    public void Gate_bodies_keep_the_meaning_their_names_had_when_written()
    {
        // "h" inside both bodies is the built-in: the later user "h" must neither change "a" nor call itself.
        var circuit = QasmImporter.Parse(Header + "gate a x { h x; }\ngate h x { h x; z x; }\nqreg q[1];\na q[0];\nh q[0];\n");
        AssertSameOperations(new Circuit(1).H(0).H(0).Z(0), circuit);
    }

    [Theory]
    [InlineData("pi", Math.PI)]
    [InlineData("1e-3", 1e-3)]
    [InlineData("2.5E+2", 250)]
    [InlineData(".5", 0.5)]
    [InlineData("-pi/2", -Math.PI / 2)]
    [InlineData("2^3", 8)]
    [InlineData("-2^2", -4)]
    [InlineData("2^-1", 0.5)]
    [InlineData("2^3^2", 512)]
    [InlineData("1-2-3", -4)]
    [InlineData("8/2/2", 2)]
    [InlineData("(1+2)*3", 9)]
    [InlineData("1+2*3", 7)]
    [InlineData("--1", 1)]
    [InlineData("+3", 3)]
    [InlineData("sin(pi/2)", 1)]
    [InlineData("cos(0)+tan(0)", 1)]
    [InlineData("ln(exp(2))", 2)]
    [InlineData("sqrt(16)*2", 8)]
    [InlineData("exp(1)", Math.E)]
    public void Parameter_expressions_evaluate(string expression, double expected)
    {
        var circuit = QasmImporter.Parse(Header + $"qreg q[1];\nrx({expression}) q[0];\n");
        Assert.Equal(expected, circuit.Operations[0].Parameters[0], 12);
    }

    [Theory]
    [InlineData("u1(0.3) q[0];", GateKind.P, 1)]
    [InlineData("p(0.3) q[0];", GateKind.P, 1)]
    [InlineData("u(0.1,0.2,0.3) q[0];", GateKind.U3, 1)]
    [InlineData("U(0.1,0.2,0.3) q[0];", GateKind.U3, 1)]
    [InlineData("u2(0.1,0.2) q[0];", GateKind.U2, 1)]
    [InlineData("cu1(0.3) q[0],q[1];", GateKind.CP, 2)]
    [InlineData("cp(0.3) q[0],q[1];", GateKind.CP, 2)]
    [InlineData("CX q[0],q[1];", GateKind.CX, 2)]
    [InlineData("sx q[0];", GateKind.SX, 1)]
    [InlineData("sxdg q[0];", GateKind.SXdg, 1)]
    [InlineData("csx q[0],q[1];", GateKind.CSX, 2)]
    [InlineData("cu(0.1,0.2,0.3,0.4) q[0],q[1];", GateKind.CU, 2)]
    [InlineData("cu3(0.1,0.2,0.3) q[0],q[1];", GateKind.CU3, 2)]
    [InlineData("rzz(0.3) q[0],q[1];", GateKind.RZZ, 2)]
    [InlineData("rxx(0.3) q[0],q[1];", GateKind.RXX, 2)]
    [InlineData("ryy(0.3) q[0],q[1];", GateKind.RYY, 2)]
    [InlineData("rzx(0.3) q[0],q[1];", GateKind.RZX, 2)]
    [InlineData("rccx q[0],q[1],q[2];", GateKind.RCCX, 3)]
    [InlineData("rc3x q[0],q[1],q[2],q[3];", GateKind.RC3X, 4)]
    [InlineData("c3x q[0],q[1],q[2],q[3];", GateKind.C3X, 4)]
    [InlineData("c3sqrtx q[0],q[1],q[2],q[3];", GateKind.C3SX, 4)]
    [InlineData("c4x q[0],q[1],q[2],q[3],q[4];", GateKind.C4X, 5)]
    [InlineData("cswap q[0],q[1],q[2];", GateKind.CSwap, 3)]
    [InlineData("u0(1) q[0];", GateKind.Id, 1)]
    [InlineData("id q[0];", GateKind.Id, 1)]
    public void Qelib1_and_extended_names_map_to_gate_kinds(string statement, GateKind kind, int arity)
    {
        var circuit = QasmImporter.Parse(Header + "qreg q[5];\n" + statement + "\n");
        var op = Assert.Single(circuit.Operations);
        Assert.Equal(kind, op.Kind);
        Assert.Equal(arity, op.Qubits.Length);
    }

    [Fact]
    public void Qiskit_style_export_loads_and_simulates()
    {
        // The shape of a Qiskit qasm2.dumps() output: sx/p/cp/u gates, a custom definition, barrier, measure.
        const string program = """
            OPENQASM 2.0;
            include "qelib1.inc";
            gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }
            qreg q[3];
            creg meas[3];
            sx q[0];
            p(pi/4) q[1];
            u(pi/2,0,pi) q[2];
            cp(-pi/8) q[0],q[1];
            rzx(0.7) q[1],q[2];
            cx q[2],q[0];
            barrier q[0],q[1],q[2];
            measure q[0] -> meas[0];
            measure q[1] -> meas[1];
            measure q[2] -> meas[2];
            """;
        var circuit = QasmImporter.Parse(program);
        Assert.Equal(3, circuit.QubitCount);
        Assert.Equal(3, circuit.ClbitCount);
        var state = new StateVector(3);
        state.Apply(circuit);
        Assert.Equal(1, state.Probabilities().Sum(), 12);
        Assert.Equal(14, circuit.Operations.Count); // rzx expands to 5
    }

    [Fact]
    public void Comments_blank_lines_and_missing_version_are_accepted()
    {
        var circuit = QasmImporter.Parse("// a comment\ninclude \"qelib1.inc\"; /* block\ncomment */\n\nqreg q[1]; x q[0]; // trailing\n");
        AssertSameOperations(new Circuit(1).X(0), circuit);
    }
}
