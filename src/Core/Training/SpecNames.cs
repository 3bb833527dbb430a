using System.Text.Json;

namespace QD3PM.Core.Training;

/// <summary>
/// The names of the spec's enums as users write them (kebab-case: multi-step, all-to-all, sim-only): the same names
/// in JSON (<see cref="TrainingSpecJson"/>), on the command line and on the wire.
/// </summary>
public static class SpecNames
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Every name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Of).ToList();

    /// <summary>The value named <paramref name="name"/> (case-insensitive); <see cref="InvalidSpecException"/> for an unknown one.</summary>
    public static T Parse<T>(string? name, string what) where T : struct, Enum
    {
        var text = name?.Trim() ?? "";
        foreach (var value in Enum.GetValues<T>())
            if (string.Equals(Of(value), text, StringComparison.OrdinalIgnoreCase))
                return value;
        throw new InvalidSpecException($"unknown {what} '{name}' (expected: {string.Join(", ", All<T>())})");
    }
}
