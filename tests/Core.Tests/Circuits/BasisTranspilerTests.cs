using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Circuits;

public sealed class BasisTranspilerTests
{
    private static readonly string[] Basis = ["rx", "ry", "rz", "cx", "measure"];

    [Fact]
    public void ZZ_becomes_cx_rz_cx_with_the_same_state()
    {
        var c = new Circuit(3).Ry(0, 0.3).Rx(1, 1.1).Ry(2, -0.4).Zz(0, 2, 0.7).Rzz(1, 2, -0.9).Zz(0, 1, 0.25);
        var t = BasisTranspiler.Transpile(c, Basis, 16);
        Assert.DoesNotContain(t.Operations, o => o.Kind is GateKind.ZZ or GateKind.RZZ);
        Assert.Equal(3 * 3 + 3, t.Operations.Count);
        var a = new StateVector(3);
        a.Apply(c);
        var b = new StateVector(3);
        b.Apply(t);
        Assert.Equal(1, a.InnerProduct(b).Magnitude, 12); // equal up to a global phase
    }

    [Fact]
    public void Native_rzz_and_measure_pass_unchanged()
    {
        var c = new Circuit(2, 2).Zz(0, 1, 0.5).Measure(0, 0).Measure(1, 1);
        var t = BasisTranspiler.Transpile(c, ["rzz", "rx"], 2);
        Assert.Equal(c.Operations, t.Operations);
    }

    [Fact]
    public void Refuses_what_it_cannot_rewrite()
    {
        Assert.Throws<NotSupportedException>(() => BasisTranspiler.Transpile(new Circuit(2).H(0), Basis, 2));
        Assert.Throws<NotSupportedException>(() => BasisTranspiler.Transpile(new Circuit(5).Rx(0, 1), Basis, 4));
        var ex = Assert.Throws<NotSupportedException>(() => BasisTranspiler.Transpile(new Circuit(3).Zz(0, 2, 1), Basis, 3, [(0, 1), (1, 2)]));
        Assert.Contains("not coupled", ex.Message);
        BasisTranspiler.Transpile(new Circuit(3).Zz(1, 0, 1), Basis, 3, [(0, 1), (1, 2)]);
    }
}
