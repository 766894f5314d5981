import Metrics
import Synchronization

/// What extraction has seen, for metrics, `/healthz` and (later) summaries.
public final class GenAIStats: Sendable {
    private struct State {
        var calls = 0
        var spansWithProblems = 0
        var unknownModels: [String: Int] = [:]
        var co2Grams = 0.0
        var verdicts: [Verdict: Int] = [:]
        var redactedRecords = 0
        var redactedFields = 0
        var labels: [DetectionLabel: Int] = [:]
    }

    private let state = Mutex(State())
    private let callsCounter = Counter(label: "tokenaudit_llm_calls_total")
    private let problemsCounter = Counter(label: "tokenaudit_extraction_problems_total")
    private let unknownCounter = Counter(label: "tokenaudit_llm_calls_unknown_model_total")
    private let redactedCounter = Counter(label: "tokenaudit_redacted_fields_total")

    public init() {}

    public var calls: Int { state.withLock { $0.calls } }
    /// LLM spans whose attributes could not all be read (counted, still recorded).
    public var spansWithProblems: Int { state.withLock { $0.spansWithProblems } }
    /// Estimated CO2e of the leaf calls seen, in grams.
    public var co2Grams: Double { state.withLock { $0.co2Grams } }
    /// Models missing from the price table, with their call counts.
    public var unknownModels: [String: Int] { state.withLock { $0.unknownModels } }

    /// What one request's extraction adds, gathered without a lock and
    /// recorded at once (`record(_:)`).
    struct ExtractionTally {
        var calls = 0
        var spansWithProblems = 0
        var co2Grams = 0.0
        var unknownModels: [String: Int] = [:]

        mutating func add(_ call: LLMCall, priced: Bool, co2Grams: Double) {
            calls += 1
            if !call.isAggregate { self.co2Grams += co2Grams }
            if !call.problems.isEmpty { spansWithProblems += 1 }
            if !priced, call.operation.callsModel, !call.isAggregate {
                unknownModels[call.model ?? "(none)", default: 0] += 1
            }
        }
    }

    func record(_ tally: ExtractionTally) {
        guard tally.calls > 0 else { return }
        state.withLock { s in
            s.calls += tally.calls
            s.co2Grams += tally.co2Grams
            s.spansWithProblems += tally.spansWithProblems
            for (model, count) in tally.unknownModels { s.unknownModels[model, default: 0] += count }
        }
        callsCounter.increment(by: tally.calls)
        if tally.spansWithProblems > 0 { problemsCounter.increment(by: tally.spansWithProblems) }
        let unknownCalls = tally.unknownModels.values.reduce(0, +)
        if unknownCalls > 0 { unknownCounter.increment(by: unknownCalls) }
    }

    func record(_ judged: [JudgedCall]) {
        var verdicts = [Int](repeating: 0, count: Verdict.allCases.count)
        for call in judged { verdicts[call.decision.verdict.index] += 1 }
        let labels = judged.findingsPerLabel
        state.withLock { s in
            for verdict in Verdict.allCases where verdicts[verdict.index] > 0 { s.verdicts[verdict, default: 0] += verdicts[verdict.index] }
            for label in DetectionLabel.allCases where labels[label.ordinal] > 0 { s.labels[label, default: 0] += labels[label.ordinal] }
        }
    }

    /// Calls judged so far, per verdict and per label.
    public var verdicts: [Verdict: Int] { state.withLock { $0.verdicts } }
    public var labels: [DetectionLabel: Int] { state.withLock { $0.labels } }

    func recordRedaction(fields: Int) {
        state.withLock { s in
            s.redactedRecords += 1
            s.redactedFields += fields
        }
        redactedCounter.increment(by: fields)
    }

    /// Spans and log records whose content was left out, and the fields removed.
    public var redactions: (records: Int, fields: Int) { state.withLock { ($0.redactedRecords, $0.redactedFields) } }
}
