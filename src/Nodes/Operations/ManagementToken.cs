using System.Security.Cryptography;
using System.Text;

namespace QD3PM.Nodes.Operations;

/// <summary>The management endpoint's bearer token (--token); compared in constant time.</summary>
public sealed class ManagementToken(string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Bearer " + token);

    public bool Accepts(string? authorization) =>
        authorization is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), _expected);
}
