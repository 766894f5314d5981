/// OTLP/JSON to OTLP protobuf, following the specification's JSON mapping:
/// lowerCamelCase keys (snake_case accepted too), trace and span ids as hex,
/// other bytes as base64, enums as integers, 64-bit integers as decimal
/// strings (numbers accepted), unknown keys ignored.
///
/// Fields are written in field-number order with proto3 defaults omitted, as
/// SDK encoders write them.
public enum OTLPJSONDecoder {
    public static func protobuf(fromJSON bytes: UnsafeRawBufferPointer, as schema: MessageSchema) throws(WireError) -> [UInt8] {
        let root = try JSONParser.parse(bytes)
        var writer = ProtoWriter(reservingCapacity: bytes.count / 2)
        try encode(root, as: schema, into: &writer)
        return writer.bytes
    }

    public static func protobuf(fromJSON bytes: [UInt8], as schema: MessageSchema) throws(WireError) -> [UInt8] {
        do {
            return try bytes.withUnsafeBytes { raw in try protobuf(fromJSON: raw, as: schema) }
        } catch let error as WireError {
            throw error
        } catch {
            throw WireError(.invalidJSON("\(error)"), at: 0)
        }
    }

    static func encode(_ node: JSONNode, as schema: MessageSchema, into writer: inout ProtoWriter) throws(WireError) {
        guard case .object(let members) = node.value else {
            throw WireError(.invalidJSON("expected an object for \(schema.name)"), at: node.offset)
        }
        for field in schema.fields {
            // The last member naming this field wins, whichever spelling it used.
            guard let member = members.last(where: { $0.key == field.jsonName || $0.key == field.name })?.node else {
                continue
            }
            do {
                try encode(member, as: field, into: &writer)
            } catch {
                throw error.inside(field.name)
            }
        }
    }

    static func encode(_ node: JSONNode, as field: FieldSchema, into writer: inout ProtoWriter) throws(WireError) {
        if case .null = node.value { return }
        if field.isRepeated {
            guard case .array(let items) = node.value else {
                throw WireError(.invalidJSON("expected an array"), at: node.offset)
            }
            for (index, item) in items.enumerated() {
                do {
                    try encodeSingle(item, as: field, into: &writer, always: true)
                } catch {
                    throw error.inside("[\(index)]")
                }
            }
        } else {
            try encodeSingle(node, as: field, into: &writer, always: field.isOneofMember)
        }
    }

    /// `always`: write even the default value (repeated elements, oneof members).
    static func encodeSingle(
        _ node: JSONNode, as field: FieldSchema, into writer: inout ProtoWriter, always: Bool
    ) throws(WireError) {
        let n = field.number
        switch field.kind {
        case .message(let nested):
            let schema = nested()
            var inner = ProtoWriter()
            try encode(node, as: schema, into: &inner)
            writer.bytesField(n, inner.bytes)
        case .string:
            let s = try string(node)
            if always || !s.isEmpty { writer.stringField(n, s) }
        case .bytes:
            guard let b = Base64Coding.decode(try string(node)) else {
                throw WireError(.invalidJSON("expected base64"), at: node.offset)
            }
            if always || !b.isEmpty { writer.bytesField(n, b) }
        case .id(let length):
            let text = try string(node)
            guard let b = HexCoding.decode(text), b.isEmpty || b.count == length else {
                throw WireError(.invalidJSON("expected \(length * 2) hex digits, found \"\(text.prefix(80))\""), at: node.offset)
            }
            if always || !b.isEmpty { writer.bytesField(n, b) }
        case .bool:
            guard case .bool(let b) = node.value else { throw WireError(.invalidJSON("expected true or false"), at: node.offset) }
            if always || b { writer.varintField(n, 1 & (b ? 1 : 0)) }
        case .int32, .enumeration:
            let v = try integer(node, min: Int64(Int32.min), max: Int64(Int32.max))
            // Negative int32 is sign-extended to 64 bits on the wire.
            if always || v != 0 { writer.varintField(n, UInt64(bitPattern: v)) }
        case .int64:
            let v = try integer(node, min: Int64.min, max: Int64.max)
            if always || v != 0 { writer.varintField(n, UInt64(bitPattern: v)) }
        case .uint32:
            let v = try unsigned(node, max: UInt64(UInt32.max))
            if always || v != 0 { writer.varintField(n, v) }
        case .uint64:
            let v = try unsigned(node, max: UInt64.max)
            if always || v != 0 { writer.varintField(n, v) }
        case .fixed32:
            let v = try unsigned(node, max: UInt64(UInt32.max))
            if always || v != 0 { writer.fixed32Field(n, UInt32(v)) }
        case .fixed64:
            let v = try unsigned(node, max: UInt64.max)
            if always || v != 0 { writer.fixed64Field(n, v) }
        case .double:
            let d = try double(node)
            if always || d.bitPattern != 0 { writer.fixed64Field(n, d.bitPattern) }
        }
    }

    static func string(_ node: JSONNode) throws(WireError) -> String {
        guard case .string(let s) = node.value else { throw WireError(.invalidJSON("expected a string"), at: node.offset) }
        return s
    }

    /// Integer text from a JSON number or a decimal string.
    static func integerText(_ node: JSONNode) throws(WireError) -> String {
        switch node.value {
        case .number(let text): return text
        case .string(let text): return text
        default: throw WireError(.invalidJSON("expected an integer"), at: node.offset)
        }
    }

    static func integer(_ node: JSONNode, min: Int64, max: Int64) throws(WireError) -> Int64 {
        let text = try integerText(node)
        if let v = Int64(text) {
            guard v >= min, v <= max else { throw WireError(.invalidJSON("integer \(text) out of range"), at: node.offset) }
            return v
        }
        // 1e3 or 5.0: allowed when integral and in range.
        guard let d = Double(text), d.rounded() == d, d >= Double(min), d < Double(max) + 1 else {
            throw WireError(.invalidJSON("expected an integer, found \"\(text.prefix(40))\""), at: node.offset)
        }
        return Int64(d)
    }

    static func unsigned(_ node: JSONNode, max: UInt64) throws(WireError) -> UInt64 {
        let text = try integerText(node)
        if let v = UInt64(text) {
            guard v <= max else { throw WireError(.invalidJSON("integer \(text) out of range"), at: node.offset) }
            return v
        }
        guard let d = Double(text), d.rounded() == d, d >= 0, d < Double(max) + 1 else {
            throw WireError(.invalidJSON("expected an unsigned integer, found \"\(text.prefix(40))\""), at: node.offset)
        }
        return UInt64(d)
    }

    static func double(_ node: JSONNode) throws(WireError) -> Double {
        switch node.value {
        case .number(let text):
            if let d = Double(text) { return d }
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string(let text):
            if let d = Double(text), d.isFinite { return d }
        default: break
        }
        throw WireError(.invalidJSON("expected a number"), at: node.offset)
    }
}
