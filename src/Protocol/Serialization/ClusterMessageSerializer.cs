using System.Collections.Frozen;
using System.Reflection;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;

namespace QD3PM.Protocol.Serialization;

/// <summary>
/// Akka serializer for every <see cref="IClusterMessage"/>: the protobuf encoding of the generated class, with the
/// message type's simple name as manifest (stable across assembly versions, short in the journal).
/// A double[4096] costs ~0.25 ms here versus ~31 ms with Akka's default JSON serializer.
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Serializer id in Akka's registry (unique per system; 100 and below are Akka's own).</summary>
    public const int SerializerId = 4053;

    private static readonly FrozenDictionary<string, MessageParser> Parsers = DiscoverParsers();

    public override int Identifier => SerializerId;

    /// <summary>Manifest of every message type this serializer handles (the simple type name).</summary>
    public static IReadOnlyCollection<string> Manifests => Parsers.Keys;

    public override byte[] ToBinary(object obj) => obj switch
    {
        IClusterMessage and IMessage message => message.ToByteArray(),
        _ => throw new ArgumentException($"{obj.GetType()} is not a protobuf cluster message", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) =>
        Parsers.TryGetValue(manifest, out var parser)
            ? parser.ParseFrom(bytes)
            : throw new System.Runtime.Serialization.SerializationException($"unknown cluster message manifest '{manifest}'");

    public override string Manifest(object o) => o.GetType().Name;

    private static FrozenDictionary<string, MessageParser> DiscoverParsers()
    {
        var result = new Dictionary<string, MessageParser>(StringComparer.Ordinal);
        foreach (var type in MessageTypes())
        {
            var parser = (MessageParser)type.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            if (!result.TryAdd(type.Name, parser))
                throw new InvalidOperationException($"two cluster messages are named {type.Name}: manifests must be unique");
        }
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every concrete protobuf message type marked <see cref="IClusterMessage"/> in this assembly.</summary>
    public static IEnumerable<Type> MessageTypes() =>
        typeof(IClusterMessage).Assembly.GetTypes()
            .Where(t => typeof(IClusterMessage).IsAssignableFrom(t) && typeof(IMessage).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
}
