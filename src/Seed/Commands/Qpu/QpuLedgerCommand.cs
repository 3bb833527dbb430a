using System.CommandLine;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using QD3PM.Nodes.Qpu.Emulator;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Commands.Qpu;

/// <summary>`qd3pm qpu ledger`: summarises an emulator ledger; exit code 4 when a job was executed twice.</summary>
public sealed class QpuLedgerCommand : ISubcommandFactory
{


    public Command Create()
    {
        var ledger = new Option<string>("--ledger") { Description = "SQLite ledger of `qd3pm qpu serve`.", DefaultValueFactory = _ => new QpuEmulatorOptions().LedgerPath };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("ledger", "Summarise the emulator's job ledger: jobs, executions, duplicate executions (must be 0), shots, cost, failures.")
        {
            ledger, json,
        };
        command.SetAction(parse =>
        {
            QpuLedgerSummary s;
            try
            {
                s = QpuLedgerSummary.Read(parse.GetValue(ledger)!);
            }
            catch (Exception ex) when (ex is FileNotFoundException or SqliteException)
            {
                throw new CliException(ex.Message);
            }
            if (parse.GetValue(json))
            {
                JsonStdout.WriteLine(JsonSerializer.Serialize(s, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            }
            else
            {
                Console.WriteLine($"jobs {s.Jobs} (done {s.JobsDone}, failed {s.JobsFailed}, cancelled {s.JobsCancelled})");
                Console.WriteLine($"executions {s.Executions}, duplicate executions {s.DuplicateExecutions}");
                Console.WriteLine($"circuits {s.CircuitsExecuted}, shots {s.ShotsExecuted}, cost {s.Cost:F2}");
                Console.WriteLine($"failures: transient {s.TransientFailures}, permanent {s.PermanentFailures}");
                Console.WriteLine($"mean per executed job: queue {s.MeanQueueMs:F1} ms, execution {s.MeanRunMs:F1} ms");
            }
            return s.DuplicateExecutions == 0 ? 0 : 4;
        });
        return command;
    }
}
