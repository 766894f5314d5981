#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A string or bytes field as a slice of the wire buffer (not Sendable: it
/// borrows the buffer and lives no longer than it): comparing it costs
/// no allocation; `string` materialises it when a copy is really needed.
public struct WireString: CustomStringConvertible {
    public let bytes: UnsafeRawBufferPointer
    public let range: Range<Int>

    @inlinable
    public init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        self.range = range
    }

    /// All of `bytes` (a JSON string or a key read in place), to compare it
    /// the way wire strings are compared.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.init(bytes: bytes, range: 0..<bytes.count)
    }

    /// An empty slice, for absent fields.
    public static var empty: WireString { WireString(bytes: UnsafeRawBufferPointer(start: nil, count: 0), range: 0..<0) }

    public var count: Int { range.count }
    public var isEmpty: Bool { range.isEmpty }

    /// The slice's bytes, valid as long as the underlying buffer is.
    public var rawBytes: UnsafeRawBufferPointer {
        guard !range.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: bytes[range])
    }

    /// A copy as a Swift String (invalid UTF-8 is repaired, never trapped on).
    public var string: String { String(decoding: rawBytes, as: UTF8.self) }

    public var array: [UInt8] { Array(rawBytes) }

    public var description: String { string }

    /// Length first: most keys differ in length, and those never touch the bytes.
    @inlinable
    public func equals(_ other: StaticString) -> Bool {
        guard other.utf8CodeUnitCount == range.count else { return false }
        guard other.hasPointerRepresentation, let base = bytes.baseAddress else {
            return other.withUTF8Buffer { equals(UnsafeRawBufferPointer($0)) }
        }
        return WireString.bytesEqual(base + range.lowerBound, UnsafeRawPointer(other.utf8Start), range.count)
    }

    @inlinable
    public func equals(_ other: UnsafeRawBufferPointer) -> Bool {
        guard other.count == range.count else { return false }
        guard let base = bytes.baseAddress, let start = other.baseAddress else { return range.isEmpty }
        return WireString.bytesEqual(base + range.lowerBound, start, range.count)
    }

    @inlinable
    public func hasPrefix(_ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard length <= range.count else { return false }
        if prefix.hasPointerRepresentation, let base = bytes.baseAddress {
            return WireString.bytesEqual(base + range.lowerBound, UnsafeRawPointer(prefix.utf8Start), length)
        }
        return prefix.withUTF8Buffer { p in
            guard p.count <= count else { return false }
            return UnsafeRawBufferPointer(rebasing: rawBytes[0..<p.count]).elementsEqual(UnsafeRawBufferPointer(p))
        }
    }

    /// Whether the slice ends with `suffix`, compared in place (as `hasPrefix`).
    @inlinable
    public func hasSuffix(_ suffix: StaticString) -> Bool {
        let length = suffix.utf8CodeUnitCount
        guard length <= range.count else { return false }
        if suffix.hasPointerRepresentation, let base = bytes.baseAddress {
            return WireString.bytesEqual(base + range.upperBound - length, UnsafeRawPointer(suffix.utf8Start), length)
        }
        return suffix.withUTF8Buffer { s in
            UnsafeRawBufferPointer(rebasing: rawBytes[(count - s.count)...]).elementsEqual(UnsafeRawBufferPointer(s))
        }
    }

    /// Lowercase hex, as OTLP/JSON writes trace and span ids.
    public var hex: String {
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        HexCoding.encode(rawBytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

extension WireString {
    /// Reached only once lengths match. Keys and prefixes are short: up to
    /// 16 bytes are compared as two overlapping words (a call to `memcmp`
    /// costs more than the comparison), longer ones after their first word.
    @inlinable
    static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        switch count {
        case 0:
            return true
        case 1...3:
            for i in 0..<count where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) {
                return false
            }
            return true
        case 4...7:
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        case 8...16:
            return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                && a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        default:
            guard a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self) else { return false }
            return longBytesEqual(a, b, count)
        }
    }

    @usableFromInline
    static func longBytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        memcmp(a, b, count) == 0
    }
}

extension WireString: Equatable {
    public static func == (lhs: WireString, rhs: WireString) -> Bool { lhs.equals(rhs.rawBytes) }
}
