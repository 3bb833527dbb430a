using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using QD3PM.Nodes.Security;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>The options every ops command shares (--node, --token, --json) and the way they print JSON.</summary>
public sealed class OpsOptions
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly JsonSerializerOptions JsonLineOptions = new(JsonOptions) { WriteIndented = false };

    public Option<string> Node { get; } = new("--node")
    {
        Description = $"Management endpoint HOST:PORT of any cluster node (default {OpsConnection.DefaultNode}).",
        DefaultValueFactory = _ => OpsConnection.DefaultNode,
    };

    public Option<string?> Token { get; } = new("--token") { Description = "Management token (default: $QD3PM_TOKEN)." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for scripts instead of a table." };

    public Option<string?> Certs { get; } = CertsOption.Create("TLS client identity from `qd3pm certs create` (DIR/client) for a node started with --certs");

    /// <summary>Adds the options to <paramref name="command"/> (and returns it).</summary>
    public Command AddTo(Command command, bool json = true)
    {
        command.Options.Add(Node);
        command.Options.Add(Token);
        command.Options.Add(Certs);
        if (json)
            command.Options.Add(Json);
        return command;
    }

    public OpsConnection Connect(ParseResult parse)
    {
        var token = parse.GetValue(Token);
        if (string.IsNullOrWhiteSpace(token))
            token = Environment.GetEnvironmentVariable("QD3PM_TOKEN");
        return new OpsConnection(parse.GetValue(Node)!, string.IsNullOrWhiteSpace(token) ? null : token.Trim(),
            CertsOption.Load(parse, Certs, CertificateUsage.Client));
    }

    /// <summary>A real terminal: live views redraw in place; otherwise each view is printed once, plainly.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive;

    public static void WriteJson(object value) => JsonStdout.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>One JSON object per line (streams: `cluster tail --json`, `log tail --json`, `runs watch --json`).</summary>
    public static void WriteJsonLine(object value)
    {
        JsonStdout.WriteLine(JsonSerializer.Serialize(value, JsonLineOptions));
    }
}
