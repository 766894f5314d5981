import OTLPWire

/// What a call's content looks like, reduced to hashes and counts: the raw
/// text is never kept.
public struct ContentFingerprint: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable {
        /// From the prompt text itself.
        case content
        /// No content was captured: provider + model + operation + exact input
        /// tokens (+ system prompt hash when known) stand in for it.
        case metadata
    }

    public var kind: Kind
    /// Exact fingerprint of the normalised prompt (every non-system input turn).
    public var prompt: UInt64
    /// 64-bit SimHash of the prompt's word shingles: near-duplicates differ in
    /// few bits. 0 for `.metadata`.
    public var promptSketch: UInt64
    /// Fingerprint of the system instructions, when present.
    public var systemPrompt: UInt64?
    /// The longest of several input messages (a document pasted before a
    /// question); nil for single-message prompts and `.metadata`.
    public var largestMessage: UInt64?
    /// Characters of prompt text seen (0 for `.metadata`).
    public var promptCharacters: Int
    /// Fingerprint of the output, when the completion was captured.
    public var completion: UInt64?
    public var completionCharacters: Int?

    /// `prompt` as 16 lowercase hex digits, as written on spans and in reports.
    public var promptHex: String { Self.hex(prompt) }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The stand-in when no content was captured.
    static func metadata(provider: String?, model: String?, operation: LLMOperation, inputTokens: Int?, systemPrompt: UInt64?) -> ContentFingerprint {
        var hash = StableHash()
        hash.add(provider ?? "")
        hash.add(model ?? "")
        hash.add(operation.description)
        hash.add(decimal: inputTokens ?? -1)
        hash.add(systemPrompt.map(hex) ?? "")
        return ContentFingerprint(kind: .metadata, prompt: hash.value, promptSketch: 0, systemPrompt: systemPrompt, largestMessage: nil,
                                  promptCharacters: 0, completion: nil, completionCharacters: nil)
    }
}

/// FNV-1a, 64 bit: stable across processes and releases (Swift's `Hasher`
/// is seeded per process), so fingerprints survive restarts and replays.
struct StableHash {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add<S: Sequence>(bytes: S) where S.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
    }

    /// Hashes contiguous bytes without going through `Sequence` (the generic
    /// path costs an iterator step per byte).
    mutating func add(bytes: UnsafeRawBufferPointer) {
        var v = value
        for byte in bytes {
            v ^= UInt64(byte)
            v = v &* 0x0000_0100_0000_01B3
        }
        value = v
    }

    mutating func add(_ s: String) {
        s.withBorrowedUTF8 { add(bytes: $0) }
        add(bytes: CollectionOfOne(0x1F))  // unit separator: "ab"+"c" ≠ "a"+"bc"
    }

    /// The same as `add(String(value))`, without making the string (a
    /// fifth of a metadata fingerprint's cost).
    mutating func add(decimal value: Int) {
        // Digits from the end of a buffer wide enough for Int.min.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            var magnitude = value.magnitude
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            add(bytes: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: digits[start...])))
        }
        add(bytes: CollectionOfOne(0x1F))
    }

    mutating func add(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { add(bytes: $0) }
    }

    static func of(_ s: String) -> UInt64 {
        var h = StableHash()
        h.add(s)
        return h.value
    }

    /// The hash `of(_:)` gives the string with these UTF-8 bytes.
    static func of(utf8 bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = StableHash()
        h.add(bytes: bytes)
        h.add(bytes: CollectionOfOne(0x1F))
        return h.value
    }
}
