import Foundation
import TestSupport
import Testing
@testable import TokenAudit

@Suite struct PriceTableTests {
    let table = PriceTable()

    @Test(arguments: [
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4o-mini-2024", "gpt-4o-mini"),
        ("GPT-4o", "gpt-4o"),
        ("openai/gpt-4.1-mini", "gpt-4.1-mini"),
        ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
        ("claude-3.5-sonnet-latest", "claude-3-5-sonnet"),
        ("anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku"),
        ("us.meta.llama3-1-70b-instruct-v1:0", "llama3-1-70b-instruct"),
        ("bedrock/meta.llama3-1-8b-instruct-v1:0", "llama3-1-8b-instruct"),
        ("models/gemini-2.5-flash", "gemini-2.5-flash"),
        ("gemini-2.5-flash-lite-preview-06-17", "gemini-2.5-flash-lite"),
        ("mistral-large-latest", "mistral-large"),
    ])
    func modelNamesAsProvidersSpellThemFindTheirPrice(model: String, listed: String) {
        #expect(table.price(of: model) == BuiltinPrices.table[listed], "\(model)")
    }

    @Test func unknownModelsHaveNoPriceNeverZero() throws {
        #expect(table.price(of: "my-finetune-7b") == nil)
        #expect(table.cost(of: TokenUsage(input: 10, output: 10), model: "my-finetune-7b") == nil)
        #expect(table.price(of: "gpt-4ox") == nil, "a name must extend a known one at a separator")

        let stage = RecordingGenAIStage()
        stage.enrich(traces([kv("gen_ai.system", "acme"), kv("gen_ai.request.model", "acme-large-2"),
                             kv("gen_ai.usage.input_tokens", 5), kv("gen_ai.usage.output_tokens", 5)]))
        #expect(stage.recorded.first?.cost == nil)
        #expect(stage.stage.stats.unknownModels == ["acme-large-2": 1])
    }

    @Test func liteLLMsPriceFileOverridesAndExtendsTheTable() throws {
        let directory = TestFiles.temporaryDirectory()
        let path = "\(directory)/model_prices_and_context_window.json"
        try """
        {
          "sample_spec": {"max_tokens": "set to max_output_tokens if provider specifies it"},
          "gpt-4o": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06, "cache_read_input_token_cost": 5e-07},
          "acme-large-2": {"input_cost_per_token": 0.000001, "output_cost_per_token": 0.000003,
                           "cache_creation_input_token_cost": 0.00000125, "litellm_provider": "acme"},
          "dall-e-3": {"output_cost_per_image": 0.04}
        }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        var prices = PriceTable()
        prices.merge(try PriceTable.load(path))
        #expect(prices.price(of: "gpt-4o") == ModelPrice(input: 2, output: 8, cacheRead: 0.5))
        #expect(prices.price(of: "acme-large-2") == ModelPrice(input: 1, output: 3, cacheWrite: 1.25))
        #expect(prices.price(of: "dall-e-3") == nil)
        #expect(prices.price(of: "gpt-4o-mini") == BuiltinPrices.table["gpt-4o-mini"], "the rest of the built-in table stays")
    }

    @Test func ourYAMLPriceFileAndItsErrors() throws {
        let directory = TestFiles.temporaryDirectory()
        try "models:\n  internal-llm: { input: 0.5, output: 1, cache_read: 0.05 }\n"
            .write(toFile: "\(directory)/prices.yaml", atomically: true, encoding: .utf8)
        #expect(try PriceTable.load("\(directory)/prices.yaml")["internal-llm"] == ModelPrice(input: 0.5, output: 1, cacheRead: 0.05))
        try "models:\n  broken: { input: 1 }\n".write(toFile: "\(directory)/bad.yaml", atomically: true, encoding: .utf8)
        #expect(throws: PriceTable.LoadError.self) { try PriceTable.load("\(directory)/bad.yaml") }
        #expect(throws: PriceTable.LoadError.self) { try PriceTable.load("\(directory)/missing.json") }
    }
}

@Suite struct TeamDirectoryTests {
    @Test func csvAndYAMLDirectoriesNameTeamsAndDisplayNames() throws {
        let directory = TestFiles.temporaryDirectory()
        try "principal,team,display_name\n# contractors\nalice@example.com, payments, Alice A\nbob,platform,\n"
            .write(toFile: "\(directory)/teams.csv", atomically: true, encoding: .utf8)
        let csv = try TeamDirectory(path: "\(directory)/teams.csv")
        #expect(csv.team(of: "alice@example.com") == "payments")
        #expect(csv.displayName(of: "alice@example.com") == "Alice A")
        #expect(csv.team(of: "bob") == "platform")
        #expect(csv.displayName(of: "bob") == nil)

        try "carol: search\ndave: { team: infra, name: Dave D }\n".write(toFile: "\(directory)/teams.yaml", atomically: true, encoding: .utf8)
        let yaml = try TeamDirectory(path: "\(directory)/teams.yaml")
        #expect(yaml.team(of: "carol") == "search")
        #expect(yaml.displayName(of: "dave") == "Dave D")
    }

    @Test func reloadSwapsContentsAndKeepsThemWhenTheFileBreaks() throws {
        let directory = TestFiles.temporaryDirectory()
        let path = "\(directory)/teams.csv"
        try "erin,ml\n".write(toFile: path, atomically: true, encoding: .utf8)
        let teams = try TeamDirectory(path: path)
        try "erin,research\n".write(toFile: path, atomically: true, encoding: .utf8)
        try teams.reload()
        #expect(teams.team(of: "erin") == "research")
        try "erin\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TeamDirectory.LoadError.self) { try teams.reload() }
        #expect(teams.team(of: "erin") == "research")
    }

    @Test func theDirectoryNamesTheTeamWhenTelemetryDoesNot() throws {
        let directory = TestFiles.temporaryDirectory()
        try "gina,growth\n".write(toFile: "\(directory)/teams.csv", atomically: true, encoding: .utf8)
        let stage = RecordingGenAIStage(directory: try TeamDirectory(path: "\(directory)/teams.csv"))
        stage.enrich(traces([kv("gen_ai.system", "openai"), kv("user.id", "gina")]))
        stage.enrich(traces([kv("gen_ai.system", "openai"), kv("user.id", "gina"), kv("team", "explicit")]))
        #expect(stage.recorded.map(\.call.team) == ["growth", "explicit"])
    }
}
