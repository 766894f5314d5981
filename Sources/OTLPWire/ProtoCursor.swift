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
    public private(set) var position: Int
    public let end: Int

    /// A cursor over `range` of `bytes`; the range is clamped to the buffer.
    public init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        let upper = Swift.min(Swift.max(range.upperBound, 0), bytes.count)
        self.bytes = bytes
        self.position = Swift.min(Swift.max(range.lowerBound, 0), upper)
        self.end = upper
    }

    /// A cursor over the whole buffer.
    public init(bytes: UnsafeRawBufferPointer) {
        self.init(bytes: bytes, range: 0..<bytes.count)
    }

    public var isAtEnd: Bool { position >= end }

    /// The next field, or nil at the end of the message.
    public mutating func next() throws(WireError) -> WireField? {
        guard position < end else { return nil }
        let start = position
        let tag = try readVarint()
        let fieldNumber = tag >> 3
        guard fieldNumber != 0, fieldNumber <= 0x1FFF_FFFF else {
            throw WireError(.invalidFieldNumber(fieldNumber), at: start)
        }
        let rawType = UInt8(truncatingIfNeeded: tag & 7)
        guard let wireType = WireType(rawValue: rawType) else {
            throw WireError(.unsupportedWireType(rawType), at: start)
        }
        let valueStart = position
        let value: UInt64
        let payload: Range<Int>
        switch wireType {
        case .varint:
            value = try readVarint()
            payload = valueStart..<position
        case .fixed64:
            guard end - position >= 8 else { throw WireError(.truncatedFixed, at: position) }
            value = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian
            position += 8
            payload = valueStart..<position
        case .fixed32:
            guard end - position >= 4 else { throw WireError(.truncatedFixed, at: position) }
            value = UInt64(bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
            position += 4
            payload = valueStart..<position
        case .lengthDelimited:
            let length = try readVarint()
            let available = end - position
            guard length <= UInt64(available) else {
                throw WireError(.lengthPastEnd(declared: length, available: available), at: valueStart)
            }
            value = length
            payload = position..<(position + Int(length))
            position = payload.upperBound
        }
        return WireField(
            number: UInt32(truncatingIfNeeded: fieldNumber), wireType: wireType,
            start: start, valueStart: valueStart, value: value, payload: payload)
    }

    mutating func readVarint() throws(WireError) -> UInt64 {
        // Fast path: one byte covers every tag of OTLP and most lengths.
        if position < end {
            let first = bytes[position]
            if first < 0x80 {
                position += 1
                return UInt64(first)
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = position
        while index < end, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                position = index
                return result
            }
            shift += 7
        }
        throw WireError(.truncatedVarint, at: position)
    }
}
