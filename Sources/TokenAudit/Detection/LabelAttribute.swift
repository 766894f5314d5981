import OTLPWire

/// `tokenaudit.labels` for every set of labels, encoded once at start: a
/// judged call's labels are one of 2⁷ sets (a few kilobytes in all), and
/// writing the string array item by item cost about 800 instructions per
/// call.
enum LabelAttribute {
    /// Indexed by the set's bits (`1 << ordinal` per label), labels in vocabulary order.
    private static let encodedSets: [[UInt8]] = (0..<(1 << DetectionLabel.allCases.count)).map { set in
        let labels = DetectionLabel.allCases.filter { set & (1 << $0.ordinal) != 0 }.sorted()
        var writer = ProtoWriter()
        writer.stringArrayAttribute(SpanView.attributesFieldNumber, key: "tokenaudit.labels", labels) { $0.rawValue }
        return writer.bytes
    }

    /// The attribute for `findings`' labels; nil unless they are in strict
    /// vocabulary order (as the combiner leaves them), which also rules out
    /// a label written twice.
    static func encoded(for findings: [Finding]) -> [UInt8]? {
        var set = 0, last = -1
        for finding in findings {
            let ordinal = finding.label.ordinal
            guard ordinal > last else { return nil }
            set |= 1 << ordinal
            last = ordinal
        }
        return encodedSets[set]
    }
}
