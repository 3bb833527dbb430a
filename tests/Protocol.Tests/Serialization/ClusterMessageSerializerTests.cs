using Xunit;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Serialization;

namespace QD3PM.Protocol.Tests.Serialization;

public sealed class ClusterMessageSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serialization-test", ClusterSerializationConfig.Config);

    public void Dispose() => _system.Dispose();

    public static TheoryData<string> MessageTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in ClusterMessageSerializer.MessageTypes())
            data.Add(type.Name);
        return data;
    }

    [Fact]
    public void Every_message_of_cluster_proto_is_marked_for_the_protobuf_serializer()
    {
        // cluster.proto and ops.proto (node-to-node operations messages) travel between nodes.
        var declared = ClusterReflection.Descriptor.MessageTypes.Concat(QD3PM.Protocol.Ops.OpsReflection.Descriptor.MessageTypes)
            .Select(m => m.ClrType.Name).Order().ToArray();
        var marked = ClusterMessageSerializer.MessageTypes().Select(t => t.Name).Order().ToArray();
        Assert.NotEmpty(declared);
        Assert.Equal(declared, marked);
    }

    [Theory]
    [MemberData(nameof(MessageTypeNames))]
    public void Message_resolves_to_protobuf_serializer_and_round_trips(string typeName)
    {
        var type = ClusterMessageSerializer.MessageTypes().Single(t => t.Name == typeName);
        var message = (IMessage)Activator.CreateInstance(type)!;
        Populate(message, depth: 0);

        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<ClusterMessageSerializer>(serializer);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        Assert.Equal(typeName, manifest);
        var bytes = serializer.ToBinary(message);
        var back = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(type, back);
        Assert.Equal(message, back);
        if (message.CalculateSize() > 0)
            Assert.NotEmpty(bytes);
    }

    [Fact]
    public void Packed_doubles_survive_bit_exactly()
    {
        var values = new[] { Math.PI, -0.0, double.Epsilon, 1e308, BitConverter.Int64BitsToDouble(0x3FF0000000000001) };
        var step = new StepCompleted { Step = 3 };
        step.Parameters.AddRange(values);
        var serializer = _system.Serialization.FindSerializerFor(step);
        var back = (StepCompleted)_system.Serialization.Deserialize(serializer.ToBinary(step), serializer.Identifier, nameof(StepCompleted));
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), back.Parameters.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Unknown_manifest_is_refused()
    {
        var serializer = (ClusterMessageSerializer)_system.Serialization.FindSerializerForType(typeof(WorkItem));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "NoSuchMessage"));
    }

    /// <summary>Gives every field a non-default value (nested messages recursively) so equality after the round trip means something.</summary>
    private static void Populate(IMessage message, int depth)
    {
        int salt = 1;
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            salt++;
            if (field.IsMap)
            {
                // map<K, V>: the entry message's fields 1 (key) and 2 (value) say what to put in.
                var map = (System.Collections.IDictionary)field.Accessor.GetValue(message);
                var key = field.MessageType.FindFieldByNumber(1);
                var value = field.MessageType.FindFieldByNumber(2);
                for (int i = 0; i < 3; i++)
                {
                    var v = Value(value, salt + i, depth);
                    if (v is not null) map[Value(key, salt + i, depth)!] = v;
                }
            }
            else if (field.IsRepeated)
            {
                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                for (int i = 0; i < 3; i++)
                {
                    var item = Value(field, salt + i, depth);
                    if (item is not null) list.Add(item);
                }
            }
            else
            {
                var value = Value(field, salt, depth);
                if (value is not null) field.Accessor.SetValue(message, value);
            }
        }
    }

    private static object? Value(FieldDescriptor field, int salt, int depth) => field.FieldType switch
    {
        FieldType.String => $"value-{salt}",
        FieldType.Double => salt * Math.PI,
        FieldType.Int64 => (long)salt * 1_000_000_007L,
        FieldType.Int32 => salt * 7,
        FieldType.Bool => true,
        FieldType.Enum => field.EnumType.Values[salt % field.EnumType.Values.Count].Number is var n && n == 0
            ? Enum.ToObject(field.EnumType.ClrType, field.EnumType.Values[1].Number)
            : Enum.ToObject(field.EnumType.ClrType, field.EnumType.Values[salt % field.EnumType.Values.Count].Number),
        FieldType.Message when depth < 2 => NewPopulated(field.MessageType, depth + 1),
        FieldType.Message => null,
        _ => throw new NotSupportedException($"test does not populate {field.FieldType} ({field.FullName})"),
    };

    private static IMessage NewPopulated(MessageDescriptor descriptor, int depth)
    {
        var message = (IMessage)Activator.CreateInstance(descriptor.ClrType)!;
        Populate(message, depth);
        return message;
    }
}
