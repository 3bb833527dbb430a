using System.Globalization;
using Akka.Actor;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Nodes.Operations;

/// <summary>Member addresses as operators type them: "host:port" or the full "akka.tcp://qd3pm@host:port".</summary>
public static class ClusterAddress
{
    /// <summary>Parses an address; throws <see cref="ArgumentException"/> with a one-line reason.</summary>
    /// <param name="protocol">Scheme for HOST:PORT: the answering node's own (akka.tcp, or akka.ssl.tcp with TLS).</param>
    public static Address Parse(string text, string protocol = "akka.tcp")
    {
        text = text.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                var address = Address.Parse(text);
                if (address.Host is null || address.Port is null)
                    throw new ArgumentException($"'{text}' is not a cluster address (it has no host:port)");
                return address;
            }
            catch (UriFormatException)
            {
                throw new ArgumentException($"'{text}' is not a cluster address (HOST:PORT or akka.tcp://{NodeOptions.SystemName}@HOST:PORT)");
            }
        }
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
            throw new ArgumentException($"'{text}' is not a cluster address (HOST:PORT or akka.tcp://{NodeOptions.SystemName}@HOST:PORT)");
        return new Address(protocol, NodeOptions.SystemName, text[..colon], port);
    }
}
