namespace QD3PM.Nodes.Operations;

/// <summary>A member's roles as operators know them (Akka's internal "dc-default" data-center role left out).</summary>
public static class MemberRoles
{
    public static IEnumerable<string> Of(Akka.Cluster.Member member) =>
        member.Roles.Where(r => !r.StartsWith("dc-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
}
