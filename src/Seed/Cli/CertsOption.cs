using System.CommandLine;
using QD3PM.Nodes.Security;

namespace QD3PM.Seed.Cli;

/// <summary>`--certs DIR` (default $QD3PM_CERTS): the TLS identity of a node or a CLI client, loaded and checked once.</summary>
public static class CertsOption
{
    public static Option<string?> Create(string description) => new("--certs") { Description = description + $" (default: ${CertificateFiles.EnvironmentVariable})." };

    /// <summary>Loads the directory given by the option or the environment (null when neither is set); problems exit 5.</summary>
    public static ClusterCredentials? Load(ParseResult parse, Option<string?> option, CertificateUsage usage)
    {
        var dir = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(dir))
            dir = Environment.GetEnvironmentVariable(CertificateFiles.EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(dir))
            return null;
        try
        {
            return ClusterCredentials.Load(dir.Trim(), usage);
        }
        catch (ClusterCertificateException ex)
        {
            throw Fail(ex);
        }
    }

    public static CliException Fail(ClusterCertificateException ex) => new(ex.Message, ClusterCertificateException.ExitCode);
}
