using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm worker drain ADDRESS`: the worker node finishes its in-flight items, takes no new ones, then leaves.</summary>
public sealed class WorkerDrainCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var address = new Argument<string>("ADDRESS") { Description = "The worker node's cluster address: HOST:PORT or akka.tcp://qd3pm@HOST:PORT." };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait until the node has left (0: return at once).", DefaultValueFactory = _ => 0 };
        var command = ops.AddTo(new Command("drain", "Drain a worker node: finish in-flight items, take no new ones, then leave the cluster.") { address, wait });
        command.SetAction(async (parse, ct) =>
        {
            using var connection = ops.Connect(parse);
            var target = parse.GetValue(address)!;
            var reply = await connection.Call(o => connection.Admin.DrainWorkerAsync(new AddressRequest { Address = target }, o), ct);
            var waitSeconds = parse.GetValue(wait);
            bool left = false;
            if (waitSeconds > 0)
            {
                var until = DateTime.UtcNow.AddSeconds(waitSeconds);
                while (DateTime.UtcNow < until && !left)
                {
                    await Task.Delay(250, ct);
                    var members = await connection.Call(o => connection.Admin.GetMembersAsync(new GetMembersRequest(), o), ct);
                    left = members.Members.All(m => m.Address != reply.Addresses[0] || m.Status is "Exiting" or "Removed" or "Down");
                }
                if (!left)
                    throw new CliException($"{reply.Addresses[0]} is still a member after {waitSeconds:0}s (its workers may still be running items)", ExitCodes.Failed);
            }
            if (parse.GetValue(ops.Json))
                OpsOptions.WriteJson(new { message = reply.Message, address = reply.Addresses.FirstOrDefault(), left });
            else
                Console.WriteLine(reply.Message + (left ? "; it has left" : ""));
            return 0;
        });
        return command;
    }
}
