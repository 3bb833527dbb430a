using QD3PM.Core.Qasm;
using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Qasm;

/// <summary>
/// The built-in gates agree (up to a global phase) with their definitions in qelib1.inc as shipped by Qiskit,
/// written here as user gates: so files exported against that include mean the same thing here.
/// </summary>
public sealed class Qelib1DefinitionTests
{
    // (call of the built-in, user definition of "d_" + name from qelib1.inc, arity)
    public static TheoryData<string, string> Definitions() => new()
    {
        { "x a", "gate d_x a { u3(pi,0,pi) a; }" },
        { "y a", "gate d_y a { u3(pi,pi/2,pi/2) a; }" },
        { "z a", "gate d_z a { u1(pi) a; }" },
        { "h a", "gate d_h a { u2(0,pi) a; }" },
        { "s a", "gate d_s a { u1(pi/2) a; }" },
        { "sdg a", "gate d_sdg a { u1(-pi/2) a; }" },
        { "t a", "gate d_t a { u1(pi/4) a; }" },
        { "tdg a", "gate d_tdg a { u1(-pi/4) a; }" },
        { "sx a", "gate d_sx a { sdg a; h a; sdg a; }" },
        { "sxdg a", "gate d_sxdg a { s a; h a; s a; }" },
        { "rx(0.7) a", "gate d_rx(theta) a { u3(theta,-pi/2,pi/2) a; }" },
        { "ry(0.7) a", "gate d_ry(theta) a { u3(theta,0,0) a; }" },
        { "rz(0.7) a", "gate d_rz(phi) a { u1(phi) a; }" },
        { "p(0.7) a", "gate d_p(lambda) a { U(0,0,lambda) a; }" },
        { "u2(0.3,0.9) a", "gate d_u2(phi,lambda) a { U(pi/2,phi,lambda) a; }" },
        { "cz a,b", "gate d_cz a,b { h b; cx a,b; h b; }" },
        { "cy a,b", "gate d_cy a,b { sdg b; cx a,b; s b; }" },
        { "swap a,b", "gate d_swap a,b { cx a,b; cx b,a; cx a,b; }" },
        { "ch a,b", "gate d_ch a,b { h b; sdg b; cx a,b; h b; t b; cx a,b; t b; h b; s b; x b; s a; }" },
        { "ccx a,b,c", "gate d_ccx a,b,c { h c; cx b,c; tdg c; cx a,c; t c; cx b,c; tdg c; cx a,c; t b; t c; h c; cx a,b; t a; tdg b; cx a,b; }" },
        { "cswap a,b,c", "gate d_cswap a,b,c { cx c,b; ccx a,b,c; cx c,b; }" },
        { "crx(0.7) a,b", "gate d_crx(lambda) a,b { u1(pi/2) b; cx a,b; u3(-lambda/2,0,0) b; cx a,b; u3(lambda/2,-pi/2,0) b; }" },
        { "cry(0.7) a,b", "gate d_cry(lambda) a,b { ry(lambda/2) b; cx a,b; ry(-lambda/2) b; cx a,b; }" },
        { "crz(0.7) a,b", "gate d_crz(lambda) a,b { rz(lambda/2) b; cx a,b; rz(-lambda/2) b; cx a,b; }" },
        { "cu1(0.7) a,b", "gate d_cu1(lambda) a,b { u1(lambda/2) a; cx a,b; u1(-lambda/2) b; cx a,b; u1(lambda/2) b; }" },
        { "cp(0.7) a,b", "gate d_cp(lambda) a,b { p(lambda/2) a; cx a,b; p(-lambda/2) b; cx a,b; p(lambda/2) b; }" },
        { "cu3(0.7,0.2,-0.4) a,b", "gate d_cu3(theta,phi,lambda) c,t { u1((lambda+phi)/2) c; u1((lambda-phi)/2) t; cx c,t; u3(-theta/2,0,-(phi+lambda)/2) t; cx c,t; u3(theta/2,phi,0) t; }" },
        { "cu(0.7,0.2,-0.4,0.3) a,b", "gate d_cu(theta,phi,lambda,gamma) c,t { p(gamma) c; p((lambda+phi)/2) c; p((lambda-phi)/2) t; cx c,t; u(-theta/2,0,-(phi+lambda)/2) t; cx c,t; u(theta/2,phi,0) t; }" },
        { "csx a,b", "gate d_csx a,b { h b; cu1(pi/2) a,b; h b; }" },
        { "rxx(0.7) a,b", "gate d_rxx(theta) a,b { u3(pi/2,theta,0) a; h b; cx a,b; u1(-theta) b; cx a,b; h b; u2(-pi,pi-theta) a; }" },
        { "rzz(0.7) a,b", "gate d_rzz(theta) a,b { cx a,b; u1(theta) b; cx a,b; }" },
        { "rccx a,b,c", "gate d_rccx a,b,c { u2(0,pi) c; u1(pi/4) c; cx b,c; u1(-pi/4) c; cx a,c; u1(pi/4) c; cx b,c; u1(-pi/4) c; u2(0,pi) c; }" },
    };

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Builtin_matches_its_qelib1_definition(string call, string definition)
    {
        string name = call.Split(' ', '(')[0];
        string args = call[call.IndexOf(' ')..];
        string parameters = call.Contains('(') ? call[call.IndexOf('(')..(call.IndexOf(')') + 1)] : "";
        string qubits = args.Replace("a", "q[2]").Replace("b", "q[0]").Replace("c", "q[1]");
        // A generic entangled input state, so every matrix entry matters.
        const string prepare = "u3(0.3,0.2,0.1) q[0]; u3(1.1,-0.5,0.4) q[1]; u3(2.0,0.7,-1.2) q[2]; cx q[0],q[1]; cx q[1],q[2]; ry(0.4) q[0];\n";
        string header = $"OPENQASM 2.0;\ninclude \"qelib1.inc\";\n{definition}\nqreg q[3];\n{prepare}";
        var builtin = QasmImporter.Parse(header + $"{name}{parameters}{qubits};\n");
        var defined = QasmImporter.Parse(header + $"d_{name}{parameters}{qubits};\n");
        Assert.True(defined.Operations.Count > builtin.Operations.Count - 1);

        var a = new StateVector(3);
        a.Apply(builtin);
        var b = new StateVector(3);
        b.Apply(defined);
        double overlap = a.InnerProduct(b).Magnitude;
        Assert.True(Math.Abs(overlap - 1) < 1e-10, $"{call}: |<builtin|definition>| = {overlap}");
    }
}
