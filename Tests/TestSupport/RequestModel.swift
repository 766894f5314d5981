public import OTLPWire

/// A plain-value model of OTLP requests for tests: it encodes itself with
/// `ProtoWriter` in field-number order (optionally sprinkling unknown fields),
/// so the same model can be encoded with or without extra attributes and the
/// two results compared through libprotobuf-c.
public indirect enum AnyModel {
    case string(String), bool(Bool), int(Int64), double(Double)
    case array([AnyModel]), kvlist([KeyValueModel]), bytes([UInt8])
    case empty

    public func encode(_ w: inout ProtoWriter) {
        switch self {
        case .string(let s): w.stringField(1, s)
        case .bool(let b): w.varintField(2, b ? 1 : 0)
        case .int(let i): w.varintField(3, UInt64(bitPattern: i))
        case .double(let d): w.fixed64Field(4, d.bitPattern)
        case .array(let items): w.message(5) { a in for item in items { a.message(1) { item.encode(&$0) } } }
        case .kvlist(let pairs): w.message(6) { l in for pair in pairs { l.message(1) { pair.encode(&$0) } } }
        case .bytes(let b): w.bytesField(7, b)
        case .empty: break
        }
    }
}

public struct KeyValueModel {
    public var key: String
    public var value: AnyModel?

    public init(key: String, value: AnyModel?) {
        self.key = key
        self.value = value
    }

    public func encode(_ w: inout ProtoWriter) {
        if !key.isEmpty { w.stringField(1, key) }
        if let value { w.message(2) { value.encode(&$0) } }
    }
}

func encodeAttributes(_ attributes: [KeyValueModel], field: UInt32, _ w: inout ProtoWriter) {
    for kv in attributes { w.message(field) { kv.encode(&$0) } }
}

/// Unknown fields that both decoders must skip.
public struct UnknownFields {
    public var enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }
    public func write(_ w: inout ProtoWriter, seed: Int) {
        guard enabled else { return }
        switch seed % 3 {
        case 0: w.varintField(900 + UInt32(seed % 50), UInt64(seed) * 1_000_003)
        case 1: w.bytesField(1000 + UInt32(seed % 7), Array("unknown-\(seed)".utf8))
        default: w.fixed32Field(77, UInt32(truncatingIfNeeded: seed))
        }
    }
}

public struct ResourceModel {
    public var attributes: [KeyValueModel] = []
    public var dropped: UInt32 = 0

    public init(attributes: [KeyValueModel] = [], dropped: UInt32 = 0) {
        self.attributes = attributes
        self.dropped = dropped
    }
    public func encode(_ w: inout ProtoWriter) {
        encodeAttributes(attributes, field: 1, &w)
        if dropped != 0 { w.varintField(2, UInt64(dropped)) }
    }
}

public struct ScopeModel {
    public var name = "", version = ""
    public var attributes: [KeyValueModel] = []

    public init(name: String = "", version: String = "", attributes: [KeyValueModel] = []) {
        self.name = name
        self.version = version
        self.attributes = attributes
    }
    public func encode(_ w: inout ProtoWriter) {
        if !name.isEmpty { w.stringField(1, name) }
        if !version.isEmpty { w.stringField(2, version) }
        encodeAttributes(attributes, field: 3, &w)
    }
}

public struct EventModel {
    public var time: UInt64 = 0
    public var name = ""
    public var attributes: [KeyValueModel] = []

    public init(time: UInt64 = 0, name: String = "", attributes: [KeyValueModel] = []) {
        self.time = time
        self.name = name
        self.attributes = attributes
    }
    public func encode(_ w: inout ProtoWriter) {
        if time != 0 { w.fixed64Field(1, time) }
        if !name.isEmpty { w.stringField(2, name) }
        encodeAttributes(attributes, field: 3, &w)
    }
}

public struct LinkModel {
    public var traceID: [UInt8] = [], spanID: [UInt8] = []
    public var traceState = ""
    public var attributes: [KeyValueModel] = []
    public var flags: UInt32 = 0

    public init(traceID: [UInt8] = [], spanID: [UInt8] = [], traceState: String = "", attributes: [KeyValueModel] = [], flags: UInt32 = 0) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.attributes = attributes
        self.flags = flags
    }
    public func encode(_ w: inout ProtoWriter) {
        if !traceID.isEmpty { w.bytesField(1, traceID) }
        if !spanID.isEmpty { w.bytesField(2, spanID) }
        if !traceState.isEmpty { w.stringField(3, traceState) }
        encodeAttributes(attributes, field: 4, &w)
        if flags != 0 { w.fixed32Field(6, flags) }
    }
}

public struct SpanModel {
    public var traceID: [UInt8] = [], spanID: [UInt8] = [], parentSpanID: [UInt8] = []
    public var traceState = "", name = ""
    public var kind: UInt32 = 0
    public var start: UInt64 = 0, end: UInt64 = 0
    public var attributes: [KeyValueModel] = []
    public var droppedAttributes: UInt32 = 0
    public var events: [EventModel] = []
    public var links: [LinkModel] = []
    public var status: (message: String, code: UInt32)?
    public var flags: UInt32 = 0

    public init() {}

