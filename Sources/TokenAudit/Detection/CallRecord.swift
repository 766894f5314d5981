/// One LLM call as a principal's window remembers it: hashes, counts and
/// times only (no text), 56 bytes, so a window of 32 calls stays under 2 KiB.
struct CallRecord: Sendable, Equatable {
    struct Flags: OptionSet, Sendable, Equatable {
        let rawValue: UInt8
        /// The call failed (span status ERROR or `error.type`).
        static let failed = Flags(rawValue: 1 << 0)
        /// `prompt` and `sketch` come from captured content, not metadata.
        static let content = Flags(rawValue: 1 << 1)
        /// The output stopped at (or within 10% of) `max_tokens`.
        static let outputAtLimit = Flags(rawValue: 1 << 2)
        /// The call asked for tools (its output feeds the next step).
        static let toolCalls = Flags(rawValue: 1 << 3)
    }

    /// Span start, Unix nanoseconds (span time, DESIGN.md §3.3).
    var start: UInt64
    /// Exact prompt fingerprint (content or metadata stand-in).
    var prompt: UInt64
    /// SimHash of the prompt; 0 when no content was captured.
    var sketch: UInt64
    /// The longest input message (a pasted document), 0 when unknown.
    var context: UInt32
    /// The system instructions, 0 when unknown.
    var system: UInt32
    var inputTokens: UInt32
    var outputTokens: UInt32
    /// The agent or job that made the call on the principal's behalf, 0 when none.
    var agent: UInt32
    /// The conversation / session, 0 when none.
    var conversation: UInt32
    var durationMilliseconds: UInt32
    var flags: Flags

    var failed: Bool { flags.contains(.failed) }

    /// Whether `other` carries the same prompt: the exact fingerprint, or
    /// (both with content) sketches at most `maxDistance` bits apart.
    func samePrompt(as other: CallRecord, maxDistance: Int) -> Bool {
        if prompt == other.prompt { return true }
        guard flags.contains(.content), other.flags.contains(.content) else { return false }
        return (sketch ^ other.sketch).nonzeroBitCount <= maxDistance
    }
}

extension UInt64 {
    /// Folds a 64-bit hash to the 32 bits a `CallRecord` keeps; never 0, which means "none".
    var folded: UInt32 {
        let value = UInt32(truncatingIfNeeded: self ^ (self >> 32))
        return value == 0 ? 1 : value
    }
}
