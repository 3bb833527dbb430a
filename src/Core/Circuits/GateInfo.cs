namespace QD3PM.Core.Circuits;

/// <summary>Arity, parameter count and OpenQASM 2.0 names of every <see cref="GateKind"/>.</summary>
public static class GateInfo
{
    /// <summary>Returned by <see cref="QubitCount"/> for <see cref="GateKind.Barrier"/>, which takes any number of qubits.</summary>
    public const int AnyQubitCount = -1;

    // Canonical QASM name first; aliases (u1 == p, u == u3, cu1 == cp, c3sx == c3sqrtx) only parse.
    private static readonly Dictionary<string, GateKind> ByName = new(StringComparer.Ordinal)
    {
        ["id"] = GateKind.Id, ["x"] = GateKind.X, ["y"] = GateKind.Y, ["z"] = GateKind.Z, ["h"] = GateKind.H,
        ["s"] = GateKind.S, ["sdg"] = GateKind.Sdg, ["t"] = GateKind.T, ["tdg"] = GateKind.Tdg,
        ["sx"] = GateKind.SX, ["sxdg"] = GateKind.SXdg, ["rx"] = GateKind.RX, ["ry"] = GateKind.RY,
        ["rz"] = GateKind.RZ, ["p"] = GateKind.P, ["u1"] = GateKind.P, ["u2"] = GateKind.U2, ["u3"] = GateKind.U3,
        ["u"] = GateKind.U3, ["cx"] = GateKind.CX, ["CX"] = GateKind.CX, ["U"] = GateKind.U3, ["cy"] = GateKind.CY,
        ["cz"] = GateKind.CZ, ["ch"] = GateKind.CH, ["csx"] = GateKind.CSX, ["swap"] = GateKind.Swap,
        ["crx"] = GateKind.CRX, ["cry"] = GateKind.CRY, ["crz"] = GateKind.CRZ, ["cp"] = GateKind.CP,
        ["cu1"] = GateKind.CP, ["cu3"] = GateKind.CU3, ["cu"] = GateKind.CU, ["rxx"] = GateKind.RXX,
        ["ryy"] = GateKind.RYY, ["rzz"] = GateKind.RZZ, ["rzx"] = GateKind.RZX, ["zz"] = GateKind.ZZ,
        ["ccx"] = GateKind.CCX, ["cswap"] = GateKind.CSwap, ["rccx"] = GateKind.RCCX, ["rc3x"] = GateKind.RC3X,
        ["c3x"] = GateKind.C3X, ["c3sqrtx"] = GateKind.C3SX, ["c3sx"] = GateKind.C3SX, ["c4x"] = GateKind.C4X,
        ["measure"] = GateKind.Measure, ["reset"] = GateKind.Reset, ["barrier"] = GateKind.Barrier,
    };

    /// <summary>Number of qubits the gate acts on (controls included); <see cref="AnyQubitCount"/> for barrier.</summary>
    public static int QubitCount(GateKind kind) => kind switch
    {
        GateKind.Barrier => AnyQubitCount,
        GateKind.Id or GateKind.X or GateKind.Y or GateKind.Z or GateKind.H or GateKind.S or GateKind.Sdg
            or GateKind.T or GateKind.Tdg or GateKind.SX or GateKind.SXdg or GateKind.RX or GateKind.RY
            or GateKind.RZ or GateKind.P or GateKind.U2 or GateKind.U3 or GateKind.Measure or GateKind.Reset => 1,
        GateKind.CX or GateKind.CY or GateKind.CZ or GateKind.CH or GateKind.CSX or GateKind.Swap or GateKind.CRX
            or GateKind.CRY or GateKind.CRZ or GateKind.CP or GateKind.CU3 or GateKind.CU or GateKind.RXX
            or GateKind.RYY or GateKind.RZZ or GateKind.RZX or GateKind.ZZ => 2,
        GateKind.CCX or GateKind.CSwap or GateKind.RCCX => 3,
        GateKind.RC3X or GateKind.C3X or GateKind.C3SX => 4,
        GateKind.C4X => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown gate kind"),
    };

    /// <summary>Number of real parameters (angles) the gate takes.</summary>
    public static int ParameterCount(GateKind kind) => kind switch
    {
        GateKind.RX or GateKind.RY or GateKind.RZ or GateKind.P or GateKind.CRX or GateKind.CRY or GateKind.CRZ
            or GateKind.CP or GateKind.RXX or GateKind.RYY or GateKind.RZZ or GateKind.RZX or GateKind.ZZ => 1,
        GateKind.U2 => 2,
        GateKind.U3 or GateKind.CU3 => 3,
        GateKind.CU => 4,
        _ => 0,
    };

    /// <summary>Number of leading qubits that are controls (cx: 1, ccx: 2, cswap: 1, c4x: 4); 0 otherwise.</summary>
    public static int ControlCount(GateKind kind) => kind switch
    {
        GateKind.CX or GateKind.CY or GateKind.CZ or GateKind.CH or GateKind.CSX or GateKind.CRX or GateKind.CRY
            or GateKind.CRZ or GateKind.CP or GateKind.CU3 or GateKind.CU or GateKind.CSwap => 1,
        GateKind.CCX => 2,
        GateKind.C3X or GateKind.C3SX => 3,
        GateKind.C4X => 4,
        _ => 0,
    };

    /// <summary>True for gates that act unitarily on the state (everything except measure, reset, barrier).</summary>
    public static bool IsUnitary(GateKind kind) => kind is not (GateKind.Measure or GateKind.Reset or GateKind.Barrier);

    /// <summary>The canonical OpenQASM 2.0 name (qelib1 or Qiskit's extended qelib1; "zz" for the model's ZZ).</summary>
    public static string QasmName(GateKind kind) => kind switch
    {
        GateKind.Id => "id", GateKind.X => "x", GateKind.Y => "y", GateKind.Z => "z", GateKind.H => "h",
        GateKind.S => "s", GateKind.Sdg => "sdg", GateKind.T => "t", GateKind.Tdg => "tdg", GateKind.SX => "sx",
        GateKind.SXdg => "sxdg", GateKind.RX => "rx", GateKind.RY => "ry", GateKind.RZ => "rz", GateKind.P => "p",
        GateKind.U2 => "u2", GateKind.U3 => "u3", GateKind.CX => "cx", GateKind.CY => "cy", GateKind.CZ => "cz",
        GateKind.CH => "ch", GateKind.CSX => "csx", GateKind.Swap => "swap", GateKind.CRX => "crx",
        GateKind.CRY => "cry", GateKind.CRZ => "crz", GateKind.CP => "cp", GateKind.CU3 => "cu3", GateKind.CU => "cu",
        GateKind.RXX => "rxx", GateKind.RYY => "ryy", GateKind.RZZ => "rzz", GateKind.RZX => "rzx",
        GateKind.ZZ => "zz", GateKind.CCX => "ccx", GateKind.CSwap => "cswap", GateKind.RCCX => "rccx",
        GateKind.RC3X => "rc3x", GateKind.C3X => "c3x", GateKind.C3SX => "c3sqrtx", GateKind.C4X => "c4x",
        GateKind.Measure => "measure", GateKind.Reset => "reset", GateKind.Barrier => "barrier",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown gate kind"),
    };

    /// <summary>Parses a QASM gate name, accepting the usual aliases (u1, u, cu1, c3sx, U, CX).</summary>
    public static bool TryParse(string qasmName, out GateKind kind) => ByName.TryGetValue(qasmName, out kind);
}
