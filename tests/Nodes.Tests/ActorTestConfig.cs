using Akka.Configuration;
using QD3PM.Protocol.Serialization;

namespace QD3PM.Nodes.Tests;

/// <summary>The actor systems of the TestKit tests: the cluster serializers, quiet logs, and what each kind of test adds.</summary>
public static class ActorTestConfig
{
    /// <summary>Plain actors (no persistence, no cluster).</summary>
    public static readonly Config Plain = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
        .WithFallback(ClusterSerializationConfig.Config);

    /// <summary>Persistent actors on Akka's in-memory journal and snapshot store.</summary>
    public static readonly Config InMemoryJournal = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """).WithFallback(Plain);

    /// <summary>In-memory journal in a one-node cluster on an ephemeral loopback port (the coordinator needs a cluster).</summary>
    public static readonly Config OneNodeCluster = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """).WithFallback(InMemoryJournal);
}
