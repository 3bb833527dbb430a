namespace QD3PM.Seed.Tests.Support;

/// <summary>
/// A machine-wide lock held while the end-to-end collection runs. Those tests start clusters with the fast failure
/// detector of deploy/hocon/test.conf; two test runs on one 2-core machine (two checkouts, a developer's run beside
/// CI) would starve each other's heartbeats and fail for reasons that are not bugs. The lock is an flock on a file
/// in the temp directory (released by the kernel when the process dies); after <see cref="MaxWait"/> the run goes
/// on without it rather than hang.
/// </summary>
public sealed class MachineTestLock : IDisposable
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(25);
    private readonly FileStream? _lock;

    public MachineTestLock()
    {
        var path = Path.Combine(Path.GetTempPath(), "qd3pm-e2e.lock");
        var until = DateTime.UtcNow + MaxWait;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Unix: a second process gets IOException until we close.
                _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < until)
            {
                Thread.Sleep(1000);
            }
            catch (IOException)
            {
                Console.Error.WriteLine($"end-to-end tests: {path} still held after {MaxWait.TotalMinutes:0} min; running without it");
                return;
            }
        }
    }

    public void Dispose() => _lock?.Dispose();
}
