using System.CommandLine;
using System.Net;
using QD3PM.Nodes.Security;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Commands;

/// <summary>
/// `qd3pm certs create --out DIR --hosts NAME_OR_IP,...`: a cluster CA (DIR/ca, reused when it exists) and one
/// directory per node (DIR/NAME: ca.crt, tls.crt, tls.key) plus DIR/client for the CLI; give a node `--certs DIR/NAME`.
/// </summary>
public sealed class CertsCreateCommand : ISubcommandFactory
{

    public Command Create()
    {
        var output = new Option<string>("--out") { Description = "Directory to write (DIR/ca: the CA, keep it safe; DIR/NAME per node; DIR/client for the CLI).", Required = true };
        var hosts = new Option<string>("--hosts") { Description = "Comma-separated node names or IP addresses, one certificate each (the name goes into the certificate).", Required = true };
        var days = new Option<int>("--days") { Description = "Validity of the node and client certificates in days.", DefaultValueFactory = _ => 365 };
        var caDays = new Option<int>("--ca-days") { Description = "Validity of a new CA in days.", DefaultValueFactory = _ => 3650 };
        var command = new Command("create", "Make a cluster CA and one TLS certificate per node (mutual TLS for `node --certs`).") { output, hosts, days, caDays };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(output)!;
            var names = parse.GetValue(hosts)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
            if (names.Count == 0)
                throw new CliException("--hosts needs at least one name or IP address");
            foreach (var name in names)
                if (!IsHostName(name) || name is CertificateFiles.CaDirectory or CertificateFiles.ClientDirectory)
                    throw new CliException($"--hosts: '{name}' is not a host name or IP address");
            if (parse.GetValue(days) < 1 || parse.GetValue(caDays) < 1)
                throw new CliException("--days and --ca-days must be at least 1");
            foreach (var name in names.Append(CertificateFiles.ClientDirectory))
                if (Directory.Exists(Path.Combine(dir, name)) && name != CertificateFiles.ClientDirectory)
                    throw new CliException($"{Path.Combine(dir, name)} already exists: remove it to issue a new certificate for {name}");
            try
            {
                Directory.CreateDirectory(dir);
                var caDir = Path.Combine(dir, CertificateFiles.CaDirectory);
                var reuse = File.Exists(Path.Combine(caDir, CertificateFiles.CaKey));
                using var ca = reuse ? CertificateAuthority.Load(caDir) : CertificateAuthority.Create(TimeSpan.FromDays(parse.GetValue(caDays)));
                if (!reuse)
                    ca.WriteCa(caDir);
                Console.WriteLine(reuse ? $"CA: {caDir} (existing, {ca.Certificate.Subject})" : $"CA: {caDir} (new; keep {CertificateFiles.CaKey} off the nodes)");
                var now = DateTimeOffset.UtcNow;
                var until = now.AddDays(parse.GetValue(days));
                foreach (var name in names)
                {
                    using var issued = ca.Issue(name, CertificateUsage.Node, now.AddMinutes(-5), until);
                    ca.WriteIdentity(Path.Combine(dir, name), issued);
                    Console.WriteLine($"node {name}: {Path.Combine(dir, name)} (qd3pm node --certs {Path.Combine(dir, name)} ...)");
                }
                var clientDir = Path.Combine(dir, CertificateFiles.ClientDirectory);
                if (!Directory.Exists(clientDir))
                {
                    using var client = ca.Issue("qd3pm-client", CertificateUsage.Client, now.AddMinutes(-5), until);
                    ca.WriteIdentity(clientDir, client);
                    Console.WriteLine($"client: {clientDir} (CLI: --certs {clientDir} or {CertificateFiles.EnvironmentVariable}={clientDir})");
                }
            }
            catch (ClusterCertificateException ex)
            {
                throw CertsOption.Fail(ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot write certificates to {dir}: {ex.Message}");
            }
            return 0;
        });
        return command;
    }

    private static bool IsHostName(string name) =>
        IPAddress.TryParse(name, out _) || Uri.CheckHostName(name) == UriHostNameType.Dns;
}
