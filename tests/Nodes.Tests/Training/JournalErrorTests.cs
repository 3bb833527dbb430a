using System.Net.Sockets;
using Akka.Pattern;
using Akka.Persistence;
using Npgsql;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>Which journal failures mean the database is unreachable (the coordinator then refuses new submits).</summary>
public sealed class JournalErrorTests
{
    public static TheoryData<string, Exception, bool> Failures() => new()
    {
        { "Npgsql, connection refused", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException(111)), true },
        { "a socket error alone", new SocketException(111), true },
        { "the breaker open after a refused connection", new OpenCircuitException(new NpgsqlException("Failed to connect")), true },
        { "the breaker open, whatever it caught last", new OpenCircuitException(new InvalidOperationException("boom")), true },
        { "the journal's call timeout", new TimeoutException("Circuit Breaker Timed out."), true },
        { "a replay cancelled on its timeout", new OperationCanceledException("ReplayMessagesAsync canceled, possibly due to timing out."), true },
        { "recovery timed out", new RecoveryTimedOutException("Recovery timed out, didn't get event within 30s"), true },
        { "a broken connection stream", new AggregateException(new IOException("Unable to read data from the transport connection")), true },
        { "a corrupt protobuf row", Unparsable(), false },
        { "a corrupt row wrapped", new AggregateException(Unparsable()), false },
        { "an unknown serializer id", new System.Runtime.Serialization.SerializationException("Cannot find serializer with id [99]"), false },
        { "a serializer refusing the event", new ArgumentException("not a protobuf cluster message"), false },
        { "no known kind", new InvalidOperationException("something else"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failure_counts_as_the_database_unreachable_only_for_connection_and_timeout_errors(string what, Exception failure, bool unreachable) =>
        Assert.True(JournalError.IsDatabaseUnreachable(failure) == unreachable, $"{what}: expected unreachable={unreachable}");

    /// <summary>What parsing a stored event that is not one throws (an <see cref="IOException"/> by type).</summary>
    private static Exception Unparsable()
    {
        try
        {
            RunStatus.Parser.ParseFrom([0]);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException ex)
        {
            return ex;
        }
        throw new InvalidOperationException("a zero byte parsed as a message");
    }
}
