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
        switch value {
        case .stringArray(let items):
            stringArrayAttribute(fieldNumber, key: key, items) { $0 }
            return
        case .bytes:
            message(fieldNumber) { kv in
                kv.stringField(1, key)
                kv.message(2) { $0.anyValue(value) }
            }
            return
        case .string, .bool, .int, .double:
            break
        }
        key.withBorrowedUTF8 { scalarAttribute(fieldNumber, key: $0, value: value) }
    }

    /// A `KeyValue` with a string, bool, int or double value.
    @inlinable
    mutating func scalarAttribute(_ fieldNumber: UInt32, key: UnsafeRawBufferPointer, value: AttributeValue) {
        // Scalars: every length is known up front, so the pair is sized,
        // then written front to back in one go.
        let valueBody: Int
        switch value {
        case .string(let s): valueBody = Self.lengthDelimitedSize(1, s.utf8.count)
        case .bool(let b): valueBody = 1 + VarintCoding.encodedSize(b ? 1 : 0)
        case .int(let i): valueBody = 1 + VarintCoding.encodedSize(UInt64(bitPattern: i))
        case .double: valueBody = 9
        case .stringArray, .bytes: return
        }
        let pair = Self.lengthDelimitedSize(1, key.count) + Self.lengthDelimitedSize(2, valueBody)
        appendField(size: Self.lengthDelimitedSize(fieldNumber, pair)) { field in
            field.lengthPrefix(fieldNumber, pair)
            field.bytesField(1, key)
            field.lengthPrefix(2, valueBody)
            switch value {
            case .string(let s): field.stringField(1, s)
            case .bool(let b):
                field.tag(2, .varint)
                field.varint(b ? 1 : 0)
            case .int(let i):
                field.tag(3, .varint)
                field.varint(UInt64(bitPattern: i))
            case .double(let d):
                field.tag(4, .fixed64)
                field.fixed64(d.bitPattern)
            case .stringArray, .bytes: break
            }
        }
    }

    /// Writes one `KeyValue` whose value is an array of the strings `text`
    /// gives for `items`, without building the array first: sized in one
    /// pass over the items, written in a second (`text` is called twice per
    /// item). Inlinable so that it is specialised where it is called: run
    /// generically, every element read went through a heap-allocated buffer.
    @inlinable
    public mutating func stringArrayAttribute<C: Collection>(
        _ fieldNumber: UInt32, key: String, _ items: C, text: (C.Element) -> String
    ) {
        // KeyValue { key = 1; value = 2: AnyValue { array_value = 5: ArrayValue { values = 1: AnyValue { string_value = 1 } } } }
        func element(_ count: Int) -> Int { Self.lengthDelimitedSize(1, Self.lengthDelimitedSize(1, count)) }
        var arrayBody = 0
        for item in items { arrayBody += element(text(item).utf8.count) }
        let anyValue = Self.lengthDelimitedSize(5, arrayBody)
        let pair = Self.lengthDelimitedSize(1, key.utf8.count) + Self.lengthDelimitedSize(2, anyValue)
        appendField(size: Self.lengthDelimitedSize(fieldNumber, pair)) { field in
            field.lengthPrefix(fieldNumber, pair)
            field.stringField(1, key)
            field.lengthPrefix(2, anyValue)
            field.lengthPrefix(5, arrayBody)
            for item in items {
                let string = text(item)
                field.lengthPrefix(1, Self.lengthDelimitedSize(1, string.utf8.count))
                field.stringField(1, string)
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
