using Xunit;
using QD3PM.Core.Circuits;

namespace QD3PM.Core.Tests.Circuits;

public sealed class GateInfoTests
{
    [Fact]
    public void Every_gate_round_trips_through_its_qasm_name()
    {
        foreach (var kind in Enum.GetValues<GateKind>())
        {
            Assert.True(GateInfo.TryParse(GateInfo.QasmName(kind), out var parsed), kind.ToString());
            Assert.Equal(kind, parsed);
        }
    }

    [Theory]
    [InlineData("u1", GateKind.P)]
    [InlineData("u", GateKind.U3)]
    [InlineData("cu1", GateKind.CP)]
    [InlineData("c3sx", GateKind.C3SX)]
    [InlineData("CX", GateKind.CX)]
    public void Aliases_parse(string name, GateKind kind)
    {
        Assert.True(GateInfo.TryParse(name, out var parsed));
        Assert.Equal(kind, parsed);
    }

    [Fact]
    public void Unknown_names_do_not_parse() => Assert.False(GateInfo.TryParse("foo", out _));

    [Theory]
    [InlineData(GateKind.H, 1, 0, 0)]
    [InlineData(GateKind.U3, 1, 3, 0)]
    [InlineData(GateKind.CU, 2, 4, 1)]
    [InlineData(GateKind.ZZ, 2, 1, 0)]
    [InlineData(GateKind.CSwap, 3, 0, 1)]
    [InlineData(GateKind.RC3X, 4, 0, 0)]
    [InlineData(GateKind.C3SX, 4, 0, 3)]
    [InlineData(GateKind.C4X, 5, 0, 4)]
    public void Arity_parameters_and_controls(GateKind kind, int qubits, int parameters, int controls)
    {
        Assert.Equal(qubits, GateInfo.QubitCount(kind));
        Assert.Equal(parameters, GateInfo.ParameterCount(kind));
        Assert.Equal(controls, GateInfo.ControlCount(kind));
    }

    [Fact]
    public void Circuit_validates_operations()
    {
        var c = new Circuit(3, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.H(3));
        Assert.Throws<ArgumentException>(() => c.Cx(1, 1));
        Assert.Throws<ArgumentException>(() => c.Add(new Operation(GateKind.RY, [0], [1, 2])));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Measure(0, 1));
        c.H(0).Cx(0, 1).Zz(1, 2, 0.5).Measure(2, 0);
        Assert.Equal(4, c.Operations.Count);
        Assert.Equal([0], c.Operations[3].Clbits);
        Assert.Equal([2], c.Operations[3].Qubits);
        Assert.Equal("zz(0.5) q[1],q[2]", c.Operations[2].ToString());
    }
}
