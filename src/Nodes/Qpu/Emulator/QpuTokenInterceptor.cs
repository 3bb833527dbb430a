using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using QD3PM.Nodes.Security;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>Refuses every call without `authorization: Bearer TOKEN` (UNAUTHENTICATED) when the emulator has a token.</summary>
public sealed class QpuTokenInterceptor(QpuEmulatorOptions options) : CallGuardInterceptor
{
    protected override void Check(ServerCallContext context)
    {
        if (string.IsNullOrEmpty(options.Token))
            return;
        var header = context.RequestHeaders.GetValue("authorization") ?? "";
        var expected = Encoding.UTF8.GetBytes("Bearer " + options.Token);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), expected))
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                header.Length == 0 ? "this QPU needs a bearer token" : "the bearer token was refused"));
    }
}
