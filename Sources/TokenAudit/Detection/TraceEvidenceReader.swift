import OTLPWire

/// Feeds the spans of traces being assembled to the `TraceTable`: when each
/// started, and any outcome recorded on it (a `tokenaudit.outcome` attribute,
/// or an event of that name with a `tokenaudit.outcome.kind` attribute).
/// Spans of other traces cost one hash of their trace id, no allocation.
enum TraceEvidenceReader {
    static func record(_ request: ExportTraceRequestView, into detection: DetectionEngine, skipping observed: [UInt64]) {
        let skip = Set(observed)
        detection.withTraces { traces in
            request.forEachSpan { _, _, span in
                let trace = WireIDKey.of(span.traceID.rawBytes)
                guard traces.contains(trace) else { return }
                let id = WireIDKey.of(span.spanID.rawBytes)
                guard !skip.contains(id) else { return }
                traces.record(.init(span: id, start: span.startTimeUnixNano, prompt: nil), in: trace)
                if let outcome = outcome(of: span) { traces.recordOutcome(outcome, in: trace) }
            }
        }
    }

    static func outcome(of span: SpanView) -> String? {
        if let kind = span.attributes["tokenaudit.outcome"]?.stringValue { return kind.string }
        for event in span.events where event.name.equals("tokenaudit.outcome") {
            return event.attributes["tokenaudit.outcome.kind"]?.stringValue?.string ?? "outcome"
        }
        return nil
    }
}
