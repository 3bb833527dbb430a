namespace QD3PM.Nodes.Configuration;

public enum JournalKind
{
    Sqlite,
    Postgres,
}
