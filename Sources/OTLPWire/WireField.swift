/// One field as it sits in the buffer; nothing is copied out of it.
///
/// Offsets are absolute positions in the buffer the cursor walks, so a field
/// found deep inside a request can be spliced without re-walking its parents.
public struct WireField: Sendable {
    public var number: UInt32
    public var wireType: WireType
    /// Offset of the field's first tag byte.
    public var start: Int
    /// Offset of the first byte after the tag: the value, or for
    /// length-delimited fields the length prefix.
    public var valueStart: Int
    /// For varint and fixed fields, the value (fixed32 zero-extended); for
    /// length-delimited fields, the payload length.
    public var value: UInt64
    /// For length-delimited fields the payload; for the others the value bytes.
    public var payload: Range<Int>

    @inlinable
    public init(number: UInt32, wireType: WireType, start: Int, valueStart: Int, value: UInt64, payload: Range<Int>) {
        self.number = number
        self.wireType = wireType
        self.start = start
        self.valueStart = valueStart
        self.value = value
        self.payload = payload
    }

    /// The whole field, tag included.
    @inlinable
    public var extent: Range<Int> { start..<payload.upperBound }

    /// The frame of a length-delimited field, for splicing into it. The
    /// prefix is taken as it was sent (protobuf allows non-minimal varints).
    @inlinable
    public var frame: LengthFrame { LengthFrame(prefixStart: valueStart, payload: payload) }
}

/// Where a length-delimited message sits: its length prefix occupies
/// `prefixStart..<payload.lowerBound` and its payload is `payload`.
public struct LengthFrame: Hashable, Sendable {
    public var prefixStart: Int
    public var payload: Range<Int>

    @inlinable
    public init(prefixStart: Int, payload: Range<Int>) {
        self.prefixStart = prefixStart
        self.payload = payload
    }
}
