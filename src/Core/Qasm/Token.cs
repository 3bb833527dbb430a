namespace QD3PM.Core.Qasm;

/// <summary>One token with its text and 1-based position.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of file",
        TokenKind.String => $"string \"{Text}\"",
        _ => $"'{Text}'",
    };
}
