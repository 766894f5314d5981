/// Walks the fields of one protobuf message in a byte buffer, in wire order.
///
/// Invariants: `position` and `end` always lie within `bytes`, and every
/// `WireField` it returns lies within `position..<end` of the call that
/// produced it; a malformed field throws instead of being returned. Nothing is
/// allocated. The cursor does not know the schema: checking wire types and
/// string contents against it is the caller's job (`OTLPValidator`).
///
/// The buffer must stay alive and unchanged while the cursor, or anything it
/// returned, is used.
public struct ProtoCursor {
    public let bytes: UnsafeRawBufferPointer
    @usableFromInline var offset: Int
    public let end: Int

    /// Where the next field starts.
    @inlinable public var position: Int { offset }

    /// A cursor over `range` of `bytes`; the range is clamped to the buffer.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        let upper = Swift.min(Swift.max(range.upperBound, 0), bytes.count)
        self.bytes = bytes
        self.offset = Swift.min(Swift.max(range.lowerBound, 0), upper)
        self.end = upper
    }

    /// A cursor over the whole buffer.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        self.init(bytes: bytes, range: 0..<bytes.count)
    }

    @inlinable
    public var isAtEnd: Bool { offset >= end }

    /// The next field, or nil at the end of the message. Inlinable: every
    /// view's loop runs it once per field, across the module boundary.
    @inlinable @inline(__always)
    public mutating func next() throws(WireError) -> WireField? {
        guard offset < end else { return nil }
        let start = offset
        let tag = try readVarint()
        let fieldNumber = tag >> 3
        guard fieldNumber != 0, fieldNumber <= 0x1FFF_FFFF else {
            throw WireError(.invalidFieldNumber(fieldNumber), at: start)
        }
        let wireType: WireType
        switch tag & 7 {
        case 0: wireType = .varint
        case 1: wireType = .fixed64
        case 2: wireType = .lengthDelimited
        case 5: wireType = .fixed32
        default: throw WireError(.unsupportedWireType(UInt8(truncatingIfNeeded: tag & 7)), at: start)
        }
        let valueStart = offset
        let value: UInt64
        let payload: Range<Int>
        switch wireType {
        case .varint:
            value = try readVarint()
            payload = valueStart..<offset
        case .fixed64:
            guard end - offset >= 8 else { throw WireError(.truncatedFixed, at: offset) }
            value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
            offset += 8
            payload = valueStart..<offset
        case .fixed32:
            guard end - offset >= 4 else { throw WireError(.truncatedFixed, at: offset) }
            value = UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
            offset += 4
            payload = valueStart..<offset
        case .lengthDelimited:
            let length = try readVarint()
            let available = end - offset
            guard length <= UInt64(available) else {
                throw WireError(.lengthPastEnd(declared: length, available: available), at: valueStart)
            }
            value = length
            payload = offset..<(offset + Int(length))
            offset = payload.upperBound
        }
        return WireField(
            number: UInt32(truncatingIfNeeded: fieldNumber), wireType: wireType,
            start: start, valueStart: valueStart, value: value, payload: payload)
    }

    /// The next field if it is tagged `tag` (a one-byte tag of a
    /// length-delimited field) with a one-byte length, as encoders write the
    /// short messages that fill a record (attributes): its extent (tag to
    /// end) and payload. Nil, the cursor unmoved, for anything else, which
    /// `next` then reads. Bounds-checked like `next`.
    @inlinable @inline(__always)
    public mutating func nextShortField(tag: UInt8) -> (extent: Range<Int>, payload: Range<Int>)? {
        guard end - offset >= 2, bytes[offset] == tag else { return nil }
        let length = Int(bytes[offset + 1])
        guard length < 0x80, length <= end - offset - 2 else { return nil }
        let start = offset
        offset += 2 + length
        return (start..<offset, (start + 2)..<offset)
    }

    @inlinable @inline(__always)
    mutating func readVarint() throws(WireError) -> UInt64 {
        // Fast path: one byte covers every tag of OTLP and most lengths.
        if offset < end {
            let first = bytes[offset]
            if first < 0x80 {
                offset += 1
                return UInt64(first)
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while index < end, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                offset = index
                return result
            }
            shift += 7
        }
        throw WireError(.truncatedVarint, at: offset)
    }
}
