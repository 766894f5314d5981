import OTLPWire

/// A call's verdict attributes (DESIGN.md §3.2), with the parts whose
/// bytes repeat encoded once at start: `tokenaudit.verdict` is one of three
/// fields, `tokenaudit.labels` one of 2⁷ label sets (a few kilobytes in
/// all), and `tokenaudit.score` has a fixed tag and key. Written field by
/// field for every judged call, the labels alone cost about 800
/// instructions.
enum VerdictAttributes {
    private static let score = NumericAttribute(SpanView.attributesFieldNumber, key: "tokenaudit.score")

    /// Verdict, score, and (when anything was found) labels and one reason
    /// per label, as `Span.attributes` fields.
    static func write(_ decision: Decision, into w: inout ProtoWriter) {
        w.append(raw: verdict(decision.verdict))
        w.append(score, double: decision.score)
        guard !decision.findings.isEmpty else { return }
        let field = SpanView.attributesFieldNumber
        // Written straight from the findings: no intermediate string arrays.
        if let labels = labels(for: decision.findings) {
            w.append(raw: labels)
        } else {
            w.stringArrayAttribute(field, key: labelsKey, decision.findings) { $0.label.rawValue }
        }
        // Sentences carry numbers: they do not repeat as the labels do.
        w.stringArrayAttribute(field, key: "tokenaudit.reasons", decision.findings) { $0.reason }
    }

    private static let labelsKey = "tokenaudit.labels"

    /// The `tokenaudit.verdict` field for `verdict`.
    static func verdict(_ verdict: Verdict) -> [UInt8] {
        switch verdict {
        case .genuine: verdicts.genuine
        case .suspect: verdicts.suspect
        case .performative: verdicts.performative
        }
    }

    /// The `tokenaudit.labels` field for `findings`' labels; nil unless they
    /// are in strict vocabulary order (as the combiner leaves them), which
    /// also rules out a label written twice.
    static func labels(for findings: [Finding]) -> [UInt8]? {
        var set = 0, last = -1
        for finding in findings {
            let ordinal = finding.label.ordinal
            guard ordinal > last else { return nil }
            set |= 1 << ordinal
            last = ordinal
        }
        return labelSets[set]
    }

    private static let verdicts = (
        genuine: encodeVerdict(.genuine), suspect: encodeVerdict(.suspect), performative: encodeVerdict(.performative))

    private static func encodeVerdict(_ verdict: Verdict) -> [UInt8] {
        var writer = ProtoWriter()
        writer.attribute(SpanView.attributesFieldNumber, key: "tokenaudit.verdict", value: .string(verdict.rawValue))
        return writer.bytes
    }

    /// Indexed by the set's bits (`1 << ordinal` per label), labels in vocabulary order.
    private static let labelSets: [[UInt8]] = (0..<(1 << DetectionLabel.allCases.count)).map { set in
        let labels = DetectionLabel.allCases.filter { set & (1 << $0.ordinal) != 0 }.sorted()
        var writer = ProtoWriter()
        writer.stringArrayAttribute(SpanView.attributesFieldNumber, key: labelsKey, labels) { $0.rawValue }
        return writer.bytes
    }
}
