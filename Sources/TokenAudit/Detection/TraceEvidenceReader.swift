import OTLPWire

/// A span that is not a leaf model call, as extraction saw it: enough for
/// the ordered step to tell whether its trace is being assembled without
/// reading the span again. `frame` finds it in the request when it is.
struct SpanEvidence: Sendable {
    var trace: UInt64
    var span: UInt64
    var start: UInt64
    var frame: LengthFrame

    init(_ view: SpanView) {
        trace = WireIDKey.of(view.traceID.rawBytes)
        span = WireIDKey.of(view.spanID.rawBytes)
        start = view.startTimeUnixNano
        frame = view.frame
    }
}

/// Feeds the spans of traces being assembled to the `TraceTable`: when each
/// started, and any outcome recorded on it (a `tokenaudit.outcome` attribute,
/// or an event of that name with a `tokenaudit.outcome.kind` attribute).
/// Spans of other traces cost one table lookup; only spans of held traces
/// are read again, for their outcome.
enum TraceEvidenceReader {
    static func record(_ evidence: [SpanEvidence], in raw: UnsafeRawBufferPointer, into detection: DetectionEngine) {
        detection.withTraces { traces in
            for span in evidence where traces.contains(span.trace) {
                traces.record(.init(span: span.span, start: span.start, prompt: nil), in: span.trace)
                if let outcome = outcome(of: span.frame, in: raw) { traces.recordOutcome(outcome, in: span.trace) }
            }
        }
    }

    static func outcome(of frame: LengthFrame, in raw: UnsafeRawBufferPointer) -> String? {
        let attributes = RepeatedMessages<KeyValueView>(bytes: raw, range: frame.payload, fieldNumber: SpanView.attributesFieldNumber)
        if let kind = attributes["tokenaudit.outcome"]?.stringValue { return kind.string }
        let events = RepeatedMessages<SpanEventView>(bytes: raw, range: frame.payload, fieldNumber: SpanView.eventsFieldNumber)
        for event in events where event.name.equals("tokenaudit.outcome") {
            return event.attributes["tokenaudit.outcome.kind"]?.stringValue?.string ?? "outcome"
        }
        return nil
    }
}
