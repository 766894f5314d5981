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
    /// Prometheus series by their label values, each found with one lookup
    /// (every verdict feeds them; building label strings per call cost more
    /// than the rest of the summaries together).
    private let usageSeries = Mutex<[UsageSeries.Key: UsageSeries]>([:])
    private let findingSeries = Mutex<[DetectionLabel: Counter]>([:])

    public init(store: SummaryStore, folder: String, flushInterval: Duration = .seconds(1), retention: Duration = .seconds(90 * 86400),
                principalLabels: Bool = false, logger: Logger) {
        self.store = store
        self.folder = folder
        self.flushInterval = flushInterval
        self.retention = retention
        self.principalLabels = principalLabels
        self.logger = logger
    }

    /// One request's verdicts: folded into the pending batch under one lock,
    /// and into the Prometheus series one run of equal labels at a time
    /// (neighbouring calls usually share team, model and verdict).
    func record(_ judged: [JudgedCall]) {
        pending.withLock { batch in batch.add(judged) }
        var runs: [UsageSeries.Run] = []
        // Through the buffer: a `for call in judged` copies every call (a retain per string).
        judged.withUnsafeBufferPointer { judged in
            for call in judged.indices {
                let (summary, verdict) = (judged[call].summary, judged[call].decision.verdict)
                let key = UsageSeries.Key(team: summary.team, model: summary.model, verdict: verdict,
                                          principal: principalLabels ? summary.principal : nil)
                if runs.last?.key != key { runs.append(UsageSeries.Run(key: key)) }
                runs[runs.count - 1].add(summary)
            }
        }
        usageSeries.withLock { series in
            for run in runs { series[run.key, default: UsageSeries(run.key)].add(run) }
        }
        let findings = judged.findingsPerLabel
        guard findings.contains(where: { $0 > 0 }) else { return }
        findingSeries.withLock { series in
            for label in DetectionLabel.allCases where findings[label.ordinal] > 0 {
                let counter = series[label] ?? Counter(label: "tokenaudit_findings_total", dimensions: [("label", label.rawValue)])
                series[label] = counter
                counter.increment(by: findings[label.ordinal])
            }
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

/// The Prometheus series one (team, model, verdict[, principal]) feeds:
/// tokens by direction and, once a priced call arrives, cost.
private struct UsageSeries: Sendable {
    struct Key: Hashable, Sendable {
        var team: String
        var model: String
        var verdict: Verdict
        /// Only with `principal_labels` (one series per person can be many).
        var principal: String?

        var dimensions: [(String, String)] {
            var dimensions = [("team", team), ("model", model), ("verdict", verdict.rawValue)]
            if let principal { dimensions.append(("principal", principal)) }
            return dimensions
        }
    }

    let dimensions: [(String, String)]
    let input: Counter
    let output: Counter
    /// Created with the first priced call: an unpriced model shows no cost series.
    var cost: FloatingPointCounter?

    init(_ key: Key) {
        dimensions = key.dimensions
        input = Counter(label: "tokenaudit_llm_tokens_total", dimensions: dimensions + [("direction", "input")])
        output = Counter(label: "tokenaudit_llm_tokens_total", dimensions: dimensions + [("direction", "output")])
    }

    /// Consecutive calls of one key, summed before the counters see them.
    struct Run {
        let key: Key
        var inputTokens = 0
        var outputTokens = 0
        /// Nil while no call of the run had a price.
        var cost: Double?

        mutating func add(_ call: CallSummary) {
            inputTokens += call.inputTokens
            outputTokens += call.outputTokens
            if let price = call.cost { cost = (cost ?? 0) + price }
        }
    }

    mutating func add(_ run: Run) {
        input.increment(by: run.inputTokens)
        output.increment(by: run.outputTokens)
        guard let price = run.cost else { return }
        if cost == nil { cost = FloatingPointCounter(label: "tokenaudit_llm_cost_usd_total", dimensions: dimensions) }
        cost?.increment(by: price)
    }
}
