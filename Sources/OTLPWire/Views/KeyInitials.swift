/// A set of attribute keys' first bytes, folded to 64 values (`byte & 63`),
/// that may only err towards "maybe": `mayContain` is false only when no key
/// in the set starts with that byte.
///
/// A pair whose key the few-byte read below cannot settle (any layout other
/// than key-then-value, where a later key field would win) fills the whole
/// set, so the answer never depends on which key of such a pair counts.
/// Letters of one case never share a fold (`a`...`z` are 33...58).
public struct KeyInitials: Sendable, Equatable {
    public private(set) var bits: UInt64 = 0

    public init() {}

    /// The set of the first bytes of `keys`, for a filter's side of the test.
    public init(_ initials: StaticString...) {
        for initial in initials {
            initial.withUTF8Buffer { if let first = $0.first { bits |= Self.bit(first) } }
        }
    }

    @inline(__always)
    static func bit(_ byte: UInt8) -> UInt64 { 1 << UInt64(byte & 63) }

    /// Whether some key in the set may start with one of `initials`' bytes.
    @inlinable
    public func mayShare(_ initials: KeyInitials) -> Bool { bits & initials.bits != 0 }

    /// Adds the key of the `KeyValue` whose payload is `pair` in `bytes`.
    @inline(__always)
    mutating func insertKey(of bytes: UnsafeRawBufferPointer, pair: Range<Int>) {
        guard let layout = KeyValueView.encoderLayout(bytes, pair) else {
            bits = ~0
            return
        }
        if !layout.key.isEmpty { bits |= Self.bit(bytes[layout.key.lowerBound]) }
    }
}
