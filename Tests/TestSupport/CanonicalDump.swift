import CProtobufReference
import OTLPWire

/// Renders a request through OTLPWire's typed views in exactly the canonical
/// form `ta_ref_dump` produces from libprotobuf-c (see CProtobufReference.h),
/// so that the two decoders' views can be compared line for line.
public struct CanonicalDump {
    private(set) var text = ""
    private var depth = 0

    public static func traces(_ bytes: UnsafeRawBufferPointer) -> String {
        dump(ExportTraceRequestView(bytes: bytes), ("resource_spans", "scope_spans", "spans")) { $0.span($1) }
    }

    public static func logs(_ bytes: UnsafeRawBufferPointer) -> String {
        dump(ExportLogsRequestView(bytes: bytes), ("resource_logs", "scope_logs", "log_records")) { $0.logRecord($1) }
    }

    /// Both signals share the resource → scope → record shape; only the
    /// field names and the record differ.
    static func dump<Record>(
        _ request: ExportRequestView<Record>, _ names: (resources: String, scopes: String, records: String),
        record: (inout CanonicalDump, Record) -> Void
    ) -> String {
        var d = CanonicalDump()
        for group in request.resources {
            d.message(names.resources) { d in
                if let resource = group.resource { d.message("resource") { $0.resource(resource) } }
                for scopeGroup in group.scopes {
                    d.message(names.scopes) { d in
                        if let scope = scopeGroup.scope { d.message("scope") { $0.scope(scope) } }
                        for item in scopeGroup.records { d.message(names.records) { record(&$0, item) } }
                        d.string("schema_url", scopeGroup.schemaURL)
                    }
                }
                d.string("schema_url", group.schemaURL)
            }
        }
        return d.text
    }

    // MARK: messages

    mutating func resource(_ r: ResourceView) {
        attributes(r.attributes)
        uint("dropped_attributes_count", UInt64(r.droppedAttributesCount))
        for ref in r.entityRefs {
            message("entity_refs") { d in
                d.string("schema_url", ref.schemaURL)
                d.string("type", ref.type)
                for key in ref.idKeys { d.string("id_keys", key, always: true) }
                for key in ref.descriptionKeys { d.string("description_keys", key, always: true) }
            }
        }
    }

    mutating func scope(_ s: InstrumentationScopeView) {
        string("name", s.name)
        string("version", s.version)
        attributes(s.attributes)
        uint("dropped_attributes_count", UInt64(s.droppedAttributesCount))
    }

    mutating func span(_ s: SpanView) {
        bytes("trace_id", s.traceID)
        bytes("span_id", s.spanID)
        string("trace_state", s.traceState)
        bytes("parent_span_id", s.parentSpanID)
        string("name", s.name)
        int("kind", Int64(Int32(bitPattern: s.kind)))
        uint("start_time_unix_nano", s.startTimeUnixNano)
        uint("end_time_unix_nano", s.endTimeUnixNano)
        attributes(s.attributes)
        uint("dropped_attributes_count", UInt64(s.droppedAttributesCount))
        for event in s.events {
            message("events") { d in
                d.uint("time_unix_nano", event.timeUnixNano)
                d.string("name", event.name)
                d.attributes(event.attributes)
                d.uint("dropped_attributes_count", UInt64(event.droppedAttributesCount))
            }
        }
        uint("dropped_events_count", UInt64(s.droppedEventsCount))
        for link in s.links {
            message("links") { d in
                d.bytes("trace_id", link.traceID)
                d.bytes("span_id", link.spanID)
                d.string("trace_state", link.traceState)
                d.attributes(link.attributes)
                d.uint("dropped_attributes_count", UInt64(link.droppedAttributesCount))
                d.uint("flags", UInt64(link.flags))
            }
        }
        uint("dropped_links_count", UInt64(s.droppedLinksCount))
        if let status = s.status {
            message("status") { d in
                d.string("message", status.message)
                d.int("code", Int64(Int32(bitPattern: status.code)))
            }
        }
        uint("flags", UInt64(s.flags))
    }

    mutating func logRecord(_ r: LogRecordView) {
        uint("time_unix_nano", r.timeUnixNano)
        int("severity_number", Int64(Int32(bitPattern: r.severityNumber)))
        string("severity_text", r.severityText)
        if let body = r.body { message("body") { $0.anyValue(body) } }
        attributes(r.attributes)
        uint("dropped_attributes_count", UInt64(r.droppedAttributesCount))
        uint("flags", UInt64(r.flags))
        bytes("trace_id", r.traceID)
        bytes("span_id", r.spanID)
        uint("observed_time_unix_nano", r.observedTimeUnixNano)
        string("event_name", r.eventName)
    }

    mutating func attributes(_ list: RepeatedMessages<KeyValueView>) {
        for kv in list {
            message("attributes") { $0.keyValue(kv) }
        }
    }

    mutating func keyValue(_ kv: KeyValueView) {
        string("key", kv.key)
        if let value = kv.value { message("value") { $0.anyValue(value) } }
    }

    mutating func anyValue(_ v: AnyValueView) {
        switch v.value {
        case .empty: break
        case .string(let s): string("string_value", s, always: true)
        case .bool(let b): line("bool_value: \(b)")
        case .int(let i): line("int_value: \(i)")
        case .double(let d): line("double_value: d\(hex64(d.bitPattern))")
        case .array(let items):
            message("array_value") { d in for item in items { d.message("values") { $0.anyValue(item) } } }
        case .keyValueList(let pairs):
            message("kvlist_value") { d in for pair in pairs { d.message("values") { $0.keyValue(pair) } } }
        case .bytes(let b): bytes("bytes_value", b, always: true)
        }
    }

    // MARK: lines

    mutating func message(_ name: String, _ body: (inout CanonicalDump) -> Void) {
        line("\(name) {")
        depth += 1
        body(&self)
        depth -= 1
        line("}")
    }

    mutating func line(_ s: String) {
        text += String(repeating: " ", count: depth) + s + "\n"
    }

    /// libprotobuf-c keeps strings as C strings, so it sees a string with a
    /// NUL byte only up to the NUL; the dump renders ours the same way to stay
    /// comparable (`MalformedInputTests` checks that we keep every byte).
    mutating func string(_ name: String, _ s: WireString, always: Bool = false) {
        let visible = s.rawBytes.prefix { $0 != 0 }
        guard always || !visible.isEmpty else { return }
        var out = ""
        for byte in visible {
            if byte >= 0x20, byte <= 0x7E, byte != 0x22, byte != 0x5C {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += "\\x" + hex(byte)
            }
        }
        line("\(name): \"\(out)\"")
    }

    mutating func bytes(_ name: String, _ b: WireString, always: Bool = false) {
        guard always || !b.isEmpty else { return }
        line("\(name): \(b.rawBytes.map(hex).joined())")
    }

    mutating func uint(_ name: String, _ v: UInt64) {
        if v != 0 { line("\(name): \(v)") }
    }

    mutating func int(_ name: String, _ v: Int64) {
        if v != 0 { line("\(name): \(v)") }
    }

    private func hex(_ b: UInt8) -> String {
        let s = String(b, radix: 16)
        return s.count == 1 ? "0" + s : s
    }

    private func hex64(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

