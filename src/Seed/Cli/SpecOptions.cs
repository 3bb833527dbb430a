using System.CommandLine;
using QD3PM.Core.Training;

namespace QD3PM.Seed.Cli;

/// <summary>Options whose values are names of a spec enum (--mode multi-step, --gradient shift, ...): help lists the choices.</summary>
public static class SpecOptions
{
    public static Option<string> Choice<T>(string name, string description, T defaultValue) where T : struct, Enum
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => SpecNames.Of(defaultValue) };
        option.AcceptOnlyFromAmong([.. SpecNames.All<T>()]);
        return option;
    }

    /// <summary>The enum value of a <see cref="Choice{T}"/> option (already restricted to valid names by the parser).</summary>
    public static T Value<T>(ParseResult parse, Option<string> option) where T : struct, Enum =>
        SpecNames.Parse<T>(parse.GetValue(option), option.Name);
}
