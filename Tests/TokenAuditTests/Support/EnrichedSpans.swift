import Foundation
import OTLPWire
@testable import TokenAudit

/// What the file exporter wrote, read back span by span: the verdict
/// attributes of each span, keyed by span id in hex.
struct EnrichedSpan: Equatable {
    var name: String
    var verdict: String?
    var score: Double?
    var labels: [String] = []
    var reasons: [String] = []
    var principal: String?
}

enum EnrichedSpans {
    static func read(_ path: String) throws -> [String: EnrichedSpan] {
        var spans: [String: EnrichedSpan] = [:]
        for line in TestFiles.lines(path) {
            let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: Array(line.utf8), as: OTLPSchema.exportTraceRequest)
            protobuf.withUnsafeBytes { raw in
                ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                    var e = EnrichedSpan(name: span.name.string)
                    e.verdict = span.attributes["tokenaudit.verdict"]?.stringValue?.string
                    e.score = span.attributes["tokenaudit.score"]?.doubleValue
                    e.principal = span.attributes["tokenaudit.principal"]?.stringValue?.string
                    e.labels = strings(span.attributes["tokenaudit.labels"])
                    e.reasons = strings(span.attributes["tokenaudit.reasons"])
                    spans[span.spanID.array.map { String(format: "%02x", $0) }.joined()] = e
                }
            }
        }
        return spans
    }

    private static func strings(_ value: AnyValueView?) -> [String] {
        guard case .array(let items)? = value?.value else { return [] }
        return items.compactMap { $0.stringValue?.string }
    }
}
