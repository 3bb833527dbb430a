namespace QD3PM.Core.Qasm;

/// <summary>
/// A parsed parameter expression (numbers, pi, gate parameters, + - * / ^, unary minus and sin cos tan exp ln
/// sqrt). Gate bodies keep their expressions unevaluated until each call binds the parameters.
/// </summary>
internal abstract record QasmExpression(int Line, int Column)
{
    public abstract double Evaluate(IReadOnlyDictionary<string, double> parameters);

    /// <summary>Evaluates and refuses NaN and infinities (ln(0), 1/0), which no gate angle may be.</summary>
    public double EvaluateFinite(IReadOnlyDictionary<string, double> parameters)
    {
        double value = Evaluate(parameters);
        if (!double.IsFinite(value))
            throw new QasmException(Line, Column, $"expression evaluates to {value} (not a finite angle)");
        return value;
    }
}

internal sealed record NumberExpression(double Value, int Line, int Column) : QasmExpression(Line, Column)
{
    public override double Evaluate(IReadOnlyDictionary<string, double> parameters) => Value;
}

internal sealed record ParameterExpression(string Name, int Line, int Column) : QasmExpression(Line, Column)
{
    public override double Evaluate(IReadOnlyDictionary<string, double> parameters) =>
        parameters.TryGetValue(Name, out double value)
            ? value
            : throw new QasmException(Line, Column, $"unknown parameter '{Name}'");
}

internal sealed record UnaryMinusExpression(QasmExpression Operand, int Line, int Column) : QasmExpression(Line, Column)
{
    public override double Evaluate(IReadOnlyDictionary<string, double> parameters) => -Operand.Evaluate(parameters);
}

internal sealed record BinaryExpression(char Operator, QasmExpression Left, QasmExpression Right, int Line, int Column)
    : QasmExpression(Line, Column)
{
    public override double Evaluate(IReadOnlyDictionary<string, double> parameters)
    {
        double a = Left.Evaluate(parameters), b = Right.Evaluate(parameters);
        return Operator switch
        {
            '+' => a + b,
            '-' => a - b,
            '*' => a * b,
            '/' => a / b,
            '^' => Math.Pow(a, b),
            _ => throw new QasmException(Line, Column, $"unknown operator '{Operator}'"),
        };
    }
}

internal sealed record FunctionExpression(string Function, QasmExpression Argument, int Line, int Column)
    : QasmExpression(Line, Column)
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
        { "sin", "cos", "tan", "exp", "ln", "sqrt" };

    public override double Evaluate(IReadOnlyDictionary<string, double> parameters)
    {
        double x = Argument.Evaluate(parameters);
        return Function switch
        {
            "sin" => Math.Sin(x),
            "cos" => Math.Cos(x),
            "tan" => Math.Tan(x),
            "exp" => Math.Exp(x),
            "ln" => Math.Log(x),
            "sqrt" => Math.Sqrt(x),
            _ => throw new QasmException(Line, Column, $"unknown function '{Function}'"),
        };
    }
}
