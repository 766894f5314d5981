import OTLPWire

/// A trace or span id copied out of a request, stored inline: an `LLMCall`
/// outlives its request buffer, and an array per id was three allocations
/// per call. Holds up to 16 bytes, which every id the validator admits fits
/// (16 for traces, 8 for spans, or none); longer input keeps its first 16.
public struct WireID: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    private var storage: (UInt64, UInt64) = (0, 0)
    public let count: Int

    public static let capacity = 16

    public init(_ bytes: UnsafeRawBufferPointer) {
        let count = Swift.min(bytes.count, Self.capacity)
        self.count = count
        guard count > 0, let source = bytes.baseAddress else { return }
        withUnsafeMutableBytes(of: &storage) { $0.baseAddress?.copyMemory(from: source, byteCount: count) }
    }

    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let array = Array(bytes.prefix(Self.capacity))
        self = array.withUnsafeBytes { WireID($0) }
    }

    public init(arrayLiteral bytes: UInt8...) {
        self.init(bytes)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < count, "WireID index out of range")
        return Swift.withUnsafeBytes(of: storage) { $0[position] }
    }

    /// The id's bytes, for hashing and comparing in place.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage) { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    // Bytes past `count` are always zero, so the words compare and hash the id.
    public static func == (a: WireID, b: WireID) -> Bool {
        a.count == b.count && a.storage.0 == b.storage.0 && a.storage.1 == b.storage.1
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(storage.0)
        hasher.combine(storage.1)
    }

    /// Lowercase hex, as OTLP/JSON writes ids.
    public var description: String {
        var hex: [UInt8] = []
        HexCoding.encode(self, into: &hex)
        return String(decoding: hex, as: UTF8.self)
    }
}
