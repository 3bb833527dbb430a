using Grpc.Core;
using QD3PM.Protocol.Qpu;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>The Qpu gRPC service over <see cref="QpuEmulator"/>: maps its exceptions to the contract's status codes.</summary>
public sealed class QpuEmulatorService(QpuEmulator emulator) : Protocol.Qpu.Qpu.QpuBase
{
    public override Task<Backend> GetBackend(GetBackendRequest request, ServerCallContext context) =>
        Task.FromResult(emulator.Backend());

    public override Task<SubmitJobReply> SubmitJob(SubmitJobRequest request, ServerCallContext context) =>
        Task.FromResult(Guard(() => emulator.Submit(request)));

    public override Task<Job> GetJob(JobRequest request, ServerCallContext context) =>
        Task.FromResult(Guard(() => emulator.Get(request.JobId)));

    public override Task<Job> CancelJob(JobRequest request, ServerCallContext context) =>
        Task.FromResult(Guard(() => emulator.Cancel(request.JobId)));

    public override async Task WatchJob(JobRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        Guard(() => emulator.Get(request.JobId));
        await foreach (var e in emulator.Watch(request.JobId, context.CancellationToken))
            await responseStream.WriteAsync(e, context.CancellationToken);
    }

    private static T Guard<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        catch (KeyNotFoundException ex)
        {
            throw new RpcException(new Status(StatusCode.NotFound, ex.Message));
        }
    }
}
