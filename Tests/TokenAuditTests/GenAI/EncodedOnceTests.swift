import NIOCore
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// What the hot path makes once and reuses (encoded attributes, hashed
/// digits) must be exactly what making it each time gives.
@Suite struct EncodedOnceTests {
    /// Metadata fingerprints persist in principal snapshots: hashing a token
    /// count's digits in place must give the hash of its decimal text.
    @Test func aCountHashesAsItsDecimalText() {
        var random = SeededRandom(seed: 29)
        let edges = [Int.min, Int.min + 1, -1_000_000, -10, -9, -1, 0, 1, 9, 10, 99, 100, 101, 999_999, Int.max - 1, Int.max]
        let values = edges + (0..<500).map { _ in Int.random(in: Int.min...Int.max, using: &random) >> Int.random(in: 0...63, using: &random) }
        for value in values {
            var inPlace = StableHash(), viaText = StableHash()
            inPlace.add(decimal: value)
            viaText.add(String(value))
            #expect(inPlace.value == viaText.value, "\(value)")
        }
    }

    /// The principal and team attributes reused from the span before are
    /// the ones encoding this span's identity would write, whatever changed.
    @Test func identityAttributesAreReencodedWhenEitherPartChanges() {
        let identities: [(String, String?)] = [
            ("alice@example.com", "payments"), ("alice@example.com", "payments"), ("alice@example.com", "search"),
            ("alice@example.com", nil), ("bob", nil), ("bob", "payments"), ("", nil), ("", "payments"),
            (String(repeating: "svc-", count: 40), "payments"), ("alice@example.com", "payments"),
        ]
        var cache = IdentityAttributes()
        for (principal, team) in identities + identities.reversed() {
            var writer = ProtoWriter()
            writer.attribute(SpanView.attributesFieldNumber, key: "tokenaudit.principal", value: .string(principal))
            if let team { writer.attribute(SpanView.attributesFieldNumber, key: "tokenaudit.team", value: .string(team)) }
            #expect(cache.fields(principal: principal, team: team) == writer.bytes, "\(principal), \(team ?? "no team")")
        }
    }

