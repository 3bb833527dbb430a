using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QD3PM.Nodes.Configuration;
using QD3PM.Nodes.Security;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>Hosts <see cref="QpuEmulatorService"/> on Kestrel (HTTP/2; TLS with client certificates when given --certs).</summary>
public sealed class QpuEmulatorHost : IAsyncDisposable
{
    /// <summary>Largest gRPC message either way: a job of hundreds of circuits is a few MiB of OpenQASM.</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    private readonly WebApplication _app;

    private QpuEmulatorHost(WebApplication app, QpuEmulator emulator, int port)
    {
        _app = app;
        Emulator = emulator;
        Port = port;
    }

    public QpuEmulator Emulator { get; }
    public int Port { get; }

    public static async Task<QpuEmulatorHost> StartAsync(QpuEmulatorOptions options, ILoggerProvider? logger = null, CancellationToken ct = default)
    {
        options.Validate();
        TransportSecurity.RequireCertificates("--host", options.Host, options.Certificates);
        var builder = HostBuilders.Web();
        builder.Logging.ClearProviders();
        if (logger is not null) builder.Logging.AddProvider(logger);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = options.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (options.Certificates is { } certificates)
                    KestrelTls.Use(listen, certificates);
            });
        });
        builder.Services.AddSingleton(options);
        if (!options.StopsOnSignals)
            builder.Services.AddSingleton<IHostLifetime, Hosting.EmbeddedHostLifetime>();
        builder.Services.AddSingleton(sp => new QpuEmulator(options, sp.GetRequiredService<ILoggerFactory>().CreateLogger<QpuEmulator>()));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxMessageBytes;
            o.MaxSendMessageSize = MaxMessageBytes;
            o.Interceptors.Add<QpuTokenInterceptor>();
        });
        var app = builder.Build();
        app.MapGrpcService<QpuEmulatorService>();
        var emulator = app.Services.GetRequiredService<QpuEmulator>();
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex)
        {
            emulator.Dispose();
            await app.DisposeAsync();
            throw new ArgumentException($"cannot listen on {options.Host}:{options.Port}: {ex.Message}", ex);
        }
        return new QpuEmulatorHost(app, emulator, options.Port);
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync(); // disposes the emulator singleton (and its ledger)
    }
}
