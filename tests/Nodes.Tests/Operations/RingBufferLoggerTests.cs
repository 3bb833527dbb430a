using Akka.Event;
using QD3PM.Nodes.Operations;
using Xunit;

namespace QD3PM.Nodes.Tests.Operations;

public sealed class RingBufferLoggerTests
{
    private static Exception Thrown()
    {
        try
        {
            try { throw new InvalidOperationException("inner cause"); }
            catch (InvalidOperationException inner) { throw new IOException("Disassociated", inner); }
        }
        catch (IOException ex)
        {
            return ex;
        }
    }

    [Fact]
    public void An_exception_is_printed_as_its_type_and_message_without_stack_frames()
    {
        var e = new Error(Thrown(), "akka.tcp://qd3pm@127.0.0.1:1/system/endpointManager", typeof(RingBufferLoggerTests), "Association with remote system failed");
        Assert.Contains("   at ", e.ToString()); // what Akka's own text carries

        var line = RingBufferLogger.ConsoleText(e, withStackTraces: false);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain("--- End of", line);
        Assert.Contains("Association with remote system failed", line);
        Assert.Contains("IOException: Disassociated", line);
        Assert.Contains("InvalidOperationException: inner cause", line);
        Assert.StartsWith("[ERROR]", line);
    }

    [Fact]
    public void Stack_frames_inside_the_message_are_cut_too()
    {
        // Akka's remoting lifecycle events (AssociationErrorEvent) are logged as text that holds the exception
        var e = new Error(null, "akka.tcp://qd3pm@127.0.0.1:1/system/endpointManager", typeof(RingBufferLoggerTests), $"AssociationError [a] -> [b]: Error [{Thrown()}]");
        Assert.Null(e.Cause);
        Assert.Contains("   at ", e.ToString());
        var line = RingBufferLogger.ConsoleText(e, withStackTraces: false);
        Assert.DoesNotContain("   at ", line);
        Assert.Contains("IOException: Disassociated", line);
    }

    [Fact]
    public void At_debug_level_and_without_an_exception_the_text_is_akkas_own()
    {
        var withCause = new Warning(Thrown(), "source", typeof(RingBufferLoggerTests), "retrying");
        Assert.Equal(withCause.ToString(), RingBufferLogger.ConsoleText(withCause, withStackTraces: true));
        var plain = new Warning("source", typeof(RingBufferLoggerTests), "member unreachable");
        Assert.Equal(plain.ToString(), RingBufferLogger.ConsoleText(plain, withStackTraces: false));
    }
}
