namespace QD3PM.Core.Circuits;

/// <summary>
/// Every gate the simulator understands: OpenQASM 2.0 qelib1 plus the extended qelib1 of today's toolkits, plus the
/// model's ZZ rotation. Conventions are Qiskit's (see <see cref="GateInfo"/> and QD3PM.Core.Simulation.GateMatrices).
/// For controlled gates the controls come first in <see cref="Operation.Qubits"/>, targets last.
/// </summary>
public enum GateKind
{
    Id, X, Y, Z, H, S, Sdg, T, Tdg, SX, SXdg, RX, RY, RZ, P, U2, U3,
    CX, CY, CZ, CH, CSX, Swap, CRX, CRY, CRZ, CP, CU3, CU,
    RXX, RYY, RZZ, RZX, ZZ,
    CCX, CSwap, RCCX, RC3X, C3X, C3SX, C4X,
    Measure, Reset, Barrier,
}
