using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>Refuses every call without `authorization: Bearer TOKEN` (UNAUTHENTICATED) when the emulator has a token.</summary>
public sealed class BearerTokenInterceptor(QpuEmulatorOptions options) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    private void Check(ServerCallContext context)
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
