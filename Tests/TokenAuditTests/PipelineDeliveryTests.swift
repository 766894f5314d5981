import Dispatch
import Logging
import NIOCore
import Synchronization
import Testing
@testable import TokenAudit

/// Without a hold, a pipeline processes one request while it delivers the
/// one before, hands requests waiting together to its exporters as one
/// group, and still hands them on in arrival order, each with its own bytes;
/// a hold of no time prepares requests ahead; a longer hold groups what it
/// releases together.
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

    /// Records the order of requests and opens `gate` when it starts on `opensAt`.
    final class TaggingProcessor: TelemetryProcessor {
        let id = ComponentID("tagging")
        let gate: Gate
        let opensAt: Int
        let started = Mutex<[Int]>([])

        init(gate: Gate, opensAt: Int) {
            self.gate = gate
            self.opensAt = opensAt
        }

        func process(_ batch: TelemetryBatch) async -> TelemetryBatch {
            started.withLock { $0.append(batch.itemCount) }
            if batch.itemCount == opensAt { gate.open() }
            return batch
        }
    }

    /// Holds the delivery of the group holding the first request until `gate` opens.
    final class GatedExporter: TelemetryExporter {
        let id = ComponentID("gated")
        let stats = ExporterStats(exporter: ComponentID("gated"))
        let depth = QueueDepth(batches: 0, bytes: 0, oldestAgeSeconds: nil)
        let gate: Gate
        /// Each `export` call's requests: (position, bytes).
        let groups = Mutex<[[(Int, [UInt8])]]>([])
        let overlapped = Mutex<Bool?>(nil)

        init(gate: Gate) { self.gate = gate }

        func export(_ batches: [TelemetryBatch]) async -> Bool {
            if batches.contains(where: { $0.itemCount == 1 }) {
                let opened = await gate.wait(timeout: .seconds(30))
                overlapped.withLock { $0 = opened }
            }
            let group = batches.map { ($0.itemCount, Array($0.request.readableBytesView)) }
            groups.withLock { $0.append(group) }
            return true
        }

        func run() async throws {}
    }

    @Test func processingOverlapsTheDeliveryBeforeItAndOrderHolds() async throws {
        let gate = Gate()
        // Opened when the 7th request is processed: by then 2-6 wait for delivery together.
        let processor = TaggingProcessor(gate: gate, opensAt: 7)
        let exporter = GatedExporter(gate: gate)
        let pipeline = Pipeline(id: ComponentID("traces"), signal: .traces, processors: [processor], exporters: [exporter],
                                logger: Logger(label: "test"))
        for position in 1...7 {
            let batch = TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: [UInt8(position)]), itemCount: position)
            #expect(await pipeline.accept(batch) == .accepted)
        }
        pipeline.queue.finish()
        try await pipeline.run()
        #expect(exporter.overlapped.withLock { $0 } == true, "later requests were processed while the first was being delivered")
        let groups = exporter.groups.withLock { $0 }
        let delivered = groups.flatMap { $0 }
        #expect(delivered.map(\.0) == Array(1...7), "delivered in arrival order, each once")
        #expect(delivered.allSatisfy { $0.1 == [UInt8($0.0)] }, "each request keeps its own bytes (grouped, never merged)")
        #expect(groups.contains { $0.count > 1 }, "requests waiting together went out as one group: \(groups.map { $0.map(\.0) })")
        #expect(processor.started.withLock { $0 } == Array(1...7), "processed in arrival order")
    }

    /// A holding processor that holds for no time (`decision_wait: 0s`).
    /// Records what the pipeline calls in which order; the first request's
    /// `prepare` waits (bounded) for the second's to start.
    final class ZeroWaitProcessor: HoldingProcessor {
        let id = ComponentID("zero-wait")
        let hold: Duration
        let calls = Mutex<[String]>([])
        let secondPrepared = DispatchSemaphore(value: 0)
        let overlapped = Mutex<Bool?>(nil)

        init(hold: Duration = .zero) { self.hold = hold }

        func holdDuration(for signal: Signal) -> Duration? { hold }
        var holdLimitBytes: Int { 1 << 20 }

        func process(_ batch: TelemetryBatch) async -> TelemetryBatch { prepare(batch).hold().release() }

        func prepare(_ batch: TelemetryBatch) -> PreparedBatch {
            let n = batch.itemCount
            calls.withLock { $0.append("prepare \(n)") }
            if n == 2 { secondPrepared.signal() }
            if n == 1, hold == .zero {
                let started = secondPrepared.wait(timeout: .now() + 30) == .success
                overlapped.withLock { $0 = started }
            }
            return PreparedBatch { [self] in
                calls.withLock { $0.append("hold \(n)") }
                return DeferredBatch(bytes: batch.request.readableBytes) { [self] in
                    calls.withLock { $0.append("release \(n)") }
                    return batch
                }
            }
        }
    }

    /// With a hold of no time, extraction (`prepare`) runs for several
    /// requests at once, while each request is held and released before
    /// the next one is held: judged before the next is seen, as one at a
    /// time, so verdicts do not depend on timing.
    @Test func aZeroHoldPreparesAheadAndJudgesInArrivalOrder() async throws {
        let processor = ZeroWaitProcessor(hold: .zero)
        let exporter = GatedExporter(gate: Gate())
        let pipeline = Pipeline(id: ComponentID("traces"), signal: .traces, processors: [processor], exporters: [exporter],
                                preparers: 2, logger: Logger(label: "test"))
        exporter.gate.open()
        for position in 1...6 {
            #expect(await pipeline.accept(TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: [UInt8(position)]), itemCount: position))
                    == .accepted)
        }
        pipeline.queue.finish()
        try await pipeline.run()
        #expect(processor.overlapped.withLock { $0 } == true, "the second request was prepared while the first was")
        let calls = processor.calls.withLock { $0 }
        let judged = calls.filter { !$0.hasPrefix("prepare") }
        #expect(judged == (1...6).flatMap { ["hold \($0)", "release \($0)"] }, "held and released in arrival order, in pairs")
        for n in 1...6 {
            #expect(try #require(calls.firstIndex(of: "prepare \(n)")) < #require(calls.firstIndex(of: "hold \(n)")))
        }
        #expect(exporter.groups.withLock { $0 }.flatMap { $0 }.map(\.0) == Array(1...6), "delivered in arrival order")
    }

    /// Requests a hold releases together (here all at once, at shutdown,
    /// before a 10-minute hold ends) are released in arrival order and
    /// delivered as one group, as without a hold.
    @Test func whatAHoldReleasesTogetherIsDeliveredAsOneGroup() async throws {
        let processor = ZeroWaitProcessor(hold: .seconds(600))
        let exporter = GatedExporter(gate: Gate())
        exporter.gate.open()
        let pipeline = Pipeline(id: ComponentID("traces"), signal: .traces, processors: [processor], exporters: [exporter],
                                logger: Logger(label: "test"))
        for position in 1...5 {
            #expect(await pipeline.accept(TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: [UInt8(position)]), itemCount: position))
                    == .accepted)
        }
        pipeline.queue.finish()
        try await pipeline.run()
        let groups = exporter.groups.withLock { $0 }.map { $0.map(\.0) }
        #expect(groups.flatMap { $0 } == Array(1...5), "delivered in arrival order, each once")
        #expect(groups.contains { $0.count > 1 }, "released together, delivered together: \(groups)")
        #expect(processor.calls.withLock { $0 }.filter { $0.hasPrefix("release") } == (1...5).map { "release \($0)" })
    }
}
