import OTLPWire

/// A plain-value model of OTLP requests for tests: it encodes itself with
/// `ProtoWriter` in field-number order (optionally sprinkling unknown fields),
/// so the same model can be encoded with or without extra attributes and the
/// two results compared through libprotobuf-c.
indirect enum AnyModel {
    case string(String), bool(Bool), int(Int64), double(Double)
    case array([AnyModel]), kvlist([KeyValueModel]), bytes([UInt8])
    case empty

    func encode(_ w: inout ProtoWriter) {
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

struct KeyValueModel {
    var key: String
    var value: AnyModel?

    func encode(_ w: inout ProtoWriter) {
        if !key.isEmpty { w.stringField(1, key) }
        if let value { w.message(2) { value.encode(&$0) } }
    }
}

func encodeAttributes(_ attributes: [KeyValueModel], field: UInt32, _ w: inout ProtoWriter) {
    for kv in attributes { w.message(field) { kv.encode(&$0) } }
}

/// Unknown fields that both decoders must skip.
struct UnknownFields {
    var enabled: Bool
    func write(_ w: inout ProtoWriter, seed: Int) {
        guard enabled else { return }
        switch seed % 3 {
        case 0: w.varintField(900 + UInt32(seed % 50), UInt64(seed) * 1_000_003)
        case 1: w.bytesField(1000 + UInt32(seed % 7), Array("unknown-\(seed)".utf8))
        default: w.fixed32Field(77, UInt32(truncatingIfNeeded: seed))
        }
    }
}

struct ResourceModel {
    var attributes: [KeyValueModel] = []
    var dropped: UInt32 = 0
    func encode(_ w: inout ProtoWriter) {
        encodeAttributes(attributes, field: 1, &w)
        if dropped != 0 { w.varintField(2, UInt64(dropped)) }
    }
}

struct ScopeModel {
    var name = "", version = ""
    var attributes: [KeyValueModel] = []
    func encode(_ w: inout ProtoWriter) {
        if !name.isEmpty { w.stringField(1, name) }
        if !version.isEmpty { w.stringField(2, version) }
        encodeAttributes(attributes, field: 3, &w)
    }
}

struct EventModel {
    var time: UInt64 = 0
    var name = ""
    var attributes: [KeyValueModel] = []
    func encode(_ w: inout ProtoWriter) {
        if time != 0 { w.fixed64Field(1, time) }
        if !name.isEmpty { w.stringField(2, name) }
        encodeAttributes(attributes, field: 3, &w)
    }
}

struct LinkModel {
    var traceID: [UInt8] = [], spanID: [UInt8] = []
    var traceState = ""
    var attributes: [KeyValueModel] = []
    var flags: UInt32 = 0
    func encode(_ w: inout ProtoWriter) {
        if !traceID.isEmpty { w.bytesField(1, traceID) }
        if !spanID.isEmpty { w.bytesField(2, spanID) }
        if !traceState.isEmpty { w.stringField(3, traceState) }
        encodeAttributes(attributes, field: 4, &w)
        if flags != 0 { w.fixed32Field(6, flags) }
    }
}

struct SpanModel {
    var traceID: [UInt8] = [], spanID: [UInt8] = [], parentSpanID: [UInt8] = []
    var traceState = "", name = ""
    var kind: UInt32 = 0
    var start: UInt64 = 0, end: UInt64 = 0
    var attributes: [KeyValueModel] = []
    var droppedAttributes: UInt32 = 0
    var events: [EventModel] = []
    var links: [LinkModel] = []
    var status: (message: String, code: UInt32)?
    var flags: UInt32 = 0

    func encode(_ w: inout ProtoWriter, unknown: UnknownFields) {
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

struct ScopeSpansModel {
    var scope: ScopeModel?
    var spans: [SpanModel] = []
    var schemaURL = ""
}

struct ResourceSpansModel {
    var resource: ResourceModel?
    var scopeSpans: [ScopeSpansModel] = []
    var schemaURL = ""
}

struct TracesModel {
    var resourceSpans: [ResourceSpansModel] = []

    func encode(unknownFields: Bool = false) -> [UInt8] {
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

struct LogRecordModel {
    var time: UInt64 = 0, observed: UInt64 = 0
    var severity: UInt32 = 0
    var severityText = ""
    var body: AnyModel?
    var attributes: [KeyValueModel] = []
    var flags: UInt32 = 0
    var traceID: [UInt8] = [], spanID: [UInt8] = []
    var eventName = ""

    func encode(_ w: inout ProtoWriter) {
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

struct LogsModel {
    var resourceLogs: [(resource: ResourceModel?, scopes: [(scope: ScopeModel?, records: [LogRecordModel])])] = []

    func encode() -> [UInt8] {
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
