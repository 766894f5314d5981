import Foundation
import TestSupport
import Testing
@testable import TokenAudit

/// The real captures: every dialect yields the same four calls.
@Suite struct FixtureExtractionTests {
    struct Expected {
        var requestModel: String
        var input: Int
        var maxTokens: Int?
    }

    /// The app made three identical gpt-4o-mini calls (system prompt + essay
    /// request, max_tokens 800) and one gpt-4o call; the fake server counts
    /// prompt tokens as words + 7 and answers 21 tokens.
    static let expected = [
        Expected(requestModel: "gpt-4o-mini", input: 21, maxTokens: 800),
        Expected(requestModel: "gpt-4o-mini", input: 21, maxTokens: 800),
        Expected(requestModel: "gpt-4o-mini", input: 21, maxTokens: 800),
        Expected(requestModel: "gpt-4o", input: 17, maxTokens: nil),
    ]

    func calls(_ dialect: String) throws -> [(call: LLMCall, cost: Double?)] {
        let stage = RecordingGenAIStage()
        stage.feed(try Fixtures.all().filter { $0.name.hasPrefix(dialect + "/") })
        return stage.recorded
    }

    @Test(arguments: [("semconv", GenAIDialect.semconv), ("openllmetry", .openLLMetry), ("openinference", .openInference)])
    func everyDialectYieldsTheFourCallsExactly(folder: String, dialect: GenAIDialect) throws {
        let recorded = try calls(folder)
        try #require(recorded.count == 4, "the handle_request parent span is not an LLM call")
        for ((call, cost), expected) in zip(recorded, Self.expected) {
            #expect(call.dialect == dialect)
            #expect(call.operation == .chat)
            #expect(!call.isAggregate)
            #expect(call.provider == "openai")
            if dialect != .openInference {  // OpenInference reports only the response model
                #expect(call.requestModel == expected.requestModel)
            }
            #expect(call.model?.hasPrefix(expected.requestModel) == true)
            #expect(call.usage.input == expected.input)
            #expect(call.usage.output == 21)
            if expected.maxTokens != nil { #expect(call.maxTokens == expected.maxTokens) }
            #expect(call.principal == Principal(id: "alice@example.com", kind: .user, source: "resource:user.id"))
            #expect(call.team == "payments")
            #expect(call.problems.isEmpty)
            #expect(call.fingerprint.kind == .content, "content capture was on")
            #expect(call.fingerprint.completion != nil)
            let price = try #require(BuiltinPrices.table[expected.requestModel])
            let expectedCost = (Double(expected.input) * price.input + 21 * price.output) / 1e6
            #expect(abs((cost ?? -1) - expectedCost) < 1e-12)
        }
        let prompts = recorded.map(\.call.fingerprint.prompt)
        #expect(prompts[0] == prompts[1] && prompts[1] == prompts[2], "identical calls fingerprint alike")
        #expect(prompts[3] != prompts[0])
        #expect(recorded[0].call.fingerprint.systemPrompt != nil)
        #expect(recorded[3].call.fingerprint.systemPrompt == nil, "the gpt-4o call had no system prompt")
    }

    @Test func theSamePromptFingerprintsAlikeWhicheverDialectAndSignalCarriedIt() throws {
        let semconv = try calls("semconv").map(\.call.fingerprint)
        let openLLMetry = try calls("openllmetry").map(\.call.fingerprint)
        let openInference = try calls("openinference").map(\.call.fingerprint)
        for index in 0..<4 {
            #expect(semconv[index].prompt == openLLMetry[index].prompt)
            #expect(semconv[index].prompt == openInference[index].prompt)
            #expect(semconv[index].promptSketch == openInference[index].promptSketch)
            #expect(semconv[index].systemPrompt == openLLMetry[index].systemPrompt)
        }
    }

    @Test func withoutItsLogsASemconvSpanFallsBackToAMetadataFingerprint() throws {
        let stage = RecordingGenAIStage()
        stage.feed(try Fixtures.all().filter { $0.name.hasPrefix("semconv/") && $0.isTraces })
        let recorded = stage.recorded.map(\.call)
        #expect(recorded.count == 4)
        #expect(recorded.allSatisfy { $0.fingerprint.kind == .metadata })
        #expect(recorded[0].fingerprint.prompt == recorded[1].fingerprint.prompt)
        #expect(recorded[0].fingerprint.prompt != recorded[3].fingerprint.prompt)
    }
}
