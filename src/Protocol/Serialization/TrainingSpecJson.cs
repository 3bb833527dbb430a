using System.Text.Json;
using System.Text.Json.Serialization;
using QD3PM.Core.Training;

namespace QD3PM.Protocol.Serialization;

/// <summary>
/// The one JSON form of <see cref="TrainingSpec"/> used in cluster messages, the journal and the management API,
/// so the C# record stays the only schema of a run's definition.
/// </summary>
public static class TrainingSpecJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static string Serialize(TrainingSpec spec) => JsonSerializer.Serialize(spec, Options);

    /// <summary>Parses a spec; throws <see cref="FormatException"/> with a readable message on bad input.</summary>
    public static TrainingSpec Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingSpec>(json, Options)
                   ?? throw new FormatException("training spec is empty");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"training spec is not valid JSON: {ex.Message}", ex);
        }
    }
}
