using Akka.Configuration;

namespace QD3PM.Protocol.Serialization;

/// <summary>The HOCON that binds <see cref="IClusterMessage"/> to <see cref="ClusterMessageSerializer"/>.</summary>
public static class ClusterSerializationConfig
{
    public const string Hocon = """
        akka.actor {
          serializers {
            qd3pm-protobuf = "QD3PM.Protocol.Serialization.ClusterMessageSerializer, QD3PM.Protocol"
          }
          serialization-bindings {
            "QD3PM.Protocol.Serialization.IClusterMessage, QD3PM.Protocol" = qd3pm-protobuf
          }
          serialization-identifiers {
            "QD3PM.Protocol.Serialization.ClusterMessageSerializer, QD3PM.Protocol" = 4053
          }
        }
        """;

    public static Config Config => ConfigurationFactory.ParseString(Hocon);
}
