using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace QD3PM.Nodes.Operations;

/// <summary>
/// The node's Akka logger (akka.loggers): keeps every event in <see cref="LogRing.Shared"/> for `qd3pm log tail`
/// and prints events at or above qd3pm.log.print-level to stderr (stdout carries only the node's own lines, such as
/// "node up", and `--json` output). The event
/// stream runs at INFO so the ring holds membership changes and worker joins while the console stays quiet.
/// </summary>
public sealed class RingBufferLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public RingBufferLogger()
    {
        var config = Context.System.Settings.Config;
        var printLevel = PrintLevel(config);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            LogRing.Shared.Add(e.Timestamp, Name(e.LogLevel()), e.LogSource, e.Message?.ToString() ?? "");
            if (e.LogLevel() >= printLevel)
                Console.Error.WriteLine(ConsoleText(e, withStackTraces: printLevel == LogLevel.DebugLevel));
        });
    }

    /// <summary>
    /// What stderr gets for an event: Akka's own text, but without the stack frames of an exception (its type and
    /// message stay, inner exceptions too) unless the node prints DEBUG. A member that leaves made the others log a
    /// remoting exception with a 20-line trace per association, which buried the lines an operator acts on. Frames
    /// are cut wherever they are: Akka's remoting lifecycle events carry theirs inside the message, not as the cause.
    /// </summary>
    public static string ConsoleText(LogEvent e, bool withStackTraces)
    {
        var text = e.ToString() ?? "";
        if (withStackTraces || !text.Contains('\n'))
            return text;
        var kept = text.Split('\n').Where(line => !IsStackFrame(line.TrimEnd('\r')));
        return string.Join('\n', kept);
    }

    private static bool IsStackFrame(string line) =>
        line.StartsWith("   at ", StringComparison.Ordinal) || line.TrimStart().StartsWith("--- End of", StringComparison.Ordinal);

    public static string Name(LogLevel level) => level switch
    {
        LogLevel.DebugLevel => "DEBUG",
        LogLevel.InfoLevel => "INFO",
        LogLevel.WarningLevel => "WARNING",
        _ => "ERROR",
    };

    /// <summary>The lowest level printed to stderr (qd3pm.log.print-level); OFF prints nothing.</summary>
    public static LogLevel PrintLevel(Akka.Configuration.Config config) => config.GetString("qd3pm.log.print-level", "WARNING").ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.DebugLevel,
        "INFO" => LogLevel.InfoLevel,
        "ERROR" => LogLevel.ErrorLevel,
        "OFF" => (LogLevel)int.MaxValue,
        _ => LogLevel.WarningLevel,
    };
}
