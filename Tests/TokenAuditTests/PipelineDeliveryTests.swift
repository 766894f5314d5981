import Logging
import NIOCore
import Synchronization
import Testing
@testable import TokenAudit

/// Without a hold, a pipeline processes one request while it delivers the
/// one before, and still hands them on in arrival order.
@Suite struct PipelineDeliveryTests {
    /// Opens once; `wait` returns true when opened, false when `timeout`
    /// passed first (the bound only keeps a broken pipeline from hanging).
    final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        func open() {
            let waiters = state.withLock { s in
                s.open = true
                defer { s.waiters.removeAll() }
                return s.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        var isOpen: Bool { state.withLock { $0.open } }

        func wait(timeout: Duration) async -> Bool {
            await withTaskGroup(of: Void.self, returning: Bool.self) { group in
                group.addTask {
                    await withCheckedContinuation { continuation in
                        let opened = self.state.withLock { s -> Bool in
                            if !s.open { s.waiters.append(continuation) }
                            return s.open
                        }
                        if opened { continuation.resume() }
                    }
                }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
                let opened = isOpen
                if !opened { open() }  // releases the waiter task so the group can end
                return opened
            }
        }
    }

    /// Tags each request with its position and opens `gate` when it starts on the second.
    final class TaggingProcessor: TelemetryProcessor {
        let id = ComponentID("tagging")
        let gate: Gate
        let started = Mutex<[Int]>([])

        init(gate: Gate) { self.gate = gate }

        func process(_ batch: TelemetryBatch) async -> TelemetryBatch {
            started.withLock { $0.append(batch.itemCount) }
            if batch.itemCount == 2 { gate.open() }
            return batch
        }
    }

    /// Holds the first request's delivery until the pipeline processes the second.
    final class GatedExporter: TelemetryExporter {
        let id = ComponentID("gated")
        let stats = ExporterStats(exporter: ComponentID("gated"))
        let depth = QueueDepth(batches: 0, bytes: 0, oldestAgeSeconds: nil)
        let gate: Gate
        let received = Mutex<[Int]>([])
        let overlapped = Mutex<Bool?>(nil)

        init(gate: Gate) { self.gate = gate }

        func export(_ batch: TelemetryBatch) async -> Bool {
            if batch.itemCount == 1 {
                let opened = await gate.wait(timeout: .seconds(30))
                overlapped.withLock { $0 = opened }
            }
            received.withLock { $0.append(batch.itemCount) }
            return true
        }

        func run() async throws {}
    }

    @Test func processingOverlapsTheDeliveryBeforeItAndOrderHolds() async throws {
        let gate = Gate()
        let processor = TaggingProcessor(gate: gate)
        let exporter = GatedExporter(gate: gate)
        let pipeline = Pipeline(id: ComponentID("traces"), signal: .traces, processors: [processor], exporters: [exporter],
                                logger: Logger(label: "test"))
        for position in 1...6 {
            let batch = TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: [UInt8(position)]), itemCount: position)
            #expect(await pipeline.accept(batch) == .accepted)
        }
        pipeline.queue.finish()
        try await pipeline.run()
        #expect(exporter.overlapped.withLock { $0 } == true, "the second request was processed while the first was being delivered")
        #expect(exporter.received.withLock { $0 } == Array(1...6), "delivered in arrival order")
        #expect(processor.started.withLock { $0 } == Array(1...6), "processed in arrival order")
    }
}
