using QD3PM.Nodes.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace QD3PM.Nodes.Operations;

/// <summary>Serves the "QD3PM" meter as Prometheus text at http://HOST:PORT/metrics (OpenTelemetry's HttpListener exporter).</summary>
public static class MetricsExporter
{
    public static MeterProvider Start(string host, int port)
    {
        return Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("qd3pm"))
            .AddMeter(NodeMetrics.MeterName)
            .AddPrometheusHttpListener(o =>
            {
                o.Host = host is "0.0.0.0" or "::" ? "*" : host; // HttpListener's wildcard: every interface
                o.Port = port;
            })
            .Build();
    }
}
