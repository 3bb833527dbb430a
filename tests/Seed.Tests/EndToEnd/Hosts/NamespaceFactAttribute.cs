using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>A test that needs network namespaces: skipped, with the reason in one line, where they cannot be created.</summary>
public sealed class NamespaceFactAttribute : FactAttribute
{
    public NamespaceFactAttribute()
    {
        if (NetworkNamespaces.WhyUnavailable is { } why)
            Skip = why;
    }
}
