using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace QD3PM.Nodes.Configuration;

/// <summary>
/// The ASP.NET Core and generic host builders of nodes and QPU emulators. Their defaults read appsettings.json from
/// the working directory and watch it for changes with a FileSystemWatcher over the whole directory tree, whose
/// thread then wakes for every journal write under runs/ (1-3 % of a BAS 2x2 `train` process's CPU in `perf`).
/// qd3pm is configured by its options and HOCON, never by appsettings, so the watch is turned off here, in one place.
/// </summary>
internal static class HostBuilders
{
    // read by the builders before they add appsettings.json (the documented host setting, given as an argument)
    private static readonly string[] NoConfigReload = ["--hostBuilder:reloadConfigOnChange=false"];

    public static WebApplicationBuilder Web() => WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = NoConfigReload });

    public static HostApplicationBuilder Plain() => Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = NoConfigReload });
}
