/// OTLP protobuf to OTLP/JSON, as the Collector's file exporter writes it:
/// lowerCamelCase keys, ids as hex, other bytes as base64, enums as integers,
/// 64-bit integers as decimal strings, proto3 defaults omitted.
///
/// Expects a validated buffer (see `OTLPValidator`); on malformed bytes it
/// stops early rather than trapping.
public enum OTLPJSONEncoder {
    public static func json(fromProtobuf bytes: UnsafeRawBufferPointer, as schema: MessageSchema) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        render(bytes, 0..<bytes.count, schema, into: &out)
        return out
    }

    static func render(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ schema: MessageSchema, into out: inout [UInt8]) {
        // One pass to learn which known fields are present (numbers ≤ 63
        // here) and which oneof member came last: protobuf keeps only that
        // one (OTLP messages have at most one oneof, AnyValue's `value`).
        var present: UInt64 = 0
        var lastOneofMember: UInt32?
        var cursor = ProtoCursor(bytes: bytes, range: range)
        while let field = try? cursor.next() {
            if field.number < 64, let known = schema.field(number: field.number), known.wireType == field.wireType {
                present |= 1 << UInt64(field.number)
                if known.isOneofMember { lastOneofMember = field.number }
            }
        }
        out.append(UInt8(ascii: "{"))
        var first = true
        for field in schema.fields where present & (1 << UInt64(field.number)) != 0 {
            if field.isOneofMember, field.number != lastOneofMember { continue }
            if field.isRepeated {
                appendKey(field.jsonName, first: &first, into: &out)
                out.append(UInt8(ascii: "["))
                var firstItem = true
                var items = ProtoCursor(bytes: bytes, range: range)
                while let item = try? items.next() {
                    guard item.number == field.number, item.wireType == field.wireType else { continue }
                    if !firstItem { out.append(UInt8(ascii: ",")) }
                    firstItem = false
                    renderValue(item, field, bytes, into: &out)
                }
                out.append(UInt8(ascii: "]"))
            } else {
                // Singular: the last occurrence wins.
                guard let value = lastOccurrence(of: field, bytes, range) else { continue }
                if !field.isOneofMember, isDefault(value, field) { continue }
                appendKey(field.jsonName, first: &first, into: &out)
                renderValue(value, field, bytes, into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    static func lastOccurrence(of field: FieldSchema, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> WireField? {
        var last: WireField?
        var scan = ProtoCursor(bytes: bytes, range: range)
        while let item = try? scan.next() {
            if item.number == field.number, item.wireType == field.wireType { last = item }
        }
        return last
    }

    static func isDefault(_ value: WireField, _ field: FieldSchema) -> Bool {
        switch field.kind {
        case .message: false
        case .string, .bytes, .id: value.payload.isEmpty
        default: value.value == 0
        }
    }

    static func appendKey(_ key: String, first: inout Bool, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: key.utf8)
        out.append(contentsOf: "\":".utf8)
    }

    static func renderValue(_ value: WireField, _ field: FieldSchema, _ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        switch field.kind {
        case .message(let nested):
            render(bytes, value.payload, nested(), into: &out)
        case .string:
            appendString(UnsafeRawBufferPointer(rebasing: bytes[value.payload]), into: &out)
        case .bytes:
            out.append(UInt8(ascii: "\""))
            Base64Coding.encode(UnsafeRawBufferPointer(rebasing: bytes[value.payload]), into: &out)
            out.append(UInt8(ascii: "\""))
        case .id:
            out.append(UInt8(ascii: "\""))
            HexCoding.encode(UnsafeRawBufferPointer(rebasing: bytes[value.payload]), into: &out)
            out.append(UInt8(ascii: "\""))
        case .bool:
            out.append(contentsOf: (value.value != 0 ? "true" : "false").utf8)
        case .int32, .enumeration:
            out.append(contentsOf: String(Int32(truncatingIfNeeded: value.value)).utf8)
        case .uint32, .fixed32:
            out.append(contentsOf: String(UInt32(truncatingIfNeeded: value.value)).utf8)
        case .int64:
            out.append(contentsOf: "\"\(Int64(bitPattern: value.value))\"".utf8)
        case .uint64, .fixed64:
            out.append(contentsOf: "\"\(value.value)\"".utf8)
        case .double:
            let d = Double(bitPattern: value.value)
            if d.isNaN {
                out.append(contentsOf: "\"NaN\"".utf8)
            } else if d.isInfinite {
                out.append(contentsOf: (d > 0 ? "\"Infinity\"" : "\"-Infinity\"").utf8)
            } else {
                out.append(contentsOf: d.description.utf8)
            }
        }
    }

    /// A JSON string literal; bytes ≥ 0x80 are copied as is (the buffer was
    /// validated as UTF-8).
    static func appendString(_ s: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                HexCoding.encode(CollectionOfOne(byte), into: &out)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
