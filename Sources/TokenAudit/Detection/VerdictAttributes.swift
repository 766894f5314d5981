import OTLPWire

/// The parts of a call's verdict attributes (DESIGN.md §3.2) whose bytes
/// repeat, encoded once at start: `tokenaudit.verdict` is one of three
/// fields, `tokenaudit.labels` one of 2⁷ label sets (a few kilobytes in
/// all), and `tokenaudit.score` has a fixed tag and key. Written field by
/// field for every judged call, the labels alone cost about 800
/// instructions.
enum VerdictAttributes {
    static let score = NumericAttribute(SpanView.attributesFieldNumber, key: "tokenaudit.score")

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
        writer.stringArrayAttribute(SpanView.attributesFieldNumber, key: "tokenaudit.labels", labels) { $0.rawValue }
        return writer.bytes
    }
}
