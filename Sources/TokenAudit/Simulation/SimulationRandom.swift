import Foundation

/// SplitMix64: a seeded generator, so a seed names one simulated
/// organisation on every machine and release.
struct SimulationRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &self) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { uniform(0...1) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// Log-normal with the given median: human think-time is heavy-tailed.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        let u1 = max(uniform(0...1), 1e-12), u2 = uniform(0...1)
        let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        return median * exp(sigma * normal)
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }

    /// Some words of a fixed vocabulary: prompt text that fingerprints like text.
    mutating func words(_ count: Int) -> String {
        (0..<count).map { _ in pick(Self.vocabulary) }.joined(separator: " ")
    }

    static let vocabulary = """
        account action adapter alert analysis api archive audit backend balance batch billing branch bucket budget \
        cache campaign capacity chart checkout client cluster commit compliance config contract cost customer dashboard \
        data database deadline debug deploy design device diff docs domain draft email endpoint error estimate event \
        export feature feedback file filter forecast format function gateway graph handler header incident index \
        invoice issue job kernel label latency layer ledger limit log login market memo merge metric migration model \
        module monitor network node note order outage owner package page parser partner patch payment pipeline plan \
        policy pool portal pricing process product profile project proposal query queue quota release report request \
        review risk roadmap route rule sales schema script search secret security server service session shipment \
        signal sprint storage summary supplier support survey table task template tenant test ticket timeline token \
        trace traffic user vendor version warehouse webhook widget workflow
        """.split(separator: " ").map(String.init)
}
