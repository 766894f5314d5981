/// One `KeyValue` pair. The value is decoded when asked for: most readers
/// look at keys only (which attributes a span has), and decoding every
/// value of every pair they pass was a fifth of a key scan's cost.
public struct KeyValueView: WireMessageView {
    public let frame: LengthFrame
    public let key: WireString
    @usableFromInline let bytes: UnsafeRawBufferPointer
    /// Where the value's `AnyValue` sits, nil when the pair has none: for a
    /// reader that keeps pairs and decodes values later (`value` does it now).
    public let valueFrame: LengthFrame?

    /// Always inlined: built once per attribute of every span walked, and
    /// the few byte loads of the common layout cost less than the call.
    @inlinable @inline(__always)
    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        self.frame = frame
        self.bytes = bytes
        // Any layout but the encoders' takes the field loop (where the last key wins).
        if let layout = Self.encoderLayout(bytes, frame.payload) {
            key = WireString(bytes: bytes, range: layout.key)
            valueFrame = layout.value
            return
        }
        (key, valueFrame) = Self.decodeFields(bytes, frame.payload)
    }

    /// The key's bytes and the value's frame of a pair laid out as every
    /// encoder writes it, read in four byte loads: the key (field 1), then
    /// the value (field 2), each with a one-byte length, filling the pair
    /// exactly. Nil for any other layout. The one definition of "the common
    /// layout" that the views, the key scan, `KeyInitials` and the
    /// validator's shortcut all rely on.
    @inlinable @inline(__always)
    static func encoderLayout(_ bytes: UnsafeRawBufferPointer, _ pair: Range<Int>) -> (key: Range<Int>, value: LengthFrame)? {
        let start = pair.lowerBound, end = pair.upperBound
        guard end - start >= 4, bytes[start] == 0x0A, bytes[start + 1] < 0x80 else { return nil }
        let keyEnd = start + 2 + Int(bytes[start + 1])
        guard keyEnd + 2 <= end, bytes[keyEnd] == 0x12, bytes[keyEnd + 1] < 0x80,
              keyEnd + 2 + Int(bytes[keyEnd + 1]) == end
        else { return nil }
        return ((start + 2)..<keyEnd, LengthFrame(prefixStart: keyEnd + 1, payload: (keyEnd + 2)..<end))
    }

    @usableFromInline
    static func decodeFields(_ bytes: UnsafeRawBufferPointer, _ payload: Range<Int>) -> (WireString, LengthFrame?) {
        var key = WireString(bytes: bytes, range: payload.lowerBound..<payload.lowerBound)
        var valueFrame: LengthFrame?
        var cursor = ProtoCursor(bytes: bytes, range: payload)
        while let field = try? cursor.next() {
            guard field.wireType == .lengthDelimited else { continue }
            switch field.number {
            case 1: key = WireString(bytes: bytes, range: field.payload)
            case 2: valueFrame = field.frame
            default: break
            }
        }
        return (key, valueFrame)
    }

    /// Nil when the pair has no value on the wire. Decoded on each access.
    @inlinable
    public var value: AnyValueView? {
        valueFrame.map { AnyValueView(bytes: bytes, frame: $0, context: ()) }
    }
}

/// An `AnyValue`: which member of the oneof is set, read in one pass (the
/// last member on the wire wins, as protobuf's oneof semantics say).
public struct AnyValueView: WireMessageView {
    public enum Value {
        case empty
        case string(WireString)
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case array(RepeatedMessages<AnyValueView>)
        case keyValueList(RepeatedMessages<KeyValueView>)
        case bytes(WireString)
    }

    public let value: Value

    @inlinable
    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        // A string with a one-byte length that fills the value: the common case, in two byte loads.
        let start = frame.payload.lowerBound, end = frame.payload.upperBound
        if end - start >= 2, bytes[start] == 0x0A, bytes[start + 1] < 0x80, start + 2 + Int(bytes[start + 1]) == end {
            self.value = .string(WireString(bytes: bytes, range: (start + 2)..<end))
            return
        }
        var value = Value.empty
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = try? cursor.next() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): value = .string(WireString(bytes: bytes, range: field.payload))
            case (2, .varint): value = .bool(field.value != 0)
            case (3, .varint): value = .int(Int64(bitPattern: field.value))
            case (4, .fixed64): value = .double(Double(bitPattern: field.value))
            case (5, .lengthDelimited):
                value = .array(RepeatedMessages(bytes: bytes, range: field.payload, fieldNumber: 1))
            case (6, .lengthDelimited):
                value = .keyValueList(RepeatedMessages(bytes: bytes, range: field.payload, fieldNumber: 1))
            case (7, .lengthDelimited): value = .bytes(WireString(bytes: bytes, range: field.payload))
            default: break
            }
        }
        self.value = value
    }

    /// The string member, if that is the one set.
    @inlinable
    public var stringValue: WireString? {
        if case .string(let s) = value { return s }
        return nil
    }

    /// The int member, if that is the one set.
    @inlinable
    public var intValue: Int64? {
        if case .int(let i) = value { return i }
        return nil
    }

    @inlinable
    public var doubleValue: Double? {
        if case .double(let d) = value { return d }
        return nil
    }

    @inlinable
    public var boolValue: Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }
}
