namespace QD3PM.Protocol.Serialization;

/// <summary>
/// Marker for every message that crosses a node boundary or is persisted. HOCON binds it to
/// <see cref="ClusterMessageSerializer"/>, so none of these ever falls back to Akka's default JSON serializer.
/// Implemented by the protobuf-generated classes through partial declarations (ClusterMessageMarkers.cs).
/// </summary>
public interface IClusterMessage
{
}
