using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace QD3PM.Seed.Cli;

/// <summary>
/// Command-line parse errors as one line a user reads: "--lr: 'inf' is not a number" instead of the parser's
/// "... as expected type 'System.Nullable`1[System.Double]'", and choices on the same line.
/// </summary>
public static partial class ParseErrorText
{
    public static string OneLine(ParseError error)
    {
        var text = error.Message;
        var conversion = CannotParse().Match(text);
        if (conversion.Success)
            return $"{conversion.Groups["name"].Value}: '{conversion.Groups["value"].Value}' is not {Expected(conversion.Groups["type"].Value)}";
        var choice = NotRecognized().Match(text);
        if (choice.Success)
        {
            var choices = Quoted().Matches(choice.Groups["choices"].Value).Select(m => m.Groups[1].Value);
            return $"{OptionName(error.SymbolResult)}'{choice.Groups["value"].Value}' is not one of {string.Join(", ", choices)}";
        }
        return Whitespace().Replace(text, " ").Trim();
    }

    private static string OptionName(SymbolResult? result) => result switch
    {
        OptionResult o => o.Option.Name + ": ",
        ArgumentResult { Parent: OptionResult o } => o.Option.Name + ": ",
        _ => "",
    };

    private static string Expected(string type) => type switch
    {
        _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal)
               || type.Contains("Decimal", StringComparison.Ordinal) => "a number",
        _ when type.Contains("Int", StringComparison.Ordinal) => "an integer",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ => "a valid value",
    };

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (option|command|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^Argument '(?<value>.*)' not recognized\. Must be one of:(?<choices>.*)$", RegexOptions.Singleline)]
    private static partial Regex NotRecognized();

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
