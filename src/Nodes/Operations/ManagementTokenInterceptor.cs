using Grpc.Core;
using QD3PM.Nodes.Security;

namespace QD3PM.Nodes.Operations;

/// <summary>
/// Refuses every management call (all services on the endpoint) without "authorization: Bearer TOKEN" when the node
/// runs with --token: UNAUTHENTICATED, before the service sees the request.
/// </summary>
public sealed class ManagementTokenInterceptor(ManagementToken token) : CallGuardInterceptor
{
    protected override void Check(ServerCallContext context)
    {
        if (!token.Accepts(context.RequestHeaders.GetValue("authorization")))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or wrong management token"));
    }
}
