using QD3PM.Nodes.Operations;
using Xunit;
using QD3PM.Nodes.Security;

namespace QD3PM.Nodes.Tests.Operations;

/// <summary>The pure parts of the operations API: member addresses, the log ring, the management token.</summary>
public sealed class OperationsTests
{
    [Theory]
    [InlineData("127.0.0.1:4054", "akka.tcp://qd3pm@127.0.0.1:4054")]
    [InlineData(" node-3.example:4053 ", "akka.tcp://qd3pm@node-3.example:4053")]
    [InlineData("akka.tcp://qd3pm@10.0.0.7:4060", "akka.tcp://qd3pm@10.0.0.7:4060")]
    public void Addresses_parse_from_host_port_or_full_form(string text, string expected) =>
        Assert.Equal(expected, ClusterAddress.Parse(text).ToString());

    [Theory]
    [InlineData("4054")]
    [InlineData("host:")]
    [InlineData("host:70000")]
    [InlineData(":4053")]
    [InlineData("akka.tcp://qd3pm")]
    public void Bad_addresses_are_refused_with_a_reason(string text)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => ClusterAddress.Parse(text));
        Assert.Contains("address", ex.Message);
    }

    [Fact]
    public void Log_ring_keeps_the_newest_lines_in_order_and_streams_new_ones()
    {
        var ring = new LogRing(4);
        for (int i = 1; i <= 6; i++)
            ring.Add(DateTime.UtcNow, "INFO", "test", "line " + i);
        Assert.Equal(["line 3", "line 4", "line 5", "line 6"], ring.Last(10).Select(e => e.Message));
        Assert.Equal(["line 5", "line 6"], ring.Last(2).Select(e => e.Message));
        Assert.Equal([5L, 6L], ring.Last(2).Select(e => e.Sequence));

        var (backlog, live, subscription) = ring.Subscribe(1);
        Assert.Equal("line 6", Assert.Single(backlog).Message);
        ring.Add(DateTime.UtcNow, "WARNING", "test", "line 7");
        Assert.True(live.TryRead(out var next));
        Assert.Equal(("line 7", "WARNING", 7L), (next!.Message, next.Level, next.Sequence));
        subscription.Dispose();
        ring.Add(DateTime.UtcNow, "INFO", "test", "line 8");
        Assert.False(live.TryRead(out _));
    }

    [Fact]
    public void Token_needs_the_exact_bearer_value_and_loopback_needs_none()
    {
        var token = new ManagementToken("s3cret");
        Assert.True(token.Accepts("Bearer s3cret"));
        Assert.False(token.Accepts("Bearer s3cre"));
        Assert.False(token.Accepts("s3cret"));
        Assert.False(token.Accepts(null));
        Assert.True(LoopbackHost.Is("127.0.0.1"));
        Assert.True(LoopbackHost.Is("::1"));
        Assert.True(LoopbackHost.Is("localhost"));
        Assert.False(LoopbackHost.Is("0.0.0.0"));
        Assert.False(LoopbackHost.Is("10.1.2.3"));
    }
}
