/// Takes batches from an exporter's queue and delivers up to `consumers` of
/// them at once, as the Collector's `sending_queue.num_consumers` does: a
/// backend that answers slowly, or asks for a retry in a second, then holds
/// up one slot instead of the whole exporter. With one consumer, batches go
/// out strictly in queue order.
///
/// Each batch is completed (and, when durable, forgotten) only after its own
/// delivery ends, in whatever order deliveries end; the queue's bound counts
/// batches in flight, so memory stays bounded by the queue's limits.
enum ConcurrentDrain {
    static func run(
        _ queue: any BatchBuffer, consumers: Int,
        deliver: @escaping @Sendable (TelemetryBatch) async -> Void,
        afterEach: @escaping @Sendable () -> Void = {}
    ) async {
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while let queued = await queue.next() {
                if inFlight >= max(1, consumers) {
                    await group.next()
                    inFlight -= 1
                }
                inFlight += 1
                group.addTask {
                    await deliver(queued.batch)
                    await queue.complete(queued)
                    afterEach()
                }
            }
        }
    }
}
