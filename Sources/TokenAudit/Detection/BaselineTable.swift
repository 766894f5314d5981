/// What calls usually look like for a team, model and operation: the last
/// `sampleSize` input and output token counts, summarised as median and MAD.
/// A principal's own history would let a context stuffer set its own
/// baseline; the group's cannot be moved by one person.
struct BaselineTable: Sendable {
    struct Baseline: Sendable, Equatable {
        var medianInput: Double
        var medianOutput: Double
        /// Median absolute deviation of the input: what "far above" is measured in.
        var inputDeviation: Double
        var samples: Int
    }

    private struct Samples: Sendable {
        var input: [UInt32] = []
        var output: [UInt32] = []
        var next = 0
        var cached: Baseline?
        var insertsSinceSummary = 0
    }

    let sampleSize: Int
    static let refreshEvery = 64
    private var groups: [UInt64: Samples] = [:]
    private let maxGroups = 4096

    init(sampleSize: Int = 256) {
        self.sampleSize = max(8, sampleSize)
    }

    static func key(team: String?, model: String?, operation: LLMOperation) -> UInt64 {
        var hash = StableHash()
        hash.add(team ?? "")
        hash.add(model ?? "")
        hash.add(operation.description)
        return hash.value
    }

    /// The group's baseline from calls seen so far (nil below 8 samples).
    mutating func baseline(_ key: UInt64) -> Baseline? {
        guard var samples = groups[key], samples.input.count >= 8 else { return nil }
        // Refreshed every `refreshEvery` inserts: sorting the samples for each
        // call measured as the largest cost of detection.
        if let cached = samples.cached, samples.insertsSinceSummary < Self.refreshEvery { return cached }
        let (medianInput, deviation) = RobustStatistics.medianAndDeviation(samples.input.map(Double.init)) ?? (0, 0)
        let summary = Baseline(
            medianInput: medianInput, medianOutput: RobustStatistics.median(samples.output.map(Double.init)) ?? 0,
            inputDeviation: deviation, samples: samples.input.count)
        samples.cached = summary
        samples.insertsSinceSummary = 0
        groups[key] = samples
        return summary
    }

    mutating func add(_ key: UInt64, input: UInt32, output: UInt32) {
        if groups[key] == nil, groups.count >= maxGroups { groups.removeAll(keepingCapacity: true) }
        var samples = groups[key, default: Samples()]
        groups[key] = nil  // keep the arrays uniquely referenced while they change
        if samples.input.count < sampleSize {
            samples.input.append(input)
            samples.output.append(output)
        } else {
            samples.input[samples.next] = input
            samples.output[samples.next] = output
            samples.next = (samples.next + 1) % sampleSize
        }
        samples.insertsSinceSummary += 1
        groups[key] = samples
    }
}
