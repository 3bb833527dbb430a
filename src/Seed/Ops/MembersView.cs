using QD3PM.Protocol.Management;
using Spectre.Console;

namespace QD3PM.Seed.Ops;

/// <summary>The members table (`cluster show`, `top`) and its JSON shape.</summary>
public static class MembersView
{
    public static object Json(MemberList list) => new
    {
        self = list.Self,
        leader = list.Leader,
        members = list.Members.Select(m => new
        {
            address = m.Address, roles = m.Roles.ToArray(), status = m.Status, reachable = m.Reachable,
            upSeconds = m.UpSeconds < 0 ? (double?)null : Math.Round(m.UpSeconds, 1), leader = m.Leader, self = m.Self,
        }).ToArray(),
    };

    public static Table Table(MemberList list)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]cluster members[/]");
        table.AddColumn("address");
        table.AddColumn("roles");
        table.AddColumn("status");
        table.AddColumn("reachable");
        table.AddColumn(new TableColumn("up").RightAligned());
        table.AddColumn("");
        foreach (var m in list.Members)
        {
            var status = m.Status switch
            {
                "Up" => "[green]Up[/]",
                "Down" or "Removed" => $"[red]{m.Status}[/]",
                _ => $"[yellow]{Markup.Escape(m.Status)}[/]",
            };
            var marks = string.Join(" ", new[] { m.Leader ? "[bold]leader[/]" : "", m.Self ? "(this node)" : "" }.Where(s => s.Length > 0));
            table.AddRow(Markup.Escape(Format.Short(m.Address)), Markup.Escape(string.Join(",", m.Roles)), status,
                m.Reachable ? "[green]yes[/]" : "[red]UNREACHABLE[/]", Format.Duration(m.UpSeconds), marks);
        }
        if (list.Members.Count == 0)
            table.AddRow("[grey]no members[/]", "", "", "", "", "");
        return table;
    }
}
