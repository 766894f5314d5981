/// An `ExportTraceServiceRequest` (also the body of OTLP/HTTP /v1/traces).
///
/// The view reads `bytes` in place; it and everything it yields are valid
/// only while `bytes` is. Run `OTLPValidator` first on untrusted bytes.
public struct ExportTraceRequestView {
    public let bytes: UnsafeRawBufferPointer

    public init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    public var resourceSpans: RepeatedMessages<ResourceSpansView> {
        RepeatedMessages(bytes: bytes, range: 0..<bytes.count, fieldNumber: 1)
    }

    /// Every span with its resource and scope, in wire order.
    public func forEachSpan(_ body: (ResourceSpansView, ScopeSpansView, SpanView) throws -> Void) rethrows {
        for resourceSpans in resourceSpans {
            for scopeSpans in resourceSpans.scopeSpans {
                for span in scopeSpans.spans { try body(resourceSpans, scopeSpans, span) }
            }
        }
    }

    public var spanCount: Int {
        var count = 0
        for r in resourceSpans { for s in r.scopeSpans { for _ in s.spans { count += 1 } } }
        return count
    }
}

public struct ResourceSpansView: WireMessageView {
    public let frame: LengthFrame
    /// Nil when the resource is absent on the wire.
    public let resource: ResourceView?
    public let scopeSpans: RepeatedMessages<ScopeSpansView>
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
        scopeSpans = RepeatedMessages(bytes: bytes, range: frame.payload, fieldNumber: 2, context: frame)
    }
}

public struct ScopeSpansView: WireMessageView {
    public let frame: LengthFrame
    public let resourceFrame: LengthFrame
    /// Nil when the scope is absent on the wire.
    public let scope: InstrumentationScopeView?
    public let spans: RepeatedMessages<SpanView>
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
        spans = RepeatedMessages(
            bytes: bytes, range: frame.payload, fieldNumber: 2,
            context: ParentFrames(resource: resourceFrame, scope: frame))
    }
}
