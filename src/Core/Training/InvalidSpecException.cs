namespace QD3PM.Core.Training;

/// <summary>
/// A training spec that cannot define a run: a bad value, an unknown model or data set, or JSON that is not a spec.
/// The one error type of every edge that accepts a spec (the CLI, the management service, a run directory); the
/// message is one line that starts with "invalid training spec: ".
/// </summary>
public sealed class InvalidSpecException : Exception
{
    public const string Prefix = "invalid training spec: ";

    public InvalidSpecException(string reason, Exception? inner = null)
        : base(Prefix + reason, inner)
    {
        Reason = reason;
    }

    /// <summary>The message without its prefix.</summary>
    public string Reason { get; }
}
