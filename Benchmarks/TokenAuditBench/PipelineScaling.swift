import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TokenAudit

/// One traces pipeline (memory queue → tokenaudit processor → an exporter
/// that only counts) fed as fast as it takes requests, with extraction run
/// by one preparer and then by one per core: what the pipeline's use of
/// several cores buys, without a network or a load generator competing for
/// the same cores.
enum PipelineScaling {
    struct Run: Codable {
        var preparers: Int
        var spansPerSecond: Double
    }

    static func measure(payload: [UInt8], spans: Int, requests: Int) async throws -> [Run] {
        var runs: [Run] = []
        for preparers in Set([1, System.coreCount]).sorted() {
            // Warm-up pass, then the measured one, each on fresh processor state.
            _ = try await once(payload: payload, spans: spans, requests: max(4, requests / 10), preparers: preparers)
            let seconds = try await once(payload: payload, spans: spans, requests: requests, preparers: preparers)
            runs.append(Run(preparers: preparers, spansPerSecond: Double(requests * spans) / seconds))
        }
        return runs
    }

    private static func once(payload: [UInt8], spans: Int, requests: Int, preparers: Int) async throws -> Double {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var config = TokenAuditProcessorConfig()
        config.decisionWait = .milliseconds(1)  // held, as in the daemon, but released at once
        let processor = try TokenAuditProcessor(id: ComponentID("tokenaudit"), config: config)
        let exporter = CountingExporter(expected: requests)
        let pipeline = Pipeline(id: ComponentID("traces"), signal: .traces, processors: [processor], exporters: [exporter],
                                preparers: preparers, logger: logger)
        let batch = TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: payload), itemCount: spans)
        let services = ServiceGroup(configuration: .init(services: [.init(service: pipeline)], logger: logger))
        async let running: Void = services.run()
        let started = ContinuousClock.now
        for _ in 0..<requests { _ = await pipeline.submit(batch) }
        await exporter.allArrived()
        let elapsed = ContinuousClock.now - started
        await services.triggerGracefulShutdown()
        try await running
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Counts what it is given and resumes a waiter once `expected` arrived.
private final class CountingExporter: TelemetryExporter {
    let id = ComponentID("count")
    let stats = ExporterStats(exporter: ComponentID("count"))
    var depth: QueueDepth { QueueDepth(batches: 0, bytes: 0, oldestAgeSeconds: nil) }
    private let expected: Int
    private let state = Mutex<(count: Int, waiter: CheckedContinuation<Void, Never>?)>((0, nil))

    init(expected: Int) { self.expected = expected }

    func export(_ batches: [TelemetryBatch]) async -> Bool {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.count += batches.count
            guard s.count >= expected else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
        return true
    }

    func allArrived() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.count >= expected { return true }
                s.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    func run() async throws {}
}
