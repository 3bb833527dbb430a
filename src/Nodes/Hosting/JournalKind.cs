namespace QD3PM.Nodes.Hosting;

public enum JournalKind
{
    Sqlite,
    Postgres,
}
