import CAllocationCounter
import Foundation

/// Times one workload: warm-up runs, then iterations until both a minimum
/// count and a minimum time are reached; reports the median and the
/// 10th-90th percentile spread, and heap allocations per iteration.
struct Harness {
    var warmup = 3
    var minIterations = 15
    var minSeconds = 1.0

    struct Result: Codable {
        var payload: String
        var workload: String
        var spans: Int
        var iterations: Int
        var medianNanoseconds: Double
        var p10Nanoseconds: Double
        var p90Nanoseconds: Double
        var allocationsPerIteration: Double
        var ratioToBaseline: Double?

        var spansPerSecond: Double { Double(spans) / (medianNanoseconds / 1e9) }
        var allocationsPerSpan: Double { allocationsPerIteration / Double(max(1, spans)) }
    }

    func measure(
        _ workload: String, _ payload: Payload, isolation: isolated (any Actor)? = #isolation, _ body: () async -> Int
    ) async -> Result {
        var sink = 0
        for _ in 0..<warmup { sink &+= await body() }
        var samples: [Double] = []
        let allocationsBefore = ta_allocation_count()
        let started = ContinuousClock.now
        while samples.count < minIterations || (ContinuousClock.now - started) < .seconds(minSeconds) {
            let t0 = ContinuousClock.now
            sink &+= await body()
            let elapsed = ContinuousClock.now - t0
            samples.append(Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9)
            if samples.count >= 100_000 { break }
        }
        let allocations = Double(ta_allocation_count() - allocationsBefore) / Double(samples.count)
        samples.sort()
        func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        if sink == 42 { print("") }  // keeps the work observable
        return Result(
            payload: payload.name, workload: workload, spans: payload.spans, iterations: samples.count,
            medianNanoseconds: percentile(0.5), p10Nanoseconds: percentile(0.1), p90Nanoseconds: percentile(0.9),
            allocationsPerIteration: allocations, ratioToBaseline: nil)
    }
}
