import Synchronization

/// The OTLP messages tokenaudit speaks, as data: field numbers, names and
/// kinds exactly as in proto/. One table drives the validator, the
/// OTLP/JSON reader and the OTLP/JSON writer, so the three cannot disagree.
///
/// `@unchecked Sendable`: besides immutable tables it holds `resolved`, a
/// buffer of atomics written once each (see `nestedSchema(at:)`).
public final class MessageSchema: @unchecked Sendable {
    public let name: String
    /// Fields in ascending field-number order.
    public let fields: [FieldSchema]
    private let byNumber: [Int]  // field number -> index into `fields`, -1 when unknown
    /// What the validator checks, by field number: plain values only, so
    /// the hot loop copies no strings or closures (a `FieldSchema` holds both).
    let rules: [ValidationRule]
    /// The schema of each message field, by index into `fields`.
    let nested: [(@Sendable () -> MessageSchema)?]
    /// `nested`, resolved on first use, as unretained references: every
    /// schema a field names is a `static let` of `OTLPSchema` and lives as
    /// long as the process, so the validator can walk the tree without
    /// reference counting. (Resolved lazily because the tree is recursive:
    /// `AnyValue` and `KeyValue` name each other.)
    private let resolved: UnsafeMutablePointer<Atomic<UInt>>
    /// `KeyValue`: the validator tries `KeyValueShortcut` before walking it.
    let isKeyValue: Bool

    init(_ name: String, _ fields: [FieldSchema]) {
        self.name = name
        isKeyValue = name == "KeyValue"
        self.fields = fields.sorted { $0.number < $1.number }
        let highest = Int(fields.map(\.number).max() ?? 0)
        var table = [Int](repeating: -1, count: highest + 1)
        var rules = [ValidationRule](repeating: ValidationRule(), count: highest + 1)
        var nested: [(@Sendable () -> MessageSchema)?] = []
        for (index, field) in self.fields.enumerated() {
            table[Int(field.number)] = index
            rules[Int(field.number)] = ValidationRule(field, index: index)
            if case .message(let schema) = field.kind { nested.append(schema) } else { nested.append(nil) }
        }
        byNumber = table
        self.rules = rules
        self.nested = nested
        resolved = .allocate(capacity: max(1, nested.count))
        for index in 0..<max(1, nested.count) { (resolved + index).initialize(to: Atomic(0)) }
    }

    deinit {
        resolved.deinitialize(count: max(1, nested.count))
        resolved.deallocate()
    }

    /// The schema of the message field at `index` (into `fields`), nil for
    /// other fields. Safe from any thread: racing first uses store the same
    /// reference.
    @inline(__always)
    func nestedSchema(at index: Int) -> Unmanaged<MessageSchema>? {
        let bits = resolved[index].load(ordering: .acquiring)
        if let known = UnsafeRawPointer(bitPattern: bits) { return Unmanaged.fromOpaque(known) }
        guard let make = nested[index] else { return nil }
        let schema = Unmanaged.passUnretained(make())
        resolved[index].store(UInt(bitPattern: schema.toOpaque()), ordering: .releasing)
        return schema
    }

    public func field(number: UInt32) -> FieldSchema? {
        let n = Int(number)
        guard n < byNumber.count else { return nil }
        let index = byNumber[n]
        return index >= 0 ? fields[index] : nil
    }

    /// The field an OTLP/JSON key names: lowerCamelCase, or the proto
    /// snake_case name (accepted as the Collector accepts it).
    public func field(jsonKey: String) -> FieldSchema? {
        fields.first { $0.jsonName == jsonKey || $0.name == jsonKey }
    }
}

/// One field's validation, as plain values (see `MessageSchema.rules`).
struct ValidationRule: Sendable {
    enum Check: UInt8, Sendable {
        case unknown, plain, string, id, message
    }

    var check = Check.unknown
    var wireType = WireType.varint
    var idLength = 0
    var singularMessage = false
    /// Index into the schema's `fields` (and `nested`).
    var fieldIndex = 0

    init() {}

    init(_ field: FieldSchema, index: Int) {
        wireType = field.wireType
        fieldIndex = index
        singularMessage = field.isSingularMessage
        switch field.kind {
        case .string: check = .string
        case .id(let length):
            check = .id
            idLength = length
        case .message: check = .message
        default: check = .plain
        }
    }
}

public struct FieldSchema: Sendable {
    public enum Kind: Sendable {
        case string
        /// Bytes that OTLP/JSON writes as base64.
        case bytes
        /// A trace id (16) or span id (8): OTLP/JSON writes these as hex.
        case id(length: Int)
        case bool
        case int32, int64, uint32, uint64
        case fixed32, fixed64
        case double
        /// Written as an integer in OTLP/JSON.
        case enumeration
        case message(@Sendable () -> MessageSchema)
    }

