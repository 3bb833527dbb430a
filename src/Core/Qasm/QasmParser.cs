using System.Globalization;
using QD3PM.Core.Circuits;

namespace QD3PM.Core.Qasm;

/// <summary>
/// Recursive-descent OpenQASM 2.0 parser that builds a <see cref="Circuit"/> directly: qubits are numbered by
/// concatenating qregs in declaration order (clbits likewise), register arguments broadcast, user gates are expanded
/// by substitution at every call. `opaque` and `if` are refused, since neither can be simulated here. Every error is
/// a <see cref="QasmException"/> at the offending token.
/// </summary>
internal sealed class QasmParser
{
    private static readonly IReadOnlyDictionary<string, double> NoParameters = new Dictionary<string, double>();

    private readonly List<Token> _tokens;
    private readonly QasmImportOptions _options;
    private readonly Dictionary<string, (int Offset, int Size, Token Where)> _qregs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Offset, int Size, Token Where)> _cregs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GateDefinition> _gates = new(StringComparer.Ordinal);
    private readonly List<Operation> _operations = [];
    private int _index;
    private int _qubitCount;
    private int _clbitCount;
    private bool _qelib1;

    public QasmParser(string text, QasmImportOptions options)
    {
        _options = options;
        _tokens = QasmLexer.Tokenize(text);
    }

    private Token Current => _tokens[_index];

    public Circuit ParseProgram()
    {
        if (Current.Kind == TokenKind.Identifier && Current.Text == "OPENQASM") ParseVersion();
        while (Current.Kind != TokenKind.End) ParseStatement();
        var circuit = new Circuit(_qubitCount, _clbitCount);
        // Operations were validated as they were built, so Add cannot fail here.
        foreach (var op in _operations) circuit.Add(op);
        return circuit;
    }

    // ---- statements ----

    private void ParseVersion()
    {
        var keyword = Take();
        var version = Current;
        if (version.Kind is not (TokenKind.Real or TokenKind.Integer))
            throw Error(version, $"expected a version number after OPENQASM, found {version.Describe()}");
        Take();
        if (version.Text != "2" && !version.Text.StartsWith("2.", StringComparison.Ordinal))
            throw Error(version, $"only OpenQASM 2.0 is supported, this program is version {version.Text}");
        Expect(TokenKind.Semicolon, $"';' after OPENQASM {version.Text}");
        _ = keyword;
    }

    private void ParseStatement()
    {
        var token = Current;
        if (token.Kind != TokenKind.Identifier)
            throw Error(token, $"expected a statement, found {token.Describe()}");
        switch (token.Text)
        {
            case "OPENQASM":
                throw Error(token, "OPENQASM must be the first statement");
            case "include": ParseInclude(); return;
            case "qreg": ParseRegister(quantum: true); return;
            case "creg": ParseRegister(quantum: false); return;
            case "gate": ParseGateDefinition(); return;
            case "opaque":
            {
                Take();
                var name = Current.Kind == TokenKind.Identifier ? $" '{Current.Text}'" : "";
                throw Error(token, $"opaque gate{name} has no definition and cannot be simulated");
            }
            case "if":
                throw Error(token, "classically controlled operations (if) are not supported");
            case "measure": ParseMeasure(); return;
            case "reset": ParseReset(); return;
            case "barrier": ParseBarrier(); return;
            default: ParseGateStatement(); return;
        }
    }

    private void ParseInclude()
    {
        Take();
        var file = Expect(TokenKind.String, "a file name in quotes after include");
        if (file.Text != "qelib1.inc")
            throw Error(file, $"cannot include \"{file.Text}\": only \"qelib1.inc\" is built in");
        Expect(TokenKind.Semicolon, "';' after include");
        _qelib1 = true;
    }

    private void ParseRegister(bool quantum)
    {
        var keyword = Take();
        var name = Expect(TokenKind.Identifier, $"a register name after {keyword.Text}");
        Expect(TokenKind.LeftBracket, $"'[' after register name '{name.Text}'");
        var sizeToken = Current;
        int size = ParseIndex("register size");
        if (size == 0) throw Error(sizeToken, $"register '{name.Text}' must have at least one bit");
        Expect(TokenKind.RightBracket, "']' after register size");
        Expect(TokenKind.Semicolon, $"';' after {keyword.Text} {name.Text}[{size}]");
        if (_qregs.TryGetValue(name.Text, out var q) || _cregs.TryGetValue(name.Text, out q))
            throw Error(name, $"register '{name.Text}' already declared at line {q.Where.Line}");
        if (quantum)
        {
            if ((long)_qubitCount + size > _options.MaxQubits)
                throw Error(sizeToken, $"too many qubits: {(long)_qubitCount + size} declared, at most {_options.MaxQubits} supported");
            _qregs[name.Text] = (_qubitCount, size, name);
            _qubitCount += size;
        }
        else
        {
            if ((long)_clbitCount + size > _options.MaxClbits)
                throw Error(sizeToken, $"too many classical bits: {(long)_clbitCount + size} declared, at most {_options.MaxClbits} supported");
            _cregs[name.Text] = (_clbitCount, size, name);
            _clbitCount += size;
        }
    }

    private void ParseGateDefinition()
    {
        var keyword = Take();
        var name = Expect(TokenKind.Identifier, "a gate name after 'gate'");
        if (name.Text is "U" or "CX" or "measure" or "reset" or "barrier" or "if" or "gate" or "opaque" or "qreg" or "creg" or "pi")
            throw Error(name, $"'{name.Text}' is reserved and cannot be redefined");
        if (_gates.TryGetValue(name.Text, out var existing))
            throw Error(name, $"gate '{name.Text}' already defined at line {existing.Where.Line}");

        var parameters = new List<string>();
        if (Accept(TokenKind.LeftParen))
        {
            if (!Accept(TokenKind.RightParen))
            {
                do
                {
                    var p = Expect(TokenKind.Identifier, "a parameter name");
                    if (parameters.Contains(p.Text) || p.Text == "pi")
                        throw Error(p, $"parameter name '{p.Text}' {(p.Text == "pi" ? "is reserved" : "used twice")}");
                    parameters.Add(p.Text);
                } while (Accept(TokenKind.Comma));
                Expect(TokenKind.RightParen, "')' after gate parameters");
            }
        }
        var qubits = new List<string>();
        do
        {
            var q = Expect(TokenKind.Identifier, "a qubit argument name");
            if (qubits.Contains(q.Text) || parameters.Contains(q.Text))
                throw Error(q, $"argument name '{q.Text}' used twice");
            qubits.Add(q.Text);
        } while (Accept(TokenKind.Comma));
        Expect(TokenKind.LeftBrace, $"'{{' to open the body of gate '{name.Text}'");

        var body = new List<GateCall>();
        while (!Accept(TokenKind.RightBrace))
        {
            var call = Current;
            if (call.Kind == TokenKind.End) throw Error(call, $"gate '{name.Text}' body is not closed with '}}'");
            if (call.Kind != TokenKind.Identifier) throw Error(call, $"expected a gate call in the body of '{name.Text}', found {call.Describe()}");
            if (call.Text == "barrier")
            {
                // A barrier inside a gate only orders operations; it has no effect on the state.
                Take();
                do ExpectFormalQubit(qubits); while (Accept(TokenKind.Comma));
                Expect(TokenKind.Semicolon, "';' after barrier");
                continue;
            }
            if (call.Text is "measure" or "reset" or "qreg" or "creg" or "gate" or "opaque" or "if" or "include")
                throw Error(call, $"'{call.Text}' is not allowed inside a gate body");
            Take();
            var args = ParseArguments();
            foreach (var arg in args) CheckParameterNames(arg, parameters);
            var callQubits = new List<Token>();
            do
            {
                var q = ExpectFormalQubit(qubits);
                if (callQubits.Any(t => t.Text == q.Text)) throw Error(q, $"qubit '{q.Text}' used twice in one gate call");
                callQubits.Add(q);
            } while (Accept(TokenKind.Comma));
            Expect(TokenKind.Semicolon, $"';' after the call of '{call.Text}'");
            CheckSignature(call, args.Length, callQubits.Count);
            body.Add(new GateCall(call, args, callQubits.ToArray(), _gates.GetValueOrDefault(call.Text)));
        }
        _gates[name.Text] = new GateDefinition(name.Text, parameters.ToArray(), qubits.ToArray(), body, keyword);
    }

    private Token ExpectFormalQubit(List<string> formals)
    {
        var q = Expect(TokenKind.Identifier, "a qubit argument name");
        if (Current.Kind == TokenKind.LeftBracket)
            throw Error(Current, "a gate body addresses qubits by argument name, not by index");
        if (!formals.Contains(q.Text)) throw Error(q, $"'{q.Text}' is not a qubit argument of this gate");
        return q;
    }

    private void CheckParameterNames(QasmExpression expression, List<string> parameters)
    {
        switch (expression)
        {
            case ParameterExpression p when !parameters.Contains(p.Name):
                throw new QasmException(p.Line, p.Column, $"unknown parameter '{p.Name}'");
            case UnaryMinusExpression u: CheckParameterNames(u.Operand, parameters); break;
            case BinaryExpression b: CheckParameterNames(b.Left, parameters); CheckParameterNames(b.Right, parameters); break;
            case FunctionExpression f: CheckParameterNames(f.Argument, parameters); break;
        }
    }

    private void ParseMeasure()
    {
        var keyword = Take();
        var (qubits, qubitIsRegister) = ParseQubitArgument(_qregs, "qubit");
        Expect(TokenKind.Arrow, "'->' in measure");
        var clbitToken = Current;
        var (clbits, clbitIsRegister) = ParseQubitArgument(_cregs, "classical bit");
        Expect(TokenKind.Semicolon, "';' after measure");
        if (qubitIsRegister != clbitIsRegister || qubits.Length != clbits.Length)
            throw Error(clbitToken, $"measure needs a qubit and a bit, or registers of equal size (got {qubits.Length} qubit(s) and {clbits.Length} bit(s))");
        for (int i = 0; i < qubits.Length; i++)
            Emit(keyword, Operation.Measure(qubits[i], clbits[i]));
    }

    private void ParseReset()
    {
        var keyword = Take();
        var (qubits, _) = ParseQubitArgument(_qregs, "qubit");
        Expect(TokenKind.Semicolon, "';' after reset");
        foreach (int q in qubits) Emit(keyword, Operation.Reset(q));
    }

    private void ParseBarrier()
    {
        var keyword = Take();
        var all = new List<int>();
        do
        {
            var (qubits, _) = ParseQubitArgument(_qregs, "qubit");
            foreach (int q in qubits)
                if (!all.Contains(q)) all.Add(q);
        } while (Accept(TokenKind.Comma));
        Expect(TokenKind.Semicolon, "';' after barrier");
        Emit(keyword, Operation.Barrier(all.ToArray()));
    }

    private void ParseGateStatement()
    {
        var name = Take();
        var argumentExpressions = ParseArguments();
        var parameters = new double[argumentExpressions.Length];
        for (int i = 0; i < parameters.Length; i++)
            parameters[i] = argumentExpressions[i].EvaluateFinite(NoParameters);

        var arguments = new List<(int[] Qubits, bool IsRegister, Token Where)>();
        do
        {
            var where = Current;
            var (qubits, isRegister) = ParseQubitArgument(_qregs, "qubit");
            arguments.Add((qubits, isRegister, where));
        } while (Accept(TokenKind.Comma));
        Expect(TokenKind.Semicolon, $"';' after the call of '{name.Text}'");
        CheckSignature(name, parameters.Length, arguments.Count);

        // Broadcasting: register arguments must agree in size; single qubits repeat.
        int repeat = 1;
        Token? first = null;
        foreach (var (qubits, isRegister, where) in arguments)
        {
            if (!isRegister) continue;
            if (first is null) { repeat = qubits.Length; first = where; }
            else if (qubits.Length != repeat)
                throw Error(where, $"registers of different sizes in one gate call ({repeat} and {qubits.Length})");
        }
        var actual = new int[arguments.Count];
        for (int r = 0; r < repeat; r++)
        {
            for (int a = 0; a < arguments.Count; a++)
                actual[a] = arguments[a].IsRegister ? arguments[a].Qubits[r] : arguments[a].Qubits[0];
            for (int a = 0; a < actual.Length; a++)
                for (int b = 0; b < a; b++)
                    if (actual[a] == actual[b])
                        throw Error(arguments[a].Where, $"qubit {DescribeQubit(actual[a])} used twice in one gate call");
            ApplyGate(name, name.Text, _gates.GetValueOrDefault(name.Text), parameters, actual);
        }
    }

    // ---- gates ----

    /// <summary>Checks a call's parameter and qubit counts against the gate it names, which must exist.</summary>
    private void CheckSignature(Token name, int parameterCount, int qubitCount)
    {
        int expectedParameters, expectedQubits;
        if (_gates.TryGetValue(name.Text, out var definition))
        {
            expectedParameters = definition.Parameters.Length;
            expectedQubits = definition.Qubits.Length;
        }
        else if (TryBuiltin(name, out var kind, out bool isU0))
        {
            expectedParameters = isU0 ? 1 : GateInfo.ParameterCount(kind);
            expectedQubits = GateInfo.QubitCount(kind);
        }
        else
        {
            throw Error(name, $"unknown gate '{name.Text}'");
        }
        if (parameterCount != expectedParameters)
            throw Error(name, $"gate '{name.Text}' takes {expectedParameters} parameter(s), got {parameterCount}");
        if (qubitCount != expectedQubits)
            throw Error(name, $"gate '{name.Text}' takes {expectedQubits} qubit argument(s), got {qubitCount}");
    }

    /// <summary>Resolves a qelib1 (or Qiskit extended qelib1) gate name; U and CX exist without the include.</summary>
    private bool TryBuiltin(Token name, out GateKind kind, out bool isU0)
    {
        isU0 = false;
        kind = GateKind.Id;
        if (name.Text is "U" or "CX")
        {
            kind = name.Text == "U" ? GateKind.U3 : GateKind.CX;
            return true;
        }
        bool known = name.Text == "u0" || (name.Text is not ("zz" or "measure" or "reset" or "barrier") && GateInfo.TryParse(name.Text, out kind));
        if (!known) return false;
        if (!_qelib1)
            throw Error(name, $"unknown gate '{name.Text}' (it is defined in qelib1.inc: add `include \"qelib1.inc\";`)");
        if (name.Text == "u0") { isU0 = true; kind = GateKind.Id; }
        return true;
    }

    /// <summary>Applies a gate on concrete qubits, expanding user definitions recursively.</summary>
    private void ApplyGate(Token where, string name, GateDefinition? definition, double[] parameters, int[] qubits, int depth = 0)
    {
        if (definition is not null)
        {
            // Definitions only call earlier ones, so depth is bounded by their number; bound it harder for the stack.
            if (depth >= MaxGateNesting)
                throw Error(where, $"gate definitions nested more than {MaxGateNesting} deep");
            var environment = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = 0; i < parameters.Length; i++) environment[definition.Parameters[i]] = parameters[i];
            foreach (var call in definition.Body)
            {
                var p = new double[call.Arguments.Length];
                for (int i = 0; i < p.Length; i++) p[i] = call.Arguments[i].EvaluateFinite(environment);
                var q = new int[call.Qubits.Length];
                for (int i = 0; i < q.Length; i++) q[i] = qubits[Array.IndexOf(definition.Qubits, call.Qubits[i].Text)];
                ApplyGate(where, call.Name.Text, call.Target, p, q, depth + 1);
            }
            return;
        }
        // Signatures were checked where the call was written; resolution cannot fail here.
        TryBuiltin(new Token(TokenKind.Identifier, name, where.Line, where.Column), out var kind, out bool isU0);
        Emit(where, isU0 ? Operation.Gate(GateKind.Id, qubits) : new Operation(kind, (int[])qubits.Clone(), parameters));
    }

    private void Emit(Token where, Operation operation)
    {
        if (_operations.Count >= _options.MaxOperations)
            throw Error(where, $"the program expands to more than {_options.MaxOperations} operations");
        _operations.Add(operation);
    }

    // ---- arguments and expressions ----

    /// <summary>`name` (a whole register) or `name[i]`; returns the absolute indices.</summary>
    private (int[] Indices, bool IsRegister) ParseQubitArgument(Dictionary<string, (int Offset, int Size, Token Where)> registers, string what)
    {
        var name = Expect(TokenKind.Identifier, $"a {what} argument");
        if (!registers.TryGetValue(name.Text, out var register))
        {
            string other = ReferenceEquals(registers, _qregs) ? (_cregs.ContainsKey(name.Text) ? " (it is a classical register)" : "")
                : (_qregs.ContainsKey(name.Text) ? " (it is a quantum register)" : "");
            throw Error(name, $"unknown {(ReferenceEquals(registers, _qregs) ? "quantum" : "classical")} register '{name.Text}'{other}");
        }
        if (!Accept(TokenKind.LeftBracket))
            return (Enumerable.Range(register.Offset, register.Size).ToArray(), true);
        var indexToken = Current;
        int index = ParseIndex($"{what} index");
        Expect(TokenKind.RightBracket, $"']' after the {what} index");
        if (index >= register.Size)
            throw Error(indexToken, $"{what} index {index} out of range for register {name.Text}[{register.Size}]");
        return ([register.Offset + index], false);
    }

    private int ParseIndex(string what)
    {
        var token = Current;
        if (token.Kind != TokenKind.Integer)
            throw Error(token, $"expected a non-negative integer {what}, found {token.Describe()}");
        Take();
        if (!int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            throw Error(token, $"{what} {token.Text} is too large");
        return value;
    }

    private QasmExpression[] ParseArguments()
    {
        if (!Accept(TokenKind.LeftParen)) return [];
        if (Accept(TokenKind.RightParen)) return [];
        var list = new List<QasmExpression>();
        do
        {
            int start = _index;
            var where = Current;
            list.Add(ParseExpression(0));
            // Long operator chains build deep trees that evaluation walks recursively: bound them.
            if (_index - start > MaxExpressionTokens) throw Error(where, $"expression longer than {MaxExpressionTokens} tokens");
        } while (Accept(TokenKind.Comma));
        Expect(TokenKind.RightParen, "')' after the gate parameters");
        return list.ToArray();
    }

    private const int MaxExpressionDepth = 600;
    private const int MaxGateNesting = 1000;
    private const int MaxExpressionTokens = 4000;

    // expression := term (('+'|'-') term)*
    private QasmExpression ParseExpression(int depth)
    {
        CheckDepth(depth);
        var left = ParseTerm(depth + 1);
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Take();
            left = new BinaryExpression(op.Text[0], left, ParseTerm(depth + 1), op.Line, op.Column);
        }
        return left;
    }

    // term := unary (('*'|'/') unary)*
    private QasmExpression ParseTerm(int depth)
    {
        CheckDepth(depth);
        var left = ParseUnary(depth + 1);
        while (Current.Kind is TokenKind.Star or TokenKind.Slash)
        {
            var op = Take();
            left = new BinaryExpression(op.Text[0], left, ParseUnary(depth + 1), op.Line, op.Column);
        }
        return left;
    }

    // unary := ('-'|'+') unary | power      (so -2^2 = -(2^2), as in OpenQASM)
    private QasmExpression ParseUnary(int depth)
    {
        CheckDepth(depth);
        if (Current.Kind == TokenKind.Minus)
        {
            var op = Take();
            return new UnaryMinusExpression(ParseUnary(depth + 1), op.Line, op.Column);
        }
        if (Current.Kind == TokenKind.Plus)
        {
            Take();
            return ParseUnary(depth + 1);
        }
        return ParsePower(depth + 1);
    }

    // power := primary ('^' unary)?      (right-associative)
    private QasmExpression ParsePower(int depth)
    {
        CheckDepth(depth);
        var left = ParsePrimary(depth + 1);
        if (Current.Kind != TokenKind.Caret) return left;
        var op = Take();
        return new BinaryExpression('^', left, ParseUnary(depth + 1), op.Line, op.Column);
    }

    private QasmExpression ParsePrimary(int depth)
    {
        CheckDepth(depth);
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
            case TokenKind.Real:
                Take();
                if (!double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                    throw Error(token, $"number {token.Text} is out of range");
                return new NumberExpression(value, token.Line, token.Column);
            case TokenKind.LeftParen:
            {
                Take();
                var inner = ParseExpression(depth + 1);
                Expect(TokenKind.RightParen, "')' to close the parenthesis");
                return inner;
            }
            case TokenKind.Identifier when token.Text == "pi":
                Take();
                return new NumberExpression(Math.PI, token.Line, token.Column);
            case TokenKind.Identifier when FunctionExpression.Names.Contains(token.Text) && _tokens[_index + 1].Kind == TokenKind.LeftParen:
            {
                Take();
                Take();
                var argument = ParseExpression(depth + 1);
                Expect(TokenKind.RightParen, $"')' after the argument of {token.Text}");
                return new FunctionExpression(token.Text, argument, token.Line, token.Column);
            }
            case TokenKind.Identifier:
                Take();
                return new ParameterExpression(token.Text, token.Line, token.Column);
            default:
                throw Error(token, $"expected a number, pi, a parameter or '(' in the expression, found {token.Describe()}");
        }
    }

    private void CheckDepth(int depth)
    {
        if (depth > MaxExpressionDepth) throw Error(Current, "expression nested too deeply");
    }

    // ---- token helpers ----

    private Token Take()
    {
        var token = _tokens[_index];
        if (token.Kind != TokenKind.End) _index++;
        return token;
    }

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind) return false;
        Take();
        return true;
    }

    private Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind) throw Error(Current, $"expected {what}, found {Current.Describe()}");
        return Take();
    }

    private string DescribeQubit(int absolute)
    {
        foreach (var (name, (offset, size, _)) in _qregs)
            if (absolute >= offset && absolute < offset + size) return $"{name}[{absolute - offset}]";
        return absolute.ToString(CultureInfo.InvariantCulture);
    }

    private static QasmException Error(Token at, string message) => new(at.Line, at.Column, message);
}
