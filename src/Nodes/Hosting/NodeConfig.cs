using System.Globalization;
using System.Reflection;
using System.Text;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.Persistence.Sql;
using QD3PM.Nodes.Security;
using QD3PM.Protocol.Serialization;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Nodes.Hosting;

/// <summary>
/// Assembles a node's HOCON: explicit overrides, then --hocon files, then the node's identity (address, roles, seeds,
/// journal), then reference.conf and the plugins' own defaults.
/// </summary>
public static class NodeConfig
{
    public static Config Build(NodeOptions options)
    {
        var config = ConfigurationFactory.Empty;
        if (!string.IsNullOrWhiteSpace(options.HoconOverrides))
            config = config.WithFallback(ConfigurationFactory.ParseString(options.HoconOverrides));
        foreach (var file in options.HoconFiles.Reverse())
        {
            if (!File.Exists(file))
                throw new ArgumentException($"HOCON file not found: {file}");
            config = config.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(file))); // later files win
        }
        return config
            .WithFallback(ConfigurationFactory.ParseString(Identity(options)))
            .WithFallback(ReferenceConfig())
            .WithFallback(ClusterSerializationConfig.Config)
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    public static Config ReferenceConfig()
    {
        using var stream = typeof(NodeConfig).Assembly.GetManifestResourceStream("QD3PM.Nodes.reference.conf")
                           ?? throw new InvalidOperationException("reference.conf is not embedded in QD3PM.Nodes");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    public static string SeedAddress(string hostPort, bool tls = false)
    {
        var (host, port) = ParseHostPort(hostPort, "--seeds");
        return $"{RemotingTls.Protocol(tls)}://{NodeOptions.SystemName}@{host}:{port}";
    }

    /// <summary>The configured --seeds as Akka addresses, in their order.</summary>
    public static IReadOnlyList<string> SeedAddresses(NodeOptions options) =>
        options.Seeds.Select(s => SeedAddress(s, options.Certificates is not null)).ToList();

    public static (string Host, int Port) ParseHostPort(string text, string what)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
            throw new ArgumentException($"{what}: '{text}' is not HOST:PORT");
        return (text[..colon], port);
    }

    private static string Identity(NodeOptions options)
    {
        var sb = new StringBuilder();
        // The event stream runs at INFO into the node's log ring (`qd3pm log tail`); the console shows LogLevel and up.
        sb.AppendLine("akka.loglevel = INFO");
        sb.AppendLine("akka.loggers = [\"QD3PM.Nodes.Operations.RingBufferLogger, QD3PM.Nodes\"]");
        sb.AppendLine($"qd3pm.log.print-level = {options.LogLevel}");
        sb.AppendLine($"akka.stdout-loglevel = {options.LogLevel}");
        sb.AppendLine($"akka.remote.dot-netty.tcp.hostname = {Quote(options.Host)}");
        sb.AppendLine($"akka.remote.dot-netty.tcp.port = {options.Port}");
        sb.AppendLine($"akka.cluster.roles = [{string.Join(", ", options.Roles.Select(Quote))}]");
        // Coordinator nodes join through SeedJoin once their MembershipMemory has been read (configured seeds plus the
        // members last seen), so Akka must not start joining the configured seeds by itself.
        var seeds = MembershipMemory.AppliesTo(options) ? [] : SeedAddresses(options);
        sb.AppendLine($"akka.cluster.seed-nodes = [{string.Join(", ", seeds.Select(Quote))}]");
        if (options.Certificates is not null)
            sb.AppendLine(RemotingTls.Hocon);
        if (options.Journal is { } journal)
        {
            foreach (var section in new[] { "akka.persistence.journal", "akka.persistence.snapshot-store" })
            {
                sb.AppendLine($"{section}.plugin = \"{section}.sql\"");
                sb.AppendLine($"{section}.sql.connection-string = {Quote(journal.ConnectionString)}");
                sb.AppendLine($"{section}.sql.provider-name = {Quote(journal.ProviderName)}");
                sb.AppendLine($"{section}.sql.auto-initialize = on");
            }
        }
        return sb.ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
