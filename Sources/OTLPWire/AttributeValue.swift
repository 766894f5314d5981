/// A value tokenaudit writes onto a span or log record.
public enum AttributeValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case stringArray([String])
    case bytes([UInt8])
}

extension ProtoWriter {
    /// Writes one `KeyValue` as field `fieldNumber` (9 on a span, 6 on a log record).
    @inlinable
    public mutating func attribute(_ fieldNumber: UInt32, key: String, value: AttributeValue) {
        var key = key
        key.withUTF8 { key in
            // Scalars: every length is known up front, so the pair is written
            // front to back without reserving and patching length prefixes.
            let valueBody: Int
            switch value {
            case .string(let s): valueBody = Self.lengthDelimitedSize(s.utf8.count)
            case .bool: valueBody = 2
            case .int(let i): valueBody = 1 + VarintCoding.encodedSize(UInt64(bitPattern: i))
            case .double: valueBody = 9
            case .stringArray, .bytes:
                message(fieldNumber) { kv in
                    kv.bytesField(1, key)
                    kv.message(2) { $0.anyValue(value) }
                }
                return
            }
            let pair = Self.lengthDelimitedSize(key.count) + Self.lengthDelimitedSize(valueBody)
            tag(fieldNumber, .lengthDelimited)
            varint(UInt64(pair))
            bytesField(1, key)
            tag(2, .lengthDelimited)
            varint(UInt64(valueBody))
            anyValue(value)
        }
    }

    /// Bytes of a length-delimited field with a one-byte tag and a `count`-byte payload.
    @inlinable
    static func lengthDelimitedSize(_ count: Int) -> Int {
        1 + VarintCoding.encodedSize(UInt64(count)) + count
    }

    /// Writes one `KeyValue` whose value is an array of the strings `text`
    /// gives for `items`, without building the array first. Inlinable so that
    /// it is specialised where it is called: run generically, every element
    /// read went through a heap-allocated buffer.
    @inlinable
    public mutating func stringArrayAttribute<C: Collection>(
        _ fieldNumber: UInt32, key: String, _ items: C, text: (C.Element) -> String
    ) {
        message(fieldNumber) { kv in
            kv.stringField(1, key)
            kv.message(2) { value in
                value.message(5) { array in
                    for item in items { array.message(1) { $0.stringField(1, text(item)) } }
                }
            }
        }
    }

    /// Writes the body of an `AnyValue` holding `value`.
    @inlinable
    public mutating func anyValue(_ value: AttributeValue) {
        switch value {
        case .string(let s): stringField(1, s)
        case .bool(let b): varintField(2, b ? 1 : 0)
        case .int(let i): varintField(3, UInt64(bitPattern: i))
        case .double(let d): fixed64Field(4, d.bitPattern)
        case .stringArray(let items):
            message(5) { array in
                for item in items { array.message(1) { $0.stringField(1, item) } }
            }
        case .bytes(let b): bytesField(7, b)
        }
    }
}
