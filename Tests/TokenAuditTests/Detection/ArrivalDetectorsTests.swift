import Testing
@testable import TokenAudit

/// The detectors keep their thresholds and switches from the engine's
/// config (set when they are made): each threshold must reach its detector,
/// and each switch must turn off its own detector, not a neighbour.
@Suite struct ArrivalDetectorsTests {
    /// The labels of each of twelve calls of one prompt (content captured),
    /// a minute apart; `nearMiss` gives each a sketch two bits from the others.
    private static func loop(_ config: DetectionConfig, nearMiss: Bool = false) -> [[DetectionLabel]] {
        let engine = DetectionEngine(config: config)
        var f = CallFactory()
        return (0..<12).map { i in
            engine.judge(f.call(at: Double(i) * 60, prompt: nearMiss ? 0xF0F0 ^ (1 << UInt64(i)) : 42, content: true)).labels
        }
    }

    /// The labels of the last of six calls pasting one large document before a short question.
    private static func bloat(_ config: DetectionConfig) -> [DetectionLabel] {
        let engine = DetectionEngine(config: config)
        var f = CallFactory()
        var labels: [DetectionLabel] = []
        for i in 0..<6 {
            labels = engine.judge(f.call(at: Double(i) * 300, prompt: UInt64(i), content: true, input: 12_000 + i, output: 30,
                                         largestMessage: 555)).labels
        }
        return labels
    }

    /// The labels of one call that ran into its output limit.
    private static func verbose(_ config: DetectionConfig) -> [DetectionLabel] {
        var f = CallFactory()
        return DetectionEngine(config: config).judge(f.call(at: 0, prompt: 1, output: 16_000, maxTokens: 16_384, finish: .length)).labels
    }

    @Test func eachThresholdReachesItsDetector() {
        let defaults = DetectionConfig()
        #expect(Self.loop(defaults).firstIndex { $0.contains(.repeatedPrompt) } == 2)
        #expect(Self.loop(defaults, nearMiss: true).contains { $0.contains(.repeatedPrompt) })
        #expect(Self.bloat(defaults).contains(.contextBloat))
        #expect(Self.verbose(defaults).contains(.verboseOutput))

        var config = defaults
        config.minRepeats = 5
        #expect(Self.loop(config).firstIndex { $0.contains(.repeatedPrompt) } == 5)
        config = defaults
        config.nearDuplicateBits = 1
        #expect(!Self.loop(config, nearMiss: true).contains { $0.contains(.repeatedPrompt) })
        config = defaults
        config.bloatMinInputTokens = 13_000
        #expect(!Self.bloat(config).contains(.contextBloat))
        config = defaults
        config.verboseMinOutputTokens = 17_000
        #expect(!Self.verbose(config).contains(.verboseOutput))
    }

    @Test func eachSwitchTurnsOffItsOwnDetectorOnly() {
        let scenarios: [(DetectionLabel, (DetectionConfig) -> [DetectionLabel])] = [
            (.repeatedPrompt, { Self.loop($0).last ?? [] }), (.contextBloat, Self.bloat), (.verboseOutput, Self.verbose),
        ]
        for (label, labels) in scenarios {
            var off = DetectionConfig()
            off.detectors[label] = DetectorSettings(enabled: false, weight: 1)
            #expect(!labels(off).contains(label), "\(label) switched off")
            var others = DetectionConfig()
            for other in DetectionLabel.allCases where other != label && other != .unusedOutput {
                others.detectors[other] = DetectorSettings(enabled: false, weight: 1)
            }
            #expect(labels(others).contains(label), "\(label) with every other arrival detector off")
        }
    }
}
