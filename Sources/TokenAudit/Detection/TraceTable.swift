/// The spans of traces whose LLM calls are being held (`decision_wait`),
/// reduced to what tells whether a call's output was used: when each span
/// started and, for LLM spans, which prompt it sent.
///
/// Invariant: an entry lives while at least one held request carries an LLM
/// span of its trace (`retain` / `release` count them), so memory is bounded
/// by what is held. Spans of other traces are not recorded at all.
struct TraceTable: Sendable {
    struct SpanFact: Sendable {
        var span: UInt64
        var start: UInt64
        /// The prompt fingerprint of an LLM span; nil for any other span.
        var prompt: UInt64?
    }

    struct Entry: Sendable {
        /// The first span recorded, inline: a held trace often has one span
        /// (the call itself), and an array for it was an allocation per call.
        var first: SpanFact?
        /// The spans after the first.
        var more: [SpanFact] = []
        var holders = 0
        /// An outcome recorded on a span of the trace (`tokenaudit.outcome`).
        var outcome: String?

        mutating func add(_ fact: SpanFact, cap: Int) {
            if first == nil {
                first = fact
            } else if more.count + 1 < cap {
                more.append(fact)
            }
        }

        /// `TraceTable.settle` for this entry; gives back one hold and says
        /// whether any remain.
        mutating func settle(span: UInt64, endingAt end: UInt64, prompt: UInt64)
            -> (outcome: String?, consumed: Bool, otherSpans: Int, held: Bool) {
            var consumed = false, others = 0
            func look(at fact: SpanFact) {
                guard fact.span != span else { return }
                others += 1
                if fact.start >= end, fact.prompt != prompt { consumed = true }
            }
            if let first { look(at: first) }
            for fact in more { look(at: fact) }
            holders -= 1
            return (outcome, consumed, others, holders > 0)
        }
    }

    /// Spans remembered per trace; enough to see a consumer after any call.
    let maxSpansPerTrace = 256
    private(set) var entries: [UInt64: Entry] = [:]

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    func contains(_ trace: UInt64) -> Bool { entries[trace] != nil }

    mutating func retain(_ trace: UInt64) {
        entries[trace, default: Entry()].holders += 1
    }

    mutating func release(_ trace: UInt64) {
        guard var entry = entries[trace] else { return }
        entry.holders -= 1
        entries[trace] = entry.holders > 0 ? entry : nil
    }

    /// Records a span of a trace already retained; others are ignored.
    mutating func record(_ fact: SpanFact, in trace: UInt64) {
        // One hash lookup, then the entry changed in place through `values`
        // by a mutating method: optional chaining through the subscript takes
        // the entry out and puts it back, and each read of a field through
        // `values[index]` copied the whole entry (retaining its array).
        guard let index = entries.index(forKey: trace) else { return }
        entries.values[index].add(fact, cap: maxSpansPerTrace)
    }

    mutating func recordOutcome(_ kind: String, in trace: UInt64) {
        guard entries[trace] != nil else { return }
        entries[trace]?.outcome = kind
    }

    func outcome(of trace: UInt64) -> String? { entries[trace]?.outcome }

    /// What a verdict asks of a held call's trace, in one lookup: the outcome
    /// recorded on it; whether a consumer exists (a span that started after
    /// the call ended and is not the same prompt sent again: a tool run, a
    /// write, the next agent step); and how many other spans were recorded.
    /// The call's hold is given back, as `release` does.
    mutating func settle(span: UInt64, endingAt end: UInt64, prompt: UInt64,
                         in trace: UInt64) -> (outcome: String?, consumed: Bool, otherSpans: Int) {
        guard let index = entries.index(forKey: trace) else { return (nil, false, 0) }
        let settled = entries.values[index].settle(span: span, endingAt: end, prompt: prompt)
        if !settled.held { entries.remove(at: index) }
        return (settled.outcome, settled.consumed, settled.otherSpans)
    }
}

/// 64-bit keys for trace and span ids, read straight from the wire bytes.
/// Ids of OTLP's lengths (16 and 8 bytes) are read as words and mixed, the
/// cost of a few multiplications: every span of every request gets its keys
/// taken. Keys stay in memory (never stored), so the function may change.
enum WireIDKey {
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        switch bytes.count {
        case 16:
            let high = mix(bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ 16)
            return mix(bytes.loadUnaligned(as: UInt64.self) ^ high)
        case 8:
            return mix(mix(bytes.loadUnaligned(as: UInt64.self) ^ 8))
        default:
            var hash = StableHash()
            hash.add(bytes: bytes)
            return hash.value
        }
    }

    /// SplitMix64's finaliser: every input bit reaches every output bit.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func of(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { of($0) }
    }

    static func of(_ id: WireID) -> UInt64 {
        id.withUnsafeBytes { of($0) }
    }
}
