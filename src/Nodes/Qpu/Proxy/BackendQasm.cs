using QD3PM.Core.Circuits;
using QD3PM.Core.Qasm;
using QD3PM.Protocol.Qpu;

namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>
/// A circuit as a backend accepts it: transpiled to its basis gates and register (refusing uncoupled pairs), written as
/// OpenQASM 2.0. <see cref="NotSupportedException"/> when the circuit cannot run there.
/// </summary>
public sealed class BackendQasm(Backend backend)
{
    private readonly List<(int Control, int Target)> _coupling = backend.CouplingMap.Select(e => (e.Control, e.Target)).ToList();

    public Backend Backend { get; } = backend;

    public string Export(Circuit circuit) =>
        QasmExporter.Export(BasisTranspiler.Transpile(circuit, Backend.BasisGates, Backend.NumQubits, _coupling));
}
