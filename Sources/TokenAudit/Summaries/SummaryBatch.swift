import OTLPWire

/// Judged calls folded in memory between two writes to the store, so the
/// pipeline never waits on SQLite: one row per (hour, principal, team,
/// model) and one per (principal, label) whatever the traffic.
struct SummaryBatch: Sendable {
    struct UsageKey: Hashable, Sendable {
        var hour: Int64
        var principal: String
        var team: String
        var model: String
    }

    struct Usage: Sendable, Equatable {
        var calls = 0
        var inputTokens = 0
        var outputTokens = 0
        var cacheReadTokens = 0
        var cost = 0.0
        var co2Grams = 0.0
        var unpricedCalls = 0
        /// Tokens, cost and calls per verdict, indexed by `Verdict.index`.
        var verdictTokens = [0, 0, 0]
        var verdictCost = [0.0, 0.0, 0.0]
        var verdictCalls = [0, 0, 0]
        var outcomes = 0
    }

    struct LabelKey: Hashable, Sendable {
        var hour: Int64
        var principal: String
        var team: String
        var label: DetectionLabel
    }

    struct LabelUsage: Sendable, Equatable {
        var calls = 0
        var tokens = 0
        var cost = 0.0
    }

    struct FindingKey: Hashable, Sendable {
        var principal: String
        var label: DetectionLabel
    }

    struct FindingUpdate: Sendable {
        var team: String
        var firstHour: Int64
        var lastHour: Int64
        var calls = 0
        var tokens = 0
        var cost = 0.0
        var reason: String
        var examples: [String] = []
    }

    fileprivate(set) var usage: [UsageKey: Usage] = [:]
    fileprivate(set) var findings: [FindingKey: FindingUpdate] = [:]
    /// Tokens and cost per label, whatever the verdict (a weak label on a genuine call counts too).
    fileprivate(set) var labels: [LabelKey: LabelUsage] = [:]
    fileprivate(set) var calls = 0

    var isEmpty: Bool { calls == 0 }

    /// Folds a request's judged calls in, as `add(_:_:)` on each would:
    /// consecutive calls of one (hour, principal, team, model), as a
    /// request's calls mostly are, are summed first and update the usage
    /// and label rows once per run (each update hashes three strings).
    mutating func add(_ judged: [JudgedCall]) {
        judged.withUnsafeBufferPointer { judged in
            var start = 0
            while start < judged.count {
                let first = judged[start].summary
                var run = Usage()
                var runLabels = [LabelUsage](repeating: LabelUsage(), count: DetectionLabel.allCases.count)
                var end = start
                while end < judged.count, judged[end].summary.sharesUsageKey(with: first) {
                    let (call, decision) = (judged[end].summary, judged[end].decision)
                    calls += 1
                    Self.add(call, verdict: decision.verdict.index, outcome: decision.outcome != nil, to: &run)
                    for finding in decision.findings {
                        Self.add(LabelUsage(calls: 1, tokens: call.tokens, cost: call.cost ?? 0), to: &runLabels[finding.label.ordinal])
                    }
                    if decision.verdict != .genuine { addFindings(call, decision) }
                    end += 1
                }
                Self.add(run, to: &usage[UsageKey(hour: first.hour, principal: first.principal, team: first.team, model: first.model), default: Usage()])
                for label in DetectionLabel.allCases where runLabels[label.ordinal].calls > 0 {
                    mergeLabel(LabelKey(hour: first.hour, principal: first.principal, team: first.team, label: label), runLabels[label.ordinal])
                }
                start = end
            }
        }
    }

    mutating func add(_ call: CallSummary, _ decision: Decision) {
        add([JudgedCall(summary: call, decision: decision)])
    }

    private mutating func addFindings(_ call: CallSummary, _ decision: Decision) {
        for finding in decision.findings {
            let key = FindingKey(principal: call.principal, label: finding.label)
            Self.add(call, finding, to: &findings[key, default: FindingUpdate(
                team: call.team, firstHour: call.hour, lastHour: call.hour, reason: finding.reason)])
        }
    }
}

extension SummaryBatch {
    private static func add(_ call: CallSummary, verdict v: Int, outcome: Bool, to u: inout Usage) {
        u.calls += 1
        u.inputTokens += call.inputTokens
        u.outputTokens += call.outputTokens
        u.cacheReadTokens += call.cacheReadTokens
        u.cost += call.cost ?? 0
        if call.cost == nil { u.unpricedCalls += 1 }
        u.co2Grams += call.co2Grams
        u.verdictTokens[v] += call.tokens
        u.verdictCost[v] += call.cost ?? 0
        u.verdictCalls[v] += 1
        if outcome { u.outcomes += 1 }
    }

    private static func add(_ call: CallSummary, _ finding: Finding, to f: inout FindingUpdate) {
        f.firstHour = min(f.firstHour, call.hour)
        if call.hour >= f.lastHour {
            f.lastHour = call.hour
            f.reason = finding.reason
        }
        f.calls += 1
        f.tokens += call.tokens
        f.cost += call.cost ?? 0
        if f.examples.count < 5 {
            var hex: [UInt8] = []
            HexCoding.encode(call.traceID, into: &hex)
            let id = String(decoding: hex, as: UTF8.self)
            if !f.examples.contains(id) { f.examples.append(id) }
        }
    }

    mutating func mergeUsage(_ key: UsageKey, _ u: Usage) {
        calls += u.calls
        Self.add(u, to: &usage[key, default: Usage()])
    }

    private static func add(_ u: Usage, to mine: inout Usage) {
        mine.calls += u.calls
        mine.inputTokens += u.inputTokens
        mine.outputTokens += u.outputTokens
        mine.cacheReadTokens += u.cacheReadTokens
        mine.cost += u.cost
        mine.co2Grams += u.co2Grams
        mine.unpricedCalls += u.unpricedCalls
        for v in 0..<3 {
            mine.verdictTokens[v] += u.verdictTokens[v]
            mine.verdictCost[v] += u.verdictCost[v]
            mine.verdictCalls[v] += u.verdictCalls[v]
        }
        mine.outcomes += u.outcomes
    }

    mutating func mergeLabel(_ key: LabelKey, _ l: LabelUsage) {
        // In place: one lookup per label of every judged call.
        Self.add(l, to: &labels[key, default: LabelUsage()])
    }

    private static func add(_ l: LabelUsage, to mine: inout LabelUsage) {
        mine.calls += l.calls
        mine.tokens += l.tokens
        mine.cost += l.cost
    }

    mutating func mergeFinding(_ key: FindingKey, _ f: FindingUpdate) {
        guard var mine = findings[key] else {
            findings[key] = f
            return
        }
        mine.firstHour = min(mine.firstHour, f.firstHour)
        if f.lastHour >= mine.lastHour {
            mine.lastHour = f.lastHour
            mine.reason = f.reason
        }
        mine.calls += f.calls
        mine.tokens += f.tokens
        mine.cost += f.cost
        for id in f.examples where mine.examples.count < 5 && !mine.examples.contains(id) { mine.examples.append(id) }
        findings[key] = mine
    }
}

extension Verdict {
    /// Column index in the per-verdict arrays.
    var index: Int {
        switch self {
        case .genuine: 0
        case .suspect: 1
        case .performative: 2
        }
    }
}
