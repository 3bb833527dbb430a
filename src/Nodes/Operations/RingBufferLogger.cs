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
                Console.Error.WriteLine(e.ToString());
        });
    }

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
