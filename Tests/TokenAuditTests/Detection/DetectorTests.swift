import Testing
@testable import TokenAudit

@Suite struct DetectorTests {
    @Test func aLoopedPromptIsRepeatedAndPerformativeButAskingTwiceIsNot() {
        let engine = DetectionEngine()
        var f = CallFactory()
        var decisions: [Decision] = []
        for i in 0..<12 { decisions.append(engine.judge(f.call(at: Double(i) * 60, prompt: 42, content: true))) }
        #expect(!decisions[1].labels.contains(.repeatedPrompt), "one repeat is asking twice")
        #expect(decisions[2].labels.contains(.repeatedPrompt))
        let last = decisions[11]
        #expect(last.verdict == .performative)
        #expect(last.labels == [.repeatedPrompt, .automatedLoop, .unusedOutput])
        #expect(last.findings.first?.reason.contains("sent 11 times before in 11 min") == true, "\(last.findings)")
    }

    @Test func retriesAfterErrorsAreNotRepetitionButAStormIsLabelledAsWaste() {
        let engine = DetectionEngine()
        var f = CallFactory()
        var t = 0.0
        var last: Decision?
        for _ in 0..<4 {
            _ = engine.judge(f.call(at: t, prompt: 7, failed: true))
            t += 3
        }
        last = engine.judge(f.call(at: t, prompt: 7))
        let decision = try! #require(last)
        #expect(!decision.labels.contains(.repeatedPrompt))
        #expect(decision.labels.contains(.retryStorm))
        #expect(decision.verdict == .genuine, "waste is not performance: \(decision)")
    }

    @Test func machineCadenceAloneIsCappedButNotWithUnusedRepetition() {
        // A batch job over distinct documents, each output written by a later span.
        let batch = DetectionEngine()
        var f = CallFactory(principal: "nightly")
        for i in 0..<20 {
            let call = f.call(at: Double(i) * 45, prompt: UInt64(1000 + i))
            let pending = batch.observe(call)
            batch.withTraces { $0.record(TraceTable.SpanFact(span: 99, start: call.endTimeUnixNano + 1, prompt: nil), in: pending.trace) }
            let decision = batch.decide(pending)
            if i >= 8 {
                #expect(decision.labels.contains(.automatedLoop))
                #expect(decision.verdict == .genuine, "\(decision)")
            }
        }
    }

    @Test func humanThinkTimeIsNotACadence() {
        let engine = DetectionEngine()
        var f = CallFactory()
        let gaps = [12.0, 340, 45, 900, 31, 150, 2400, 75, 20, 610, 95, 44]
        var t = 0.0
        for (i, gap) in gaps.enumerated() {
            t += gap
            #expect(!engine.judge(f.call(at: t, prompt: UInt64(i))).labels.contains(.automatedLoop))
        }
    }

    @Test func theSameDocumentPastedBeforeShortQuestionsIsContextBloat() {
        let engine = DetectionEngine()
        var f = CallFactory()
        var decision: Decision?
        for i in 0..<6 {
            decision = engine.judge(f.call(at: Double(i) * 300, prompt: UInt64(i), content: true, input: 12_000 + i, output: 30,
                                           largestMessage: 555))
        }
        let last = try! #require(decision)
        #expect(last.labels.contains(.contextBloat))
        #expect(last.verdict == .performative, "\(last)")
        #expect(last.findings.first { $0.label == .contextBloat }?.reason.contains("sent 5 times before") == true)
    }

    @Test func ragContextsThatVaryWithRealAnswersAreNotBloat() {
        let engine = DetectionEngine()
        var f = CallFactory()
        var t = 0.0
        for i in 0..<20 {
            let input = 3000 + (i * 2711) % 12_000
            t += Double(60 + (i * 337) % 900)  // human think-time, not a cadence
            let decision = engine.judge(f.call(at: t, prompt: UInt64(i), input: input, output: 400))
            #expect(!decision.labels.contains(.contextBloat))
            #expect(decision.verdict == .genuine)
        }
    }

    @Test func maximalOutputIsVerboseOnlyWhenNothingConsumesIt() {
        let engine = DetectionEngine()
        var f = CallFactory()
        let unused = engine.judge(f.call(at: 0, prompt: 1, output: 16_000, maxTokens: 16_384, finish: .length))
        #expect(unused.labels == [.verboseOutput, .unusedOutput])
        #expect(unused.verdict == .performative)

        let call = f.call(at: 100, prompt: 2, output: 16_000, maxTokens: 16_384, finish: .length)
        let pending = engine.observe(call)
        engine.withTraces { $0.record(TraceTable.SpanFact(span: 5, start: call.endTimeUnixNano, prompt: nil), in: pending.trace) }
        let consumed = engine.decide(pending)
        #expect(consumed.labels.isEmpty)
        #expect(consumed.verdict == .genuine)
    }

