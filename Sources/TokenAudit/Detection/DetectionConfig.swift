/// `processors.tokenaudit.detection`: the window detectors look at, the
/// memory it may use, and how findings become a verdict.
public struct DetectionConfig: Sendable, Equatable {
    /// How far back (span time) a principal's history counts.
    public var window: Duration = .seconds(6 * 3600)
    /// Calls remembered per principal (56 bytes each).
    public var historyPerPrincipal = 32
    /// Principals tracked at once; the least recently seen are forgotten first.
    public var maxPrincipals = 100_000
    /// Bytes of requests held while traces assemble (`decision_wait`); over
    /// it, the oldest are labelled early.
    public var holdLimitBytes = 64 << 20
    /// Score at or above which a call is `suspect` / `performative`.
    public var suspectThreshold = 0.4
    public var performativeThreshold = 0.7
    /// Strength a finding needs to be written as a label.
    public var labelThreshold = 0.3
    /// Per label: whether the detector runs and its weight in the score.
    public var detectors: [DetectionLabel: DetectorSettings] = DetectorSettings.defaults

    /// Repeated prompt: earlier identical prompts needed (content / metadata fingerprints).
    public var minRepeats = 2
    public var minMetadataRepeats = 4
    /// SimHash bits two prompts may differ in and still count as the same prompt.
    public var nearDuplicateBits = 10
    /// Context bloat: smallest input worth a look, and how far above the group's median.
    public var bloatMinInputTokens = 3000
    public var bloatFactor = 4.0
    /// Verbose output: smallest output worth a look.
    public var verboseMinOutputTokens = 1500

    public init() {}

    public func settings(_ label: DetectionLabel) -> DetectorSettings {
        detectors[label] ?? DetectorSettings(enabled: true, weight: 0)
    }

    /// `settings(_:)` of every label, indexed by `DetectionLabel.ordinal`:
    /// for tables read per call (a `settings` lookup hashes the label).
    var settingsByOrdinal: [DetectorSettings] {
        var table = [DetectorSettings](repeating: DetectorSettings(enabled: true, weight: 0), count: DetectionLabel.allCases.count)
        for label in DetectionLabel.allCases { table[label.ordinal] = settings(label) }
        return table
    }

    init(_ m: inout ConfigMapping) {
        window = m.duration("window", default: window)
        if window < .seconds(60) || window > .seconds(30 * 86400) { m.report("window", "must be between 1m and 30d") }
        historyPerPrincipal = m.int("history_per_principal", default: historyPerPrincipal, range: 4...1024)
        maxPrincipals = m.int("max_principals", default: maxPrincipals, range: 1...10_000_000)
        holdLimitBytes = m.int("hold_limit_mib", default: holdLimitBytes >> 20, range: 1...65536) << 20
        suspectThreshold = m.double("suspect_threshold", default: suspectThreshold, range: 0...1)
        performativeThreshold = m.double("performative_threshold", default: performativeThreshold, range: 0...1)
        if performativeThreshold < suspectThreshold {
            m.report("performative_threshold", "must not be below suspect_threshold (\(suspectThreshold))")
        }
        labelThreshold = m.double("label_threshold", default: labelThreshold, range: 0...1)
        minRepeats = m.int("min_repeats", default: minRepeats, range: 1...1000)
        minMetadataRepeats = m.int("min_metadata_repeats", default: minMetadataRepeats, range: 1...1000)
        nearDuplicateBits = m.int("near_duplicate_bits", default: nearDuplicateBits, range: 0...32)
        bloatMinInputTokens = m.int("bloat_min_input_tokens", default: bloatMinInputTokens, range: 1...10_000_000)
        bloatFactor = m.double("bloat_factor", default: bloatFactor, range: 1...1000)
        verboseMinOutputTokens = m.int("verbose_min_output_tokens", default: verboseMinOutputTokens, range: 1...10_000_000)
        var detectorsMap = m.mapping("detectors")
        for key in detectorsMap.keys {
            guard let label = DetectionLabel(rawValue: key) else {
                detectorsMap.report(key, "unknown detector; known: \(DetectionLabel.allCases.map(\.rawValue).joined(separator: ", "))")
                _ = detectorsMap.node(key)
                continue
            }
            var d = detectorsMap.mapping(key)
            let base = settings(label)
            detectors[label] = DetectorSettings(
                enabled: d.bool("enabled", default: base.enabled), weight: d.double("weight", default: base.weight, range: 0...1))
            d.finish()
        }
        detectorsMap.finish()
    }
}

/// One detector's switch and weight.
public struct DetectorSettings: Sendable, Equatable {
    public var enabled: Bool
    /// How much a full-strength finding moves the score (0 = label only).
    public var weight: Double

    public init(enabled: Bool, weight: Double) {
        self.enabled = enabled
        self.weight = weight
    }

    static let defaults: [DetectionLabel: DetectorSettings] = [
        .repeatedPrompt: .init(enabled: true, weight: 1.0),
        .automatedLoop: .init(enabled: true, weight: 0.8),
        .contextBloat: .init(enabled: true, weight: 0.8),
        .verboseOutput: .init(enabled: true, weight: 0.8),
        .unusedOutput: .init(enabled: true, weight: 0.5),
        .redundantAgent: .init(enabled: true, weight: 0.9),
        .retryStorm: .init(enabled: true, weight: 0),
    ]
}
