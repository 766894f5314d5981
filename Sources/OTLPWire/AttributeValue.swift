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
    public mutating func attribute(_ fieldNumber: UInt32, key: String, value: AttributeValue) {
        message(fieldNumber) { kv in
            kv.stringField(1, key)
            kv.message(2) { $0.anyValue(value) }
        }
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