    public let number: UInt32
    /// The proto (snake_case) name.
    public let name: String
    /// The OTLP/JSON (lowerCamelCase) name.
    public let jsonName: String
    public let kind: Kind
    public let isRepeated: Bool
    /// A member of a oneof: present even when it holds the default value.
    public let isOneofMember: Bool

    /// A message field that is not repeated: the validator allows it once.
    var isSingularMessage: Bool {
        if isRepeated { return false }
        if case .message = kind { return true }
        return false
    }

    init(_ number: UInt32, _ name: String, _ kind: Kind, repeated: Bool = false, oneof: Bool = false) {
        self.number = number
        self.name = name
        self.jsonName = FieldSchema.lowerCamel(name)
        self.kind = kind
        self.isRepeated = repeated
        self.isOneofMember = oneof
    }

    public var wireType: WireType {
        switch kind {
        case .string, .bytes, .id, .message: .lengthDelimited
        case .bool, .int32, .int64, .uint32, .uint64, .enumeration: .varint
        case .fixed32: .fixed32
        case .fixed64, .double: .fixed64
        }
    }

    static func lowerCamel(_ snake: String) -> String {
        var out = ""
        var upperNext = false
        for ch in snake {
            if ch == "_" {
                upperNext = true
            } else if upperNext {
                out += ch.uppercased()
                upperNext = false
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

/// The schemas of OTLP v1 (see proto/ for the commented definitions).
public enum OTLPSchema {
    public static let anyValue: MessageSchema = MessageSchema("AnyValue", [
        FieldSchema(1, "string_value", .string, oneof: true),
        FieldSchema(2, "bool_value", .bool, oneof: true),
        FieldSchema(3, "int_value", .int64, oneof: true),
        FieldSchema(4, "double_value", .double, oneof: true),
        FieldSchema(5, "array_value", .message { arrayValue }, oneof: true),
        FieldSchema(6, "kvlist_value", .message { keyValueList }, oneof: true),
        FieldSchema(7, "bytes_value", .bytes, oneof: true),
    ])
    public static let arrayValue: MessageSchema = MessageSchema("ArrayValue", [
        FieldSchema(1, "values", .message { anyValue }, repeated: true),
    ])
    public static let keyValueList: MessageSchema = MessageSchema("KeyValueList", [
        FieldSchema(1, "values", .message { keyValue }, repeated: true),
    ])
    public static let keyValue: MessageSchema = MessageSchema("KeyValue", [
        FieldSchema(1, "key", .string),
        FieldSchema(2, "value", .message { anyValue }),
    ])
    public static let instrumentationScope: MessageSchema = MessageSchema("InstrumentationScope", [
        FieldSchema(1, "name", .string),
        FieldSchema(2, "version", .string),
        FieldSchema(3, "attributes", .message { keyValue }, repeated: true),
        FieldSchema(4, "dropped_attributes_count", .uint32),
    ])
    public static let entityRef: MessageSchema = MessageSchema("EntityRef", [
        FieldSchema(1, "schema_url", .string),
        FieldSchema(2, "type", .string),
        FieldSchema(3, "id_keys", .string, repeated: true),
        FieldSchema(4, "description_keys", .string, repeated: true),
    ])
    public static let resource: MessageSchema = MessageSchema("Resource", [
        FieldSchema(1, "attributes", .message { keyValue }, repeated: true),
        FieldSchema(2, "dropped_attributes_count", .uint32),
        FieldSchema(3, "entity_refs", .message { entityRef }, repeated: true),
    ])

    // MARK: traces

    public static let exportTraceRequest: MessageSchema = MessageSchema("ExportTraceServiceRequest", [
        FieldSchema(1, "resource_spans", .message { resourceSpans }, repeated: true),
    ])
    public static let resourceSpans: MessageSchema = MessageSchema("ResourceSpans", [
        FieldSchema(1, "resource", .message { resource }),
        FieldSchema(2, "scope_spans", .message { scopeSpans }, repeated: true),
        FieldSchema(3, "schema_url", .string),
    ])
    public static let scopeSpans: MessageSchema = MessageSchema("ScopeSpans", [
        FieldSchema(1, "scope", .message { instrumentationScope }),
        FieldSchema(2, "spans", .message { span }, repeated: true),
        FieldSchema(3, "schema_url", .string),
    ])
    public static let span: MessageSchema = MessageSchema("Span", [
        FieldSchema(1, "trace_id", .id(length: 16)),
        FieldSchema(2, "span_id", .id(length: 8)),
        FieldSchema(3, "trace_state", .string),
        FieldSchema(4, "parent_span_id", .id(length: 8)),
        FieldSchema(5, "name", .string),
        FieldSchema(6, "kind", .enumeration),
        FieldSchema(7, "start_time_unix_nano", .fixed64),
        FieldSchema(8, "end_time_unix_nano", .fixed64),
        FieldSchema(9, "attributes", .message { keyValue }, repeated: true),
        FieldSchema(10, "dropped_attributes_count", .uint32),
        FieldSchema(11, "events", .message { spanEvent }, repeated: true),
        FieldSchema(12, "dropped_events_count", .uint32),
        FieldSchema(13, "links", .message { spanLink }, repeated: true),
        FieldSchema(14, "dropped_links_count", .uint32),
        FieldSchema(15, "status", .message { status }),
        FieldSchema(16, "flags", .fixed32),
    ])
    public static let spanEvent: MessageSchema = MessageSchema("Span.Event", [
        FieldSchema(1, "time_unix_nano", .fixed64),
        FieldSchema(2, "name", .string),
        FieldSchema(3, "attributes", .message { keyValue }, repeated: true),
        FieldSchema(4, "dropped_attributes_count", .uint32),
    ])
    public static let spanLink: MessageSchema = MessageSchema("Span.Link", [
        FieldSchema(1, "trace_id", .id(length: 16)),
        FieldSchema(2, "span_id", .id(length: 8)),
        FieldSchema(3, "trace_state", .string),
        FieldSchema(4, "attributes", .message { keyValue }, repeated: true),
        FieldSchema(5, "dropped_attributes_count", .uint32),
        FieldSchema(6, "flags", .fixed32),
    ])
    public static let status: MessageSchema = MessageSchema("Status", [
        FieldSchema(2, "message", .string),
        FieldSchema(3, "code", .enumeration),
    ])
    public static let exportTraceResponse: MessageSchema = MessageSchema("ExportTraceServiceResponse", [
        FieldSchema(1, "partial_success", .message { exportTracePartialSuccess }),
    ])
    public static let exportTracePartialSuccess: MessageSchema = MessageSchema("ExportTracePartialSuccess", [
        FieldSchema(1, "rejected_spans", .int64),
        FieldSchema(2, "error_message", .string),
    ])

    // MARK: logs

    public static let exportLogsRequest: MessageSchema = MessageSchema("ExportLogsServiceRequest", [
        FieldSchema(1, "resource_logs", .message { resourceLogs }, repeated: true),
    ])
    public static let resourceLogs: MessageSchema = MessageSchema("ResourceLogs", [
        FieldSchema(1, "resource", .message { resource }),
        FieldSchema(2, "scope_logs", .message { scopeLogs }, repeated: true),
        FieldSchema(3, "schema_url", .string),
    ])
    public static let scopeLogs: MessageSchema = MessageSchema("ScopeLogs", [
        FieldSchema(1, "scope", .message { instrumentationScope }),
        FieldSchema(2, "log_records", .message { logRecord }, repeated: true),
        FieldSchema(3, "schema_url", .string),
    ])
    public static let logRecord: MessageSchema = MessageSchema("LogRecord", [
        FieldSchema(1, "time_unix_nano", .fixed64),
        FieldSchema(2, "severity_number", .enumeration),
        FieldSchema(3, "severity_text", .string),
        FieldSchema(5, "body", .message { anyValue }),
        FieldSchema(6, "attributes", .message { keyValue }, repeated: true),
        FieldSchema(7, "dropped_attributes_count", .uint32),
        FieldSchema(8, "flags", .fixed32),
        FieldSchema(9, "trace_id", .id(length: 16)),
        FieldSchema(10, "span_id", .id(length: 8)),
        FieldSchema(11, "observed_time_unix_nano", .fixed64),
        FieldSchema(12, "event_name", .string),
    ])
    public static let exportLogsResponse: MessageSchema = MessageSchema("ExportLogsServiceResponse", [
        FieldSchema(1, "partial_success", .message { exportLogsPartialSuccess }),
    ])
    public static let exportLogsPartialSuccess: MessageSchema = MessageSchema("ExportLogsPartialSuccess", [
        FieldSchema(1, "rejected_log_records", .int64),
        FieldSchema(2, "error_message", .string),
    ])

    // MARK: errors

    public static let rpcStatus: MessageSchema = MessageSchema("google.rpc.Status", [
        FieldSchema(1, "code", .int32),
        FieldSchema(2, "message", .string),
        FieldSchema(3, "details", .message { rpcAny }, repeated: true),
    ])
    public static let rpcAny: MessageSchema = MessageSchema("google.protobuf.Any", [
        FieldSchema(1, "type_url", .string),
        FieldSchema(2, "value", .bytes),
    ])
}
