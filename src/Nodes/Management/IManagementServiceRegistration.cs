using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Nodes.Management;

/// <summary>
/// Extension point of a node's management endpoint: each implementation adds its gRPC service(s) (own .proto, own
/// service class) to the node's Kestrel host. Pass instances to `NodeHost.StartAsync` (the built-in
/// management and training services are always mapped; this is for embedders that add their own).
/// Services can take <see cref="Akka.Hosting.ActorRegistry"/>, <see cref="Akka.Actor.ActorSystem"/> and
/// <see cref="Hosting.NodeOptions"/> from dependency injection.
/// </summary>
public interface IManagementServiceRegistration
{
    void ConfigureServices(IServiceCollection services);

    void MapEndpoints(IEndpointRouteBuilder endpoints);
}
