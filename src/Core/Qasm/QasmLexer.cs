using System.Text;

namespace QD3PM.Core.Qasm;

/// <summary>Hand-written OpenQASM 2.0 lexer: tokens with line and column; `//` and `/* */` comments skipped.</summary>
internal sealed class QasmLexer
{
    private readonly string _text;
    private int _position;
    private int _line = 1;
    private int _column = 1;

    public QasmLexer(string text) => _text = text;

    public static List<Token> Tokenize(string text)
    {
        var lexer = new QasmLexer(text);
        var tokens = new List<Token>();
        Token token;
        do
        {
            token = lexer.Next();
            tokens.Add(token);
        } while (token.Kind != TokenKind.End);
        return tokens;
    }

    private char Peek(int ahead = 0) => _position + ahead < _text.Length ? _text[_position + ahead] : '\0';

    private void Advance()
    {
        if (_text[_position] == '\n') { _line++; _column = 1; }
        else _column++;
        _position++;
    }

    private Token Next()
    {
        SkipTriviaAndComments();
        int line = _line, column = _column;
        if (_position >= _text.Length) return new Token(TokenKind.End, "", line, column);
        char c = Peek();

        if (char.IsAsciiLetter(c) || c == '_')
        {
            int start = _position;
            while (char.IsAsciiLetterOrDigit(Peek()) || Peek() == '_') Advance();
            return new Token(TokenKind.Identifier, _text[start.._position], line, column);
        }
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
            return Number(line, column);
        if (c == '"')
        {
            Advance();
            int start = _position;
            while (_position < _text.Length && Peek() != '"' && Peek() != '\n') Advance();
            if (Peek() != '"') throw new QasmException(line, column, "unterminated string");
            string value = _text[start.._position];
            Advance();
            return new Token(TokenKind.String, value, line, column);
        }

        TokenKind? kind = c switch
        {
            ';' => TokenKind.Semicolon, ',' => TokenKind.Comma, '(' => TokenKind.LeftParen, ')' => TokenKind.RightParen,
            '[' => TokenKind.LeftBracket, ']' => TokenKind.RightBracket, '{' => TokenKind.LeftBrace,
            '}' => TokenKind.RightBrace, '+' => TokenKind.Plus, '*' => TokenKind.Star, '/' => TokenKind.Slash,
            '^' => TokenKind.Caret,
            _ => null,
        };
        if (kind is { } single)
        {
            Advance();
            return new Token(single, c.ToString(), line, column);
        }
        if (c == '-')
        {
            Advance();
            if (Peek() == '>') { Advance(); return new Token(TokenKind.Arrow, "->", line, column); }
            return new Token(TokenKind.Minus, "-", line, column);
        }
        if (c == '=' && Peek(1) == '=')
        {
            Advance(); Advance();
            return new Token(TokenKind.EqualEqual, "==", line, column);
        }
        throw new QasmException(line, column, $"unexpected character {DescribeChar(c)}");
    }

    private Token Number(int line, int column)
    {
        int start = _position;
        bool real = false;
        while (char.IsAsciiDigit(Peek())) Advance();
        if (Peek() == '.')
        {
            real = true;
            Advance();
            while (char.IsAsciiDigit(Peek())) Advance();
        }
        if (Peek() is 'e' or 'E' && (char.IsAsciiDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))))
        {
            real = true;
            Advance();
            if (Peek() is '+' or '-') Advance();
            while (char.IsAsciiDigit(Peek())) Advance();
        }
        if (char.IsAsciiLetter(Peek()) || Peek() == '_')
            throw new QasmException(_line, _column, $"unexpected character {DescribeChar(Peek())} after number");
        return new Token(real ? TokenKind.Real : TokenKind.Integer, _text[start.._position], line, column);
    }

    private void SkipTriviaAndComments()
    {
        while (_position < _text.Length)
        {
            char c = Peek();
            if (c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v' || c == '\uFEFF') { Advance(); continue; }
            if (c == '/' && Peek(1) == '/')
            {
                while (_position < _text.Length && Peek() != '\n') Advance();
                continue;
            }
            if (c == '/' && Peek(1) == '*')
            {
                int line = _line, column = _column;
                Advance(); Advance();
                while (_position < _text.Length && !(Peek() == '*' && Peek(1) == '/')) Advance();
                if (_position >= _text.Length) throw new QasmException(line, column, "unterminated comment");
                Advance(); Advance();
                continue;
            }
            return;
        }
    }

    private static string DescribeChar(char c)
    {
        if (c >= 0x20 && c < 0x7F) return $"'{c}'";
        var rune = new StringBuilder().Append("U+").Append(((int)c).ToString("X4")).ToString();
        return $"{rune} (is this a text file?)";
    }
}