    public func encode(_ w: inout ProtoWriter, unknown: UnknownFields) {
        if !traceID.isEmpty { w.bytesField(1, traceID) }
        if !spanID.isEmpty { w.bytesField(2, spanID) }
        unknown.write(&w, seed: Int(start % 1000))
        if !traceState.isEmpty { w.stringField(3, traceState) }
        if !parentSpanID.isEmpty { w.bytesField(4, parentSpanID) }
        if !name.isEmpty { w.stringField(5, name) }
        if kind != 0 { w.varintField(6, UInt64(kind)) }
        if start != 0 { w.fixed64Field(7, start) }
        if end != 0 { w.fixed64Field(8, end) }
        encodeAttributes(attributes, field: 9, &w)
        if droppedAttributes != 0 { w.varintField(10, UInt64(droppedAttributes)) }
        for event in events { w.message(11) { event.encode(&$0) } }
        for link in links { w.message(13) { link.encode(&$0) } }
        if let status {
            w.message(15) { s in
                if !status.message.isEmpty { s.stringField(2, status.message) }
                if status.code != 0 { s.varintField(3, UInt64(status.code)) }
            }
        }
        if flags != 0 { w.fixed32Field(16, flags) }
    }
}

public struct ScopeSpansModel {
    public var scope: ScopeModel?
    public var spans: [SpanModel] = []
    public var schemaURL = ""

    public init(scope: ScopeModel? = nil, spans: [SpanModel] = [], schemaURL: String = "") {
        self.scope = scope
        self.spans = spans
        self.schemaURL = schemaURL
    }
}

public struct ResourceSpansModel {
    public var resource: ResourceModel?
    public var scopeSpans: [ScopeSpansModel] = []
    public var schemaURL = ""

    public init(resource: ResourceModel? = nil, scopeSpans: [ScopeSpansModel] = [], schemaURL: String = "") {
        self.resource = resource
        self.scopeSpans = scopeSpans
        self.schemaURL = schemaURL
    }
}

public struct TracesModel {
    public var resourceSpans: [ResourceSpansModel] = []

    public init(resourceSpans: [ResourceSpansModel] = []) {
        self.resourceSpans = resourceSpans
    }

    public func encode(unknownFields: Bool = false) -> [UInt8] {
        let unknown = UnknownFields(enabled: unknownFields)
        var w = ProtoWriter()
        for rs in resourceSpans {
            w.message(1) { r in
                if let resource = rs.resource { r.message(1) { resource.encode(&$0) } }
                for ss in rs.scopeSpans {
                    r.message(2) { s in
                        if let scope = ss.scope { s.message(1) { scope.encode(&$0) } }
                        for span in ss.spans { s.message(2) { span.encode(&$0, unknown: unknown) } }
                        if !ss.schemaURL.isEmpty { s.stringField(3, ss.schemaURL) }
                    }
                }
                if !rs.schemaURL.isEmpty { r.stringField(3, rs.schemaURL) }
            }
        }
        return w.bytes
    }
}

public struct LogRecordModel {
    public var time: UInt64 = 0, observed: UInt64 = 0
    public var severity: UInt32 = 0
    public var severityText = ""
    public var body: AnyModel?
    public var attributes: [KeyValueModel] = []
    public var flags: UInt32 = 0
    public var traceID: [UInt8] = [], spanID: [UInt8] = []
    public var eventName = ""

    public init(time: UInt64 = 0, observed: UInt64 = 0, severity: UInt32 = 0, severityText: String = "", body: AnyModel? = nil,
                attributes: [KeyValueModel] = [], flags: UInt32 = 0, traceID: [UInt8] = [], spanID: [UInt8] = [], eventName: String = "") {
        self.time = time
        self.observed = observed
        self.severity = severity
        self.severityText = severityText
        self.body = body
        self.attributes = attributes
        self.flags = flags
        self.traceID = traceID
        self.spanID = spanID
        self.eventName = eventName
    }

    public func encode(_ w: inout ProtoWriter) {
        if time != 0 { w.fixed64Field(1, time) }
        if severity != 0 { w.varintField(2, UInt64(severity)) }
        if !severityText.isEmpty { w.stringField(3, severityText) }
        if let body { w.message(5) { body.encode(&$0) } }
        encodeAttributes(attributes, field: 6, &w)
        if flags != 0 { w.fixed32Field(8, flags) }
        if !traceID.isEmpty { w.bytesField(9, traceID) }
        if !spanID.isEmpty { w.bytesField(10, spanID) }
        if observed != 0 { w.fixed64Field(11, observed) }
        if !eventName.isEmpty { w.stringField(12, eventName) }
    }
}

public struct LogsModel {
    public var resourceLogs: [(resource: ResourceModel?, scopes: [(scope: ScopeModel?, records: [LogRecordModel])])] = []

    public init() {}

    public func encode() -> [UInt8] {
        var w = ProtoWriter()
        for rl in resourceLogs {
            w.message(1) { r in
                if let resource = rl.resource { r.message(1) { resource.encode(&$0) } }
                for sl in rl.scopes {
                    r.message(2) { s in
                        if let scope = sl.scope { s.message(1) { scope.encode(&$0) } }
                        for record in sl.records { s.message(2) { record.encode(&$0) } }
                    }
                }
            }
        }
        return w.bytes
    }
}
