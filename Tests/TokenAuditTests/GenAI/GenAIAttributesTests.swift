import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Lookups in a span's attributes: the key signature may only ever skip
/// keys that are absent, and lookups answer exactly as a plain scan would.
@Suite struct GenAIAttributesTests {
    @Test func theSignatureNeverMissesAnInsertedKeyAndRejectsMostOthers() {
        var random = SeededRandom(seed: 7)
        var falseMaybes = 0
        let trials = 2000
        for _ in 0..<trials {
            // 12 keys of 0–40 bytes, as spans carry; then 12 keys never inserted.
            let present = (0..<12).map { _ in (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0x21...0x7E, using: &random) } }
            var signature = KeySignature()
            for key in present { key.withUnsafeBytes { signature.insert($0) } }
            for key in present { #expect(key.withUnsafeBytes { signature.mayContain($0) }) }
            for _ in 0..<12 {
                let absent = (0..<Int.random(in: 1...40, using: &random)).map { _ in UInt8.random(in: 0x21...0x7E, using: &random) }
                guard !present.contains(absent) else { continue }
                if absent.withUnsafeBytes({ signature.mayContain($0) }) { falseMaybes += 1 }
            }
        }
        // 12 of 128 bits set: about 9% of absent keys cost a scan.
        let rate = Double(falseMaybes) / Double(trials * 12)
        #expect(rate < 0.15, "false maybe rate \(rate)")
    }

    @Test func lookupsFindEveryKeyTheSpanHasAndOnlyThose() {
        let names = ["gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.request.model",
                     "gen_ai.response.model", "llm.token_count.prompt", "ai.model.id", "a", "", "user.id", "x.y"]
        var writer = ProtoWriter()
        for (index, name) in names.enumerated() { writer.attribute(1, key: name, value: .int(Int64(index))) }
        writer.attribute(1, key: "gen_ai.request.model", value: .int(99))  // a repeat: the first one wins
        let resource = writer.bytes
        resource.withUnsafeBytes { raw in
            let view = ResourceView(bytes: raw, frame: LengthFrame(prefixStart: 0, payload: 0..<raw.count), context: ())
            let attributes = GenAIAttributes(view.attributes)
            for (index, name) in names.enumerated() { #expect(attributes[name] == .int(Int64(index)), "\(name)") }
            for absent in ["gen_ai.usage.total_tokens", "gen_ai.request.mode", "b", "user.idx", "llm.token_count.promp"] {
                #expect(attributes[absent] == nil, "\(absent)")
            }
            #expect(attributes.hasKey("ai.model.id"))
            #expect(!attributes.hasKey("ai.model.provider"))
        }
    }
}
