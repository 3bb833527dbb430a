namespace QD3PM.Core.Qasm;

/// <summary>Lexical classes of OpenQASM 2.0.</summary>
internal enum TokenKind
{
    Identifier, Integer, Real, String,
    Semicolon, Comma, LeftParen, RightParen, LeftBracket, RightBracket, LeftBrace, RightBrace,
    Arrow, EqualEqual, Plus, Minus, Star, Slash, Caret,
    End,
}
