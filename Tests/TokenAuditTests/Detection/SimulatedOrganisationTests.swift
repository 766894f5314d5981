import Testing
@testable import TokenAudit

/// The detection evaluation of `make eval`, small enough for `make test`:
/// a simulated organisation (a seed the thresholds were not chosen on, with
/// persona parameters spread wider than designed) replayed through the
/// real pipeline, verdicts scored against the simulator's ground truth.
@Suite struct SimulatedOrganisationTests {
    @Test func tokenmaxxersAreFoundAndHardNegativesAreLeftAlone() async throws {
        let result = try await Evaluation().run(TrafficSimulator(seed: 101, days: 1, variation: 1.5))
        #expect(result.missing == 0, "every simulated span came out of the pipeline")
        #expect(result.calls > 2000)
        #expect(result.performative.precision >= 0.97, "\(result.performative)")
        #expect(result.performative.recall >= 0.85, "\(result.performative)")
        #expect(result.performativeByTokens.f1 >= 0.9, "\(result.performativeByTokens)")
        for (persona, calls) in result.genuineCalls where !persona.isTokenmaxxer {
            #expect(Double(calls.performative) <= 0.02 * Double(calls.total), "\(persona): \(calls)")
        }
        for (label, recall) in result.labelRecall {
            #expect(Double(recall.hit) >= 0.7 * Double(recall.total), "\(label): \(recall)")
        }
        #expect(result.rankingSeparates, "\(result.ranking.map { "\($0.principal) \($0.performativeShare)" })")
    }

    @Test func theSameSeedIsTheSameOrganisation() {
        let a = TrafficSimulator(seed: 9, days: 1).generate()
        let b = TrafficSimulator(seed: 9, days: 1).generate()
        #expect(a.requests.map(\.request) == b.requests.map(\.request))
        #expect(a.truth == b.truth)
        #expect(TrafficSimulator(seed: 10, days: 1).generate().truth != a.truth)
    }
}
