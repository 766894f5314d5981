import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
import Synchronization

/// Takes every verdict off the hot path: counts it in Prometheus metrics at
/// once and folds it into a `SummaryBatch` that is written to the
/// `SummaryStore` every `flushInterval`, and once more at shutdown after the
/// pipelines have drained (it is listed before them in the service group).
/// Writes a summary report under `<storage>/summaries/` every day and at
/// shutdown.
public final class SummaryRecorder: Service, Sendable {
    public let store: SummaryStore
    let folder: String
    let flushInterval: Duration
    let retention: Duration
    let principalLabels: Bool
    let logger: Logger
    private let pending = Mutex(SummaryBatch())
    private let counters = Mutex<[String: Counter]>([:])
    private let costCounters = Mutex<[String: FloatingPointCounter]>([:])

    public init(store: SummaryStore, folder: String, flushInterval: Duration = .seconds(1), retention: Duration = .seconds(90 * 86400),
                principalLabels: Bool = false, logger: Logger) {
        self.store = store
        self.folder = folder
        self.flushInterval = flushInterval
        self.retention = retention
        self.principalLabels = principalLabels
        self.logger = logger
    }

    func record(_ call: CallSummary, _ decision: Decision) {
        pending.withLock { $0.add(call, decision) }
        var dimensions = [("team", call.team), ("model", call.model), ("verdict", decision.verdict.rawValue)]
        if principalLabels { dimensions.append(("principal", call.principal)) }
        counter("tokenaudit_llm_tokens_total", dimensions + [("direction", "input")]).increment(by: call.inputTokens)
        counter("tokenaudit_llm_tokens_total", dimensions + [("direction", "output")]).increment(by: call.outputTokens)
        if let cost = call.cost {
            let key = "cost" + dimensions.map { "\u{1F}" + $0.1 }.joined()
            costCounters.withLock { $0[key, default: FloatingPointCounter(label: "tokenaudit_llm_cost_usd_total", dimensions: dimensions)] }
                .increment(by: cost)
        }
        for finding in decision.findings { counter("tokenaudit_findings_total", [("label", finding.label.rawValue)]).increment() }
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = label + dimensions.map { "\u{1F}" + $0.1 }.joined()
        return counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions)
            cache[key] = counter
            return counter
        }
    }

    /// Writes what is pending to the store (also called by tests and at shutdown).
    public func flush() {
        let batch = pending.withLock { batch in
            defer { batch = SummaryBatch() }
            return batch
        }
        guard !batch.isEmpty else { return }
        do {
            try store.write(batch)
        } catch {
            // Put it back: the next flush tries again, nothing is lost while the process lives.
            pending.withLock { current in
                var merged = batch
                merged.merge(current)
                current = merged
            }
            logger.error("could not write summaries; will retry", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        var lastReport = ContinuousClock.now
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.flushInterval) }
            flush()
            if ContinuousClock.now - lastReport >= .seconds(86400) {
                writeReport(reason: "daily")
                try? store.applyRetention(retention)
                lastReport = .now
            }
        }
        flush()
        writeReport(reason: "shutdown")
    }

    /// The last day of span time as Markdown and JSON under `summaries/`.
    func writeReport(reason: String) {
        do {
            guard let period = try store.period(lastHours: 24) else { return }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let report = try SummaryReport.build(store: store, period: period)
            let name = "\(folder)/summary-\(SummaryPeriod.day(period.toHour))"
            try SummaryReport.markdown(report).write(toFile: name + ".md", atomically: true, encoding: .utf8)
            try SummaryReport.json(report).write(to: URL(fileURLWithPath: name + ".json"))
            logger.info("summary written", metadata: ["file": "\(name).md", "reason": "\(reason)"])
        } catch {
            logger.error("could not write the summary report", metadata: ["error": "\(error)"])
        }
    }
}

extension SummaryBatch {
    /// Folds `other` in (a failed write put back before newer calls).
    mutating func merge(_ other: SummaryBatch) {
        for (key, u) in other.usage { mergeUsage(key, u) }
        for (key, f) in other.findings { mergeFinding(key, f) }
        for (key, l) in other.labels { mergeLabel(key, l) }
    }
}
