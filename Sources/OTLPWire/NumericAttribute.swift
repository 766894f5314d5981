/// An int- or double-valued attribute written on many records under one
/// key (`tokenaudit.tokens.input`, `tokenaudit.score`, ...): the tag and
/// the key's field are encoded once, so a write sizes and encodes only the
/// value, with no `AttributeValue` to switch over and no key to measure.
///
/// Invariant: the field number and key are small enough (checked at
/// `init`) that every length of the pair fits in one byte.
public struct NumericAttribute: Sendable {
    @usableFromInline let tag: UInt8
    /// `KeyValue.key`: tag, length, UTF-8.
    @usableFromInline let keyField: [UInt8]

    /// `fieldNumber` below 16, `key` at most 100 bytes (a programming
    /// error otherwise: these are constants of the caller's).
    public init(_ fieldNumber: UInt32, key: String) {
        precondition(fieldNumber > 0 && fieldNumber < 16, "a one-byte tag")
        precondition(key.utf8.count <= 100, "one-byte lengths throughout the pair")
        tag = UInt8(VarintCoding.tag(fieldNumber, .lengthDelimited))
        keyField = [0x0A, UInt8(key.utf8.count)] + Array(key.utf8)
    }
}

extension ProtoWriter {
    /// The same bytes as `attribute(fieldNumber, key: key, value: .int(value))`.
    @inlinable
    public mutating func append(_ attribute: NumericAttribute, int value: Int64) {
        let bits = UInt64(bitPattern: value)
        append(attribute, valueBody: 1 + VarintCoding.encodedSize(bits)) { field in
            field.tag(3, .varint)
            field.varint(bits)
        }
    }

    /// The same bytes as `attribute(fieldNumber, key: key, value: .double(value))`.
    @inlinable
    public mutating func append(_ attribute: NumericAttribute, double value: Double) {
        append(attribute, valueBody: 9) { field in
            field.tag(4, .fixed64)
            field.fixed64(value.bitPattern)
        }
    }

    /// `KeyValue { key, value: AnyValue { <valueBody bytes> } }`; a value
    /// body is at most 11 bytes, so with the key's 102 the pair stays
    /// below 128 and every length takes one byte.
    @inlinable
    mutating func append(_ attribute: NumericAttribute, valueBody: Int, _ writeValue: (inout FieldCursor) -> Void) {
        let pair = attribute.keyField.count + 2 + valueBody
        appendField(size: 2 + pair) { field in
            field.varint(UInt64(attribute.tag))
            field.varint(UInt64(pair))
            attribute.keyField.withUnsafeBytes { field.raw($0) }
            field.lengthPrefix(2, valueBody)
            writeValue(&field)
        }
    }
}
