using Microsoft.Extensions.Logging;

namespace QD3PM.Seed.Commands.Qpu;

/// <summary>A minimal logger provider: one line per message on stderr (stdout carries only the command's own output), at or above a level.</summary>
public sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(minimum);

    public void Dispose()
    {
    }

    private sealed class Logger(LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}" +
                              (exception is null ? "" : " (" + exception.Message + ")"));
        }
    }
}
