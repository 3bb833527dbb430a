using Akka.Actor;

namespace QD3PM.Nodes.Training;

/// <summary>
/// Asks the training coordinator (through its singleton proxy) in short attempts until an overall deadline. A single
/// long ask can wait for an answer that is never coming: the singleton is moving to another node, or a status query was
/// forwarded to a run actor just as its journal write failed (Akka stops a persistent actor then, and the messages it
/// had stashed while writing go to dead letters). Only for questions and idempotent commands, which may be asked twice.
/// </summary>
public static class CoordinatorAsk
{
    /// <summary>
    /// Asks again after every <paramref name="attemptTimeout"/> without an answer (an answer normally takes milliseconds);
    /// throws <see cref="AskTimeoutException"/> once <paramref name="deadline"/> has passed.
    /// </summary>
    public static async Task<T> AskAsync<T>(IActorRef coordinator, object message, TimeSpan attemptTimeout, TimeSpan deadline, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            var left = deadline - (DateTime.UtcNow - started);
            var attempt = left < attemptTimeout ? left : attemptTimeout;
            try
            {
                return await coordinator.Ask<T>(message, attempt > TimeSpan.Zero ? attempt : TimeSpan.FromMilliseconds(1), ct);
            }
            catch (AskTimeoutException) when (DateTime.UtcNow - started < deadline)
            {
            }
        }
    }
}
