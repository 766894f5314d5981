/// A record an export request carries at its third level: a span or a log
/// record. Both sit in the same resource → scope → record shape, so one set
/// of generic views walks both signals.
public protocol OTLPRecordView: WireMessageView where Context == ParentFrames {}

extension SpanView: OTLPRecordView {}
extension LogRecordView: OTLPRecordView {}

/// An `ExportTraceServiceRequest` or `ExportLogsServiceRequest` (also the
/// OTLP/HTTP bodies of /v1/traces and /v1/logs).
///
/// The view reads `bytes` in place; it and everything it yields are valid
/// only while `bytes` is. Run `OTLPValidator` first on untrusted bytes.
public struct ExportRequestView<Record: OTLPRecordView> {
    public let bytes: UnsafeRawBufferPointer

    public init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// `resource_spans` or `resource_logs` (field 1 in both).
    public var resources: RepeatedMessages<ResourceGroupView<Record>> {
        RepeatedMessages(bytes: bytes, range: 0..<bytes.count, fieldNumber: 1)
    }

    /// Every record with its resource and scope, in wire order.
    public func forEachRecord(
        _ body: (ResourceGroupView<Record>, ScopeGroupView<Record>, Record) throws -> Void
    ) rethrows {
        for resource in resources {
            for scope in resource.scopes {
                for record in scope.records { try body(resource, scope, record) }
            }
        }
    }

    public var recordCount: Int {
        var count = 0
        for resource in resources { for scope in resource.scopes { count += scope.records.count } }
        return count
    }
}

/// `ResourceSpans` / `ResourceLogs`: a resource and its scopes.
public struct ResourceGroupView<Record: OTLPRecordView>: WireMessageView {
    public let frame: LengthFrame
    /// Nil when the resource is absent on the wire.
    public let resource: ResourceView?
    public let scopes: RepeatedMessages<ScopeGroupView<Record>>
    public let schemaURL: WireString

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        self.frame = frame
        var resource: ResourceView?
        var schemaURL = WireString(bytes: bytes, range: frame.payload.lowerBound..<frame.payload.lowerBound)
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            guard field.wireType == .lengthDelimited else { continue }
            if field.number == 1 { resource = ResourceView(bytes: bytes, frame: field.frame, context: ()) }
            if field.number == 3 { schemaURL = WireString(bytes: bytes, range: field.payload) }
        }
        self.resource = resource
        self.schemaURL = schemaURL
        scopes = RepeatedMessages(bytes: bytes, range: frame.payload, fieldNumber: 2, context: frame)
    }
}

/// `ScopeSpans` / `ScopeLogs`: an instrumentation scope and its records.
public struct ScopeGroupView<Record: OTLPRecordView>: WireMessageView {
    public let frame: LengthFrame
    public let resourceFrame: LengthFrame
    /// Nil when the scope is absent on the wire.
    public let scope: InstrumentationScopeView?
    public let records: RepeatedMessages<Record>
    public let schemaURL: WireString

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context resourceFrame: LengthFrame) {
        self.frame = frame
        self.resourceFrame = resourceFrame
        var scope: InstrumentationScopeView?
        var schemaURL = WireString(bytes: bytes, range: frame.payload.lowerBound..<frame.payload.lowerBound)
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            guard field.wireType == .lengthDelimited else { continue }
            if field.number == 1 { scope = InstrumentationScopeView(bytes: bytes, frame: field.frame, context: ()) }
            if field.number == 3 { schemaURL = WireString(bytes: bytes, range: field.payload) }
        }
        self.scope = scope
        self.schemaURL = schemaURL
        records = RepeatedMessages(
            bytes: bytes, range: frame.payload, fieldNumber: 2,
            context: ParentFrames(resource: resourceFrame, scope: frame))
    }
}

// The OTLP names, for readers who think in spans and log records.

public typealias ExportTraceRequestView = ExportRequestView<SpanView>
public typealias ResourceSpansView = ResourceGroupView<SpanView>
public typealias ScopeSpansView = ScopeGroupView<SpanView>
public typealias ExportLogsRequestView = ExportRequestView<LogRecordView>
public typealias ResourceLogsView = ResourceGroupView<LogRecordView>
public typealias ScopeLogsView = ScopeGroupView<LogRecordView>

extension ExportRequestView where Record == SpanView {
    public var resourceSpans: RepeatedMessages<ResourceSpansView> { resources }
    public func forEachSpan(_ body: (ResourceSpansView, ScopeSpansView, SpanView) throws -> Void) rethrows {
        try forEachRecord(body)
    }
    public var spanCount: Int { recordCount }
}

extension ExportRequestView where Record == LogRecordView {
    public var resourceLogs: RepeatedMessages<ResourceLogsView> { resources }
    public func forEachLogRecord(_ body: (ResourceLogsView, ScopeLogsView, LogRecordView) throws -> Void) rethrows {
        try forEachRecord(body)
    }
    public var logRecordCount: Int { recordCount }
}

extension ResourceGroupView where Record == SpanView {
    public var scopeSpans: RepeatedMessages<ScopeSpansView> { scopes }
}

extension ResourceGroupView where Record == LogRecordView {
    public var scopeLogs: RepeatedMessages<ScopeLogsView> { scopes }
}

extension ScopeGroupView where Record == SpanView {
    public var spans: RepeatedMessages<SpanView> { records }
}

extension ScopeGroupView where Record == LogRecordView {
    public var logRecords: RepeatedMessages<LogRecordView> { records }
}
