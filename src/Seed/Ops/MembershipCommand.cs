using System.CommandLine;
using Grpc.Core;
using QD3PM.Protocol.Management;

namespace QD3PM.Seed.Ops;

/// <summary>Shared shape of `cluster join|leave|down ADDRESS` and `cluster down-unreachable`: one call, one reply.</summary>
public static class MembershipCommand
{
    public static Command Create(string name, string description, bool takesAddress,
        Func<Admin.AdminClient, string, CallOptions, AsyncUnaryCall<CommandReply>> call)
    {
        var ops = new OpsOptions();
        var address = new Argument<string>("ADDRESS") { Description = "Member address: HOST:PORT (cluster port) or akka.tcp://qd3pm@HOST:PORT." };
        var command = ops.AddTo(new Command(name, description));
        if (takesAddress)
            command.Arguments.Add(address);
        command.SetAction(async (parse, ct) =>
        {
            using var connection = ops.Connect(parse);
            var target = takesAddress ? parse.GetValue(address)! : "";
            var reply = await connection.Call(o => call(connection.Admin, target, o), ct);
            if (parse.GetValue(ops.Json))
                OpsOptions.WriteJson(new { message = reply.Message, addresses = reply.Addresses.ToArray() });
            else
                Console.WriteLine(reply.Message + (reply.Addresses.Count > 1 || (!takesAddress && reply.Addresses.Count > 0) ? ": " + string.Join(", ", reply.Addresses) : ""));
            return 0;
        });
        return command;
    }
}
