import OTLPWire

/// Accumulates a call's content as hashes while it is read — from span
/// attributes, span events or log records, in message order — and keeps no
/// text. Every path feeds the same `add` calls, so a prompt fingerprints the
/// same whichever dialect or signal carried it.
struct PromptDigest: Sendable, Equatable {
    enum Role: Sendable {
        case system
        /// Any non-system input turn: user, assistant history, tool results.
        case input
        /// The model's output.
        case output
    }

    private(set) var inputHashes = MessageHashes()
    private(set) var systemHashes = MessageHashes()
    private(set) var outputHashes = MessageHashes()
    /// SimHash votes, one per bit; empty until the first shingle, so a call
    /// without content (most of them) allocates nothing here.
    private var sketchCounts: [Int32] = []
    private(set) var inputCharacters = 0
    /// The longest input message: in a stuffed prompt, the pasted document.
    private(set) var longestInput: UInt64 = 0
    private(set) var longestInputCharacters = -1
    private(set) var outputCharacters = 0

    var isEmpty: Bool { inputHashes.isEmpty && systemHashes.isEmpty && outputHashes.isEmpty }
    var hasPrompt: Bool { !inputHashes.isEmpty }

    /// What instrumentations send in place of content they were told to
    /// hide (OpenInference's `OPENINFERENCE_HIDE_*`): not a prompt.
    static let placeholders: [StaticString] = ["__REDACTED__", "<redacted>", "[REDACTED]"]

    mutating func add(_ role: Role, text: String) {
        var text = text  // native strings are contiguous: `withUTF8` does not copy them
        text.withUTF8 { add(role, utf8: UnsafeRawBufferPointer($0)) }
    }

    /// One message's text as valid UTF-8 (a wire string or JSON string read
    /// in place): no `String` is made unless it holds non-ASCII text.
    mutating func add(_ role: Role, utf8 text: UnsafeRawBufferPointer) {
        guard !text.isEmpty, !Self.isPlaceholder(text) else { return }
        TextNormalizer.withNormalized(utf8: text) { normalized in
            let hash = StableHash.of(utf8: normalized.bytes)
            switch role {
            case .system:
                systemHashes.append(hash)
            case .input:
                inputHashes.append(hash)
                let characters = Self.characterCount(text, isASCII: normalized.sourceIsASCII)
                inputCharacters += characters
                if characters > longestInputCharacters { (longestInput, longestInputCharacters) = (hash, characters) }
                addShingles(normalized)
            case .output:
                outputHashes.append(hash)
                outputCharacters += Self.characterCount(text, isASCII: normalized.sourceIsASCII)
            }
        }
    }

    /// `String.count` (grapheme clusters) of the text. In ASCII every byte
    /// is one, except CR LF, which is one together.
    static func characterCount(_ utf8: UnsafeRawBufferPointer, isASCII: Bool) -> Int {
        guard isASCII else { return String(decoding: utf8, as: UTF8.self).count }
        var pairs = 0
        var previous: UInt8 = 0
        for byte in utf8 {
            if byte == 0x0A, previous == 0x0D { pairs += 1 }
            previous = byte
        }
        return utf8.count - pairs
    }

    private static func isPlaceholder(_ text: UnsafeRawBufferPointer) -> Bool {
        placeholders.contains { WireString(text).equals($0) }
    }

    /// Word 3-grams (single words for very short texts) vote on each of the
    /// 64 SimHash bits.
    private mutating func addShingles(_ normalized: NormalizedText) {
        let words = normalized.wordCount
        let width = min(3, max(1, words))
        guard words >= width else { return }
        if sketchCounts.isEmpty { sketchCounts = [Int32](repeating: 0, count: 64) }
        sketchCounts.withUnsafeMutableBufferPointer { votes in
            for start in 0...(words - width) {
                let h = StableHash.of(utf8: normalized.bytes(ofWords: start..<(start + width)))
                for bit in 0..<64 {
                    votes[bit] &+= Int32(truncatingIfNeeded: (h >> UInt64(bit)) & 1) &* 2 &- 1
                }
            }
        }
    }

    mutating func merge(_ other: PromptDigest) {
        inputHashes += other.inputHashes
        systemHashes += other.systemHashes
        outputHashes += other.outputHashes
        if sketchCounts.isEmpty {
            sketchCounts = other.sketchCounts
        } else if !other.sketchCounts.isEmpty {
            for bit in 0..<64 { sketchCounts[bit] += other.sketchCounts[bit] }
        }
        inputCharacters += other.inputCharacters
        if other.longestInputCharacters > longestInputCharacters {
            (longestInput, longestInputCharacters) = (other.longestInput, other.longestInputCharacters)
        }
        outputCharacters += other.outputCharacters
    }

    static func combine(_ hashes: some Sequence<UInt64>) -> UInt64? {
        var h = StableHash()
        var any = false
        for value in hashes {
            h.add(value)
            any = true
        }
        return any ? h.value : nil
    }

    var systemPrompt: UInt64? { Self.combine(systemHashes) }

    /// The content fingerprint, or nil when no prompt text was seen.
    var fingerprint: ContentFingerprint? {
        guard let prompt = Self.combine(inputHashes) else { return nil }
        var sketch: UInt64 = 0
        for bit in sketchCounts.indices where sketchCounts[bit] > 0 { sketch |= 1 << UInt64(bit) }
        return ContentFingerprint(
            kind: .content, prompt: prompt, promptSketch: sketch, systemPrompt: systemPrompt,
            largestMessage: inputHashes.count > 1 ? longestInput : nil,
            promptCharacters: inputCharacters, completion: Self.combine(outputHashes),
            completionCharacters: outputHashes.isEmpty ? nil : outputCharacters)
    }
}

/// One role's message hashes, in message order. A call usually has one
/// message per role: the first is kept inline, only a second allocates.
struct MessageHashes: Sendable, Equatable, Sequence {
    private var first: UInt64?
    private var rest: [UInt64] = []

    var isEmpty: Bool { first == nil }
    var count: Int { first == nil ? 0 : 1 + rest.count }

    mutating func append(_ hash: UInt64) {
        if first == nil { first = hash } else { rest.append(hash) }
    }

    static func += (lhs: inout MessageHashes, rhs: MessageHashes) {
        for hash in rhs { lhs.append(hash) }
    }

    func makeIterator() -> Iterator { Iterator(first: first, rest: rest.makeIterator()) }

    struct Iterator: IteratorProtocol {
        fileprivate var first: UInt64?
        fileprivate var rest: IndexingIterator<[UInt64]>

        mutating func next() -> UInt64? {
            if let hash = first {
                first = nil
                return hash
            }
            return rest.next()
        }
    }
}
