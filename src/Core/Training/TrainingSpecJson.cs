using System.Text.Json;
using System.Text.Json.Serialization;

namespace QD3PM.Core.Training;

/// <summary>
/// The one JSON form of <see cref="TrainingSpec"/>: spec.json, model.json's "settings", the journal, cluster messages
/// and the management API, so the C# record stays the only schema of a run's definition. Enums are written by their
/// <see cref="SpecNames"/>; members it does not know are skipped, so files of earlier versions (which carried
/// "evalEvery") still read.
/// </summary>
public static class TrainingSpecJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static string Serialize(TrainingSpec spec) => JsonSerializer.Serialize(spec, Options);

    /// <summary>Parses a spec (without validating its values); <see cref="InvalidSpecException"/> on JSON that is not one.</summary>
    public static TrainingSpec Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingSpec>(json, Options) ?? throw new InvalidSpecException("the spec is empty (null)");
        }
        catch (JsonException ex)
        {
            throw new InvalidSpecException(ex.Path is { Length: > 2 } path ? Describe(path[2..]) : "not a JSON object with the fields of a spec", ex);
        }
    }

    /// <summary>"mode: not one of multi-step, single-step" for a bad enum; "layers: not a valid value" otherwise.</summary>
    private static string Describe(string member)
    {
        var property = typeof(TrainingSpec).GetProperty(member, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance
                                                                | System.Reflection.BindingFlags.IgnoreCase);
        if (property?.PropertyType is { IsEnum: true } type)
        {
            var names = Enum.GetNames(type).Select(n => JsonNamingPolicy.KebabCaseLower.ConvertName(n));
            return $"{member}: not one of {string.Join(", ", names)}";
        }
        return $"{member}: not a valid value";
    }
}