    @Test func severalAgentsOfOneOwnerOnTheSameTaskAreRedundant() {
        let engine = DetectionEngine()
        var f = CallFactory()
        var decision: Decision?
        for round in 0..<2 {
            for agent in 1...3 {
                decision = engine.judge(f.call(at: Double(round * 600 + agent * 7), prompt: 9, agent: "agent-\(agent)", system: 77))
            }
        }
        let last = try! #require(decision)
        #expect(last.labels.contains(.redundantAgent))
        #expect(last.findings.first { $0.label == .redundantAgent }?.reason.hasPrefix("3 agents") == true)
    }

    @Test func anOutcomeOutweighsASingleWeakSignal() {
        let outcomes = OutcomeIndex()
        let engine = DetectionEngine(outcomes: outcomes)
        var f = CallFactory()
        let call = f.call(at: 0, prompt: 1, output: 16_000, maxTokens: 16_384, finish: .length, trace: [UInt8](repeating: 0xEE, count: 16))
        outcomes.record(.init(kind: "pr_merged", timeUnixNano: 0), for: .trace(Array(call.traceID)))
        let decision = engine.judge(call)
        #expect(decision.verdict == .genuine)
        #expect(decision.labels.isEmpty, "an outcome consumes the output: \(decision)")
    }

    /// Outcomes posted through the API and calls seen on the wire meet on
    /// these keys, so they must stay the hash of "kind␟id".
    @Test func outcomeLinkKeysHashTheKindAndTheID() {
        for id in ["", "resp_1", "chatcmpl-AbCdEf0123456789xyz", "conv-ü-42"] {
            #expect(OutcomeIndex.Link.response(id).key == StableHash.of("response\u{1F}" + id))
            #expect(OutcomeIndex.Link.conversation(id).key == StableHash.of("conversation\u{1F}" + id))
        }
        #expect(OutcomeIndex.Link.response("a").key != OutcomeIndex.Link.conversation("a").key)
        var reference: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a, written out
        for byte in Array("response\u{1F}x\u{1F}".utf8) { reference = (reference ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        #expect(OutcomeIndex.Link.response("x").key == reference)
    }

    @Test func aGrowingConversationCountsAsGenuine() {
        let engine = DetectionEngine()
        var f = CallFactory()
        var input = 400
        let gaps = [30.0, 200, 45, 600, 90, 20, 300, 75]
        var t = 0.0
        for (i, gap) in gaps.enumerated() {
            t += gap
            let decision = engine.judge(f.call(at: t, prompt: UInt64(i), input: input, conversation: "c1"))
            #expect(decision.verdict == .genuine)
            input += 600
        }
    }

    @Test func combinerThresholdsAndWeightsComeFromConfig() {
        var config = DetectionConfig()
        config.performativeThreshold = 0.95
        config.suspectThreshold = 0.9
        let combiner = VerdictCombiner(config: config)
        let findings = [Finding(.repeatedPrompt, strength: 0.8, reason: "r"), Finding(.unusedOutput, strength: 0.5, reason: "u")]
        let decision = combiner.decide(findings, evidence: GenuineEvidence())
        #expect(decision.score == 0.85)
        #expect(decision.verdict == .genuine)
        config.detectors[.repeatedPrompt] = DetectorSettings(enabled: false, weight: 1)
        #expect(VerdictCombiner(config: config).decide(findings, evidence: GenuineEvidence()).labels == [.unusedOutput])
    }

    /// The combiner resolves each label's settings once: every label must
    /// get its own weight and switch, not a neighbour's.
    @Test func everyLabelIsScoredWithItsOwnWeightAndSwitch() {
        var config = DetectionConfig()
        for (index, label) in DetectionLabel.allCases.enumerated() {
            config.detectors[label] = DetectorSettings(enabled: true, weight: 0.05 + 0.1 * Double(index))
        }
        for (index, label) in DetectionLabel.allCases.enumerated() {
            let alone = [Finding(label, strength: 1, reason: "r")]
            // An automated loop alone counts for a quarter (batch jobs are automated too).
            let strength = label == .automatedLoop ? VerdictCombiner.loopCapAlone : 1
            let decision = VerdictCombiner(config: config).decide(alone, evidence: GenuineEvidence())
            // Scores are rounded to 0.001; neighbours' weights are 0.1 apart.
            #expect(abs(decision.score - (0.05 + 0.1 * Double(index)) * strength) <= 0.001, "\(label)")
            #expect(decision.labels == [label])
            var off = config
            off.detectors[label] = DetectorSettings(enabled: false, weight: 1)
            let others = DetectionLabel.allCases.map { Finding($0, strength: 1, reason: "r") }
            #expect(VerdictCombiner(config: off).decide(others, evidence: GenuineEvidence()).labels == DetectionLabel.allCases.filter { $0 != label })
        }
    }
}