    /// Every set of labels, in the combiner's order, reads back as the
    /// array written item by item; any other order is left to that writer.
    @Test func everySetOfLabelsHasTheArrayWrittenItemByItem() {
        let labels = DetectionLabel.allCases
        for set in 0..<(1 << labels.count) {
            let findings = labels.enumerated().filter { set & (1 << $0.offset) != 0 }
                .map { Finding($0.element, strength: 0.5, reason: "r") }
            var writer = ProtoWriter()
            writer.stringArrayAttribute(SpanView.attributesFieldNumber, key: "tokenaudit.labels", findings) { $0.label.rawValue }
            #expect(VerdictAttributes.labels(for: findings) == writer.bytes, "\(findings.map(\.label))")
            if findings.count > 1 { #expect(VerdictAttributes.labels(for: findings.reversed()) == nil) }
            if let first = findings.first { #expect(VerdictAttributes.labels(for: [first] + findings) == nil) }
        }
    }

    /// A name kept for the request is matched by its bytes on the wire, so
    /// one whose UTF-8 had to be repaired is still made only once.
    @Test func aRepairedNameIsKeptByItsWireBytes() {
        let bytes: [UInt8] = Array("gpt-4o-mini-".utf8) + [0xFF, 0xC3] + Array("-2024-07-18".utf8)
        var names = RecentNames()
        bytes.withUnsafeBytes { raw in
            let wire = WireString(bytes: raw, range: 0..<raw.count)
            var first = names.string(for: wire), again = names.string(for: wire)
            #expect(first == wire.string && again == first && first.contains("\u{FFFD}"))
            let storage = (first.withUTF8 { UnsafeRawPointer($0.baseAddress) }, again.withUTF8 { UnsafeRawPointer($0.baseAddress) })
            #expect(storage.0 == storage.1, "the second lookup made a new string")
        }
    }

    @Test func eachVerdictCarriesItsOwnEncodedAttribute() {
        for verdict in Verdict.allCases {
            var writer = ProtoWriter()
            writer.attribute(SpanView.attributesFieldNumber, key: "tokenaudit.verdict", value: .string(verdict.rawValue))
            #expect(VerdictAttributes.verdict(verdict) == writer.bytes, "\(verdict)")
        }
        #expect(Set(Verdict.allCases.map(VerdictAttributes.verdict)).count == Verdict.allCases.count)
    }

    /// A request's calls reuse the baseline key of the call before when
    /// team, model and operation repeat: every call's key must be the one
    /// computed from its own, through runs that change each part alone.
    @Test func baselineKeysReusedWithinARequestAreEachCallsOwn() throws {
        let groups: [(team: String?, model: String, operation: String)] = [
            ("payments", "gpt-4o", "chat"), ("payments", "gpt-4o", "chat"), ("search", "gpt-4o", "chat"),
            ("search", "gpt-4o-mini", "chat"), ("search", "gpt-4o-mini", "text_completion"), (nil, "gpt-4o-mini", "text_completion"),
            (nil, "gpt-4o-mini", "text_completion"), ("payments", "gpt-4o", "chat"),
        ]
        var spans: [SpanModel] = []
        for (index, group) in groups.enumerated() {
            var attributes = [kv("gen_ai.operation.name", group.operation), kv("gen_ai.request.model", group.model),
                              kv("gen_ai.usage.input_tokens", 100), kv("user.id", "alice")]
            if let team = group.team { attributes.append(kv("team", team)) }
            var span = try #require(traces(attributes, spanID: UInt8(index + 1)).resourceSpans.first?.scopeSpans.first?.spans.first)
            span.spanID = Array(repeating: UInt8(index + 1), count: 8)
            spans.append(span)
        }
        let model = TracesModel(resourceSpans: [ResourceSpansModel(resource: ResourceModel(attributes: []),
                                                                    scopeSpans: [ScopeSpansModel(spans: spans)])])
        let stage = RecordingGenAIStage().stage
        let extracted = stage.extract(TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: model.encode()), itemCount: spans.count))
        #expect(extracted.calls.count == groups.count)
        for (call, group) in zip(extracted.calls, groups) {
            let operation = LLMOperation(name: group.operation)
            #expect(call.call.baselineKey == BaselineTable.key(team: group.team, model: group.model, operation: operation),
                    "\(group)")
        }
    }

    /// A decision's attributes written from the encoded parts equal the
    /// field-by-field encoding, for findings in vocabulary order (the encoded
    /// label set) and out of it (the general writer).
    @Test func aDecisionWritesAsItsAttributesFieldByField() {
        let ordered = [Finding(.repeatedPrompt, strength: 0.9, reason: "sent 11 times"),
                       Finding(.contextBloat, strength: 0.6, reason: "12000 input tokens"),
                       Finding(.unusedOutput, strength: 0.5, reason: "nothing used it")]
        for findings in [[], ordered, ordered.reversed()] {
            let decision = Decision(verdict: .performative, score: 0.873, findings: findings, outcome: nil)
            var expected = ProtoWriter()
            let field = SpanView.attributesFieldNumber
            expected.attribute(field, key: "tokenaudit.verdict", value: .string("performative"))
            expected.attribute(field, key: "tokenaudit.score", value: .double(0.873))
            if !findings.isEmpty {
                expected.attribute(field, key: "tokenaudit.labels", value: .stringArray(findings.map(\.label.rawValue)))
                expected.attribute(field, key: "tokenaudit.reasons", value: .stringArray(findings.map(\.reason)))
            }
            var written = ProtoWriter()
            VerdictAttributes.write(decision, into: &written)
            #expect(written.bytes == expected.bytes, "\(findings.map(\.label))")
        }
    }
}
