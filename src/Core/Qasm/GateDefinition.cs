namespace QD3PM.Core.Qasm;

/// <summary>A user `gate` definition: formal parameters, formal qubits and a body of gate calls.</summary>
internal sealed record GateDefinition(string Name, string[] Parameters, string[] Qubits, IReadOnlyList<GateCall> Body, Token Where);

/// <summary>
/// A gate call inside a gate body, on formal qubit names. <see cref="Target"/> is the user gate the name meant when
/// the body was written (null for a built-in), so a later definition with the same name cannot change it.
/// </summary>
internal sealed record GateCall(Token Name, QasmExpression[] Arguments, Token[] Qubits, GateDefinition? Target);
