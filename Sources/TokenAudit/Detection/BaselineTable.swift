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

        mutating func add(input value: UInt32, output produced: UInt32, sampleSize: Int) {
            if input.count < sampleSize {
                input.append(value)
                output.append(produced)
            } else {
                input[next] = value
                output[next] = produced
                next = (next + 1) % sampleSize
            }
            insertsSinceSummary += 1
        }

        /// Refreshed every `refreshEvery` inserts: sorting the samples for
        /// each call measured as the largest cost of detection.
        mutating func baseline(refreshEvery: Int) -> Baseline? {
            guard input.count >= 8 else { return nil }
            if let cached, insertsSinceSummary < refreshEvery { return cached }
            let (medianInput, deviation) = RobustStatistics.medianAndDeviation(input.map(Double.init)) ?? (0, 0)
            let summary = Baseline(
                medianInput: medianInput, medianOutput: RobustStatistics.median(output.map(Double.init)) ?? 0,
                inputDeviation: deviation, samples: input.count)
            cached = summary
            insertsSinceSummary = 0
            return summary
        }
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
        // In place through `values`: reading a group out copied its arrays' references.
        guard let index = groups.index(forKey: key) else { return nil }
        return groups.values[index].baseline(refreshEvery: Self.refreshEvery)
    }

    mutating func add(_ key: UInt64, input: UInt32, output: UInt32) {
        if groups.count >= maxGroups, groups.index(forKey: key) == nil { groups.removeAll(keepingCapacity: true) }
        // One lookup, the samples changed in place (their arrays stay uniquely referenced).
        groups[key, default: Samples()].add(input: input, output: output, sampleSize: sampleSize)
    }
}
