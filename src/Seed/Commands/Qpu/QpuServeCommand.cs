using System.CommandLine;
using Microsoft.Extensions.Logging;
using QD3PM.Core.Simulation;
using QD3PM.Nodes.Qpu.Emulator;
using QD3PM.Nodes.Security;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Commands.Qpu;

/// <summary>`qd3pm qpu serve`: the emulated cloud QPU (gRPC, qpu.proto) until SIGINT/SIGTERM.</summary>
public sealed class QpuServeCommand : ISubcommandFactory
{

    public Command Create()
    {
        var d = new QpuEmulatorOptions();
        var host = new Option<string>("--host") { Description = "Address to listen on.", DefaultValueFactory = _ => d.Host };
        var port = new Option<int>("--port") { Description = "Port (HTTP/2; TLS with --certs).", DefaultValueFactory = _ => d.Port }.Checked();
        var qubits = new Option<int>("--qubits") { Description = "Qubits of the backend.", DefaultValueFactory = _ => d.Qubits };
        var queueMs = new Option<double>("--queue-ms") { Description = "Queueing latency of every job (ms).", DefaultValueFactory = _ => d.QueueMs };
        var shotUs = new Option<double>("--shot-us") { Description = "Execution time per shot (microseconds).", DefaultValueFactory = _ => d.ShotMicroseconds };
        var depolarizing = new Option<double>("--depolarizing") { Description = "Depolarizing probability after every gate, per qubit it touches.", DefaultValueFactory = _ => d.Noise.Depolarizing };
        var damping = new Option<double>("--amplitude-damping") { Description = "Amplitude damping γ after every gate.", DefaultValueFactory = _ => 0.0 };
        var readout = new Option<double>("--readout-error") { Description = "Probability that a measured bit is flipped.", DefaultValueFactory = _ => d.Noise.ReadoutError };
        var failRate = new Option<double>("--fail-rate") { Description = "Probability that a job fails transiently when it starts (seeded).", DefaultValueFactory = _ => 0.0 };
        var seed = new Option<long>("--seed") { Description = "Seed of the shot sampling and of the failure injection.", DefaultValueFactory = _ => d.Seed };
        var ledger = new Option<string>("--ledger") { Description = "SQLite file of the durable job ledger.", DefaultValueFactory = _ => d.LedgerPath };
        var token = new Option<string?>("--token") { Description = "Bearer token every call must carry (default: none)." };
        var maxShots = new Option<int>("--max-shots") { Description = "Most shots per circuit.", DefaultValueFactory = _ => d.MaxShots };
        var maxCircuits = new Option<int>("--max-circuits") { Description = "Most circuits per job.", DefaultValueFactory = _ => d.MaxCircuitsPerJob };
        var basis = new Option<string>("--basis") { Description = "Comma-separated basis gates.", DefaultValueFactory = _ => string.Join(",", d.BasisGates) };
        var costShot = new Option<double>("--cost-per-shot") { Description = "Price per shot.", DefaultValueFactory = _ => d.CostPerShot };
        var costJob = new Option<double>("--cost-per-job") { Description = "Price per job.", DefaultValueFactory = _ => d.CostPerJob };
        var retention = new Option<double>("--retention-s") { Description = "Seconds a finished job stays in memory (its results until fetched); the ledger answers it afterwards.", DefaultValueFactory = _ => d.Retention.TotalSeconds };
        var maxRetained = new Option<int>("--max-retained-jobs") { Description = "Most finished jobs held in memory (the oldest leave first).", DefaultValueFactory = _ => d.MaxRetainedJobs };
        var verbose = new Option<bool>("--verbose") { Description = "Log every job transition." };
        var certs = CertsOption.Create("TLS identity directory from `qd3pm certs create` (required for a --host other than loopback)");
        var command = new Command("serve", "Run the emulated cloud QPU (gRPC contract of src/Protocol/Protos/qpu.proto) until SIGINT/SIGTERM.")
        {
            host, port, qubits, queueMs, shotUs, depolarizing, damping, readout, failRate, seed, ledger, token, maxShots, maxCircuits, basis,
            costShot, costJob, retention, maxRetained, verbose, certs,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new QpuEmulatorOptions
            {
                StopsOnSignals = true, // a server of its own: SIGINT/SIGTERM stop it (and the command then ends with 0)
                Host = parse.GetValue(host)!, Port = parse.GetValue(port), Qubits = parse.GetValue(qubits), QueueMs = parse.GetValue(queueMs),
                ShotMicroseconds = parse.GetValue(shotUs),
                Noise = new NoiseModel(parse.GetValue(depolarizing), parse.GetValue(damping), parse.GetValue(readout)),
                FailRate = parse.GetValue(failRate), Seed = parse.GetValue(seed), LedgerPath = parse.GetValue(ledger)!,
                Token = parse.GetValue(token), MaxShots = parse.GetValue(maxShots), MaxCircuitsPerJob = parse.GetValue(maxCircuits),
                BasisGates = parse.GetValue(basis)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                CostPerShot = parse.GetValue(costShot), CostPerJob = parse.GetValue(costJob),
                Retention = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(retention))), MaxRetainedJobs = parse.GetValue(maxRetained),
                Certificates = CertsOption.Load(parse, certs, CertificateUsage.Server),
            };
            if (parse.GetValue(retention) < 0)
                throw new CliException("--retention-s must not be negative");
            using var signals = StopSignals.LeaveToHost(); // the host's console lifetime stops the server on SIGINT/SIGTERM
            QpuEmulatorHost server;
            try
            {
                options.Validate();
                var logger = parse.GetValue(verbose) ? new StderrLoggerProvider(LogLevel.Information) : new StderrLoggerProvider(LogLevel.Warning);
                server = await QpuEmulatorHost.StartAsync(options, logger, ct);
            }
            catch (ClusterCertificateException ex)
            {
                throw CertsOption.Fail(ex);
            }
            catch (Exception ex) when (ex is ArgumentException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
            {
                throw new CliException(ex.Message);
            }
            await using var _ = server;
            var n = options.Noise;
            Console.WriteLine($"qpu emulator listening on {(options.Certificates is null ? "http" : "https")}://{options.Host}:{options.Port} ({options.Name}, {options.Qubits} qubits, " +
                              $"basis {string.Join(",", options.BasisGates)}; queue {options.QueueMs} ms, {options.ShotMicroseconds} us/shot, " +
                              $"depolarizing {n.Depolarizing}, readout {n.ReadoutError}, fail rate {options.FailRate}; ledger {options.LedgerPath}" +
                              (options.Token is null ? "" : "; token required") + ")");
            try
            {
                await server.WaitForShutdownAsync(ct);
            }
            catch (OperationCanceledException)
            {
            }
            Console.WriteLine("qpu emulator stopped");
            return 0;
        });
        return command;
    }
}
