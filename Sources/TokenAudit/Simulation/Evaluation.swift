import Foundation
import Logging
import OTLPWire

/// `make eval`: replays simulated organisations through the real pipeline
/// (receiver-less daemon, tokenaudit processor, file exporter) and scores the
/// verdicts written on the spans against the simulator's ground truth.
public struct Evaluation: Sendable {
    /// True/false positives and negatives, by count and weighted by tokens.
    public struct Confusion: Sendable, Equatable {
        public var truePositives = 0.0, falsePositives = 0.0, falseNegatives = 0.0, trueNegatives = 0.0

        mutating func add(predicted: Bool, actual: Bool, weight: Double = 1) {
            switch (predicted, actual) {
            case (true, true): truePositives += weight
            case (true, false): falsePositives += weight
            case (false, true): falseNegatives += weight
            case (false, false): trueNegatives += weight
            }
        }

        public var precision: Double { truePositives / max(1e-9, truePositives + falsePositives) }
        public var recall: Double { truePositives / max(1e-9, truePositives + falseNegatives) }
        public var f1: Double { 2 * precision * recall / max(1e-9, precision + recall) }
    }

    public struct PrincipalScore: Sendable {
        public var principal: String
        public var persona: PersonaKind
        public var tokens: Int
        /// Share of its tokens in calls judged performative.
        public var performativeShare: Double
    }

    public struct Result: Sendable {
        public var seed: UInt64
        public var calls = 0
        /// Positive = verdict `performative`.
        public var performative = Confusion()
        public var performativeByTokens = Confusion()
        /// Positive = `suspect` or `performative`.
        public var flagged = Confusion()
        /// Per label: performative calls of personas expected to show it, and how many did.
        public var labelRecall: [DetectionLabel: (hit: Int, total: Int)] = [:]
        /// Per genuine persona: genuine calls judged performative / suspect / all.
        public var genuineCalls: [PersonaKind: (performative: Int, suspect: Int, total: Int)] = [:]
        /// Per genuine persona: the label sets of its calls judged performative (why they were).
        public var falsePositiveLabels: [PersonaKind: [String: Int]] = [:]
        public var ranking: [PrincipalScore] = []
        /// Spans with ground truth that never came out of the pipeline.
        public var missing = 0

        /// Every tokenmaxxer ranks above every genuine principal.
        public var rankingSeparates: Bool {
            let lowestMaxxer = ranking.filter { $0.persona.isTokenmaxxer }.map(\.performativeShare).min() ?? 1
            let highestGenuine = ranking.filter { !$0.persona.isTokenmaxxer }.map(\.performativeShare).max() ?? 0
            return lowestMaxxer > highestGenuine
        }
    }

    public var decisionWait = "2s"

    public init() {}

    /// Generates `simulator`'s traffic, replays it and scores the output.
    public func run(_ simulator: TrafficSimulator, progress: @escaping @Sendable (Replay.Summary) -> Void = { _ in }) async throws -> Result {
        let traffic = simulator.generate()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenaudit-eval-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try TokenAuditConfig.parse(yaml: """
            receivers:
              otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } }
            processors:
              tokenaudit: { decision_wait: \(decisionWait) }
            exporters:
              file: { path: \(folder)/enriched.jsonl, rotation: { max_megabytes: 0 } }
            service:
              pipelines:
                traces: { receivers: [otlp], processors: [tokenaudit], exporters: [file] }
              storage: { path: \(folder) }
            """, source: "evaluation")
        var logger = Logger(label: "tokenaudit.eval")
        logger.logLevel = .warning
        let daemon = try Daemon(config: config, logger: logger, serving: false)
        _ = try await Replay(daemon: daemon).run(batches: traffic.requests, progress: progress)
        return try score(output: folder + "/enriched.jsonl", traffic: traffic, seed: simulator.seed)
    }

    func score(output path: String, traffic: TrafficSimulator.Traffic, seed: UInt64) throws -> Result {
        var result = Result(seed: seed)
        var seen = Set<UInt64>()
        var tokens: [String: (all: Int, performative: Int)] = [:]
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") where !line.isEmpty {
            let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: Array(line.utf8), as: OTLPSchema.exportTraceRequest)
            protobuf.withUnsafeBytes { raw in
                ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                    let key = TrafficSimulator.key(span.spanID.rawBytes)
                    guard let truth = traffic.truth[key] else { return }
                    seen.insert(key)
                    let verdict = span.attributes["tokenaudit.verdict"]?.stringValue.flatMap { Verdict(rawValue: $0.string) } ?? .genuine
                    var labels = Set<DetectionLabel>()
                    if case .array(let items)? = span.attributes["tokenaudit.labels"]?.value {
                        for item in items { if let name = item.stringValue, let label = DetectionLabel(rawValue: name.string) { labels.insert(label) } }
                    }
                    record(truth, verdict: verdict, labels: labels, into: &result, tokens: &tokens)
                }
            }
        }
        result.missing = traffic.truth.count - seen.count
        result.ranking = tokens.map { principal, t in
            PrincipalScore(principal: principal, persona: traffic.principals[principal] ?? .interactive, tokens: t.all,
                           performativeShare: Double(t.performative) / Double(max(1, t.all)))
        }.sorted { ($0.performativeShare, $0.tokens) > ($1.performativeShare, $1.tokens) }
        return result
    }

    private func record(_ truth: SimulatedCall, verdict: Verdict, labels: Set<DetectionLabel>, into r: inout Result,
                        tokens: inout [String: (all: Int, performative: Int)]) {
        let weight = Double(truth.inputTokens + truth.outputTokens)
        r.calls += 1
        r.performative.add(predicted: verdict == .performative, actual: truth.performative)
        r.performativeByTokens.add(predicted: verdict == .performative, actual: truth.performative, weight: weight)
        r.flagged.add(predicted: verdict != .genuine, actual: truth.performative)
        if truth.performative {
            for label in truth.persona.expectedLabels {
                var entry = r.labelRecall[label] ?? (0, 0)
                entry.total += 1
                if labels.contains(label) { entry.hit += 1 }
                r.labelRecall[label] = entry
            }
        } else {
            var entry = r.genuineCalls[truth.persona] ?? (0, 0, 0)
            entry.total += 1
            if verdict == .performative {
                entry.performative += 1
                r.falsePositiveLabels[truth.persona, default: [:]][labels.sorted().map(\.rawValue).joined(separator: "+"), default: 0] += 1
            }
            if verdict == .suspect { entry.suspect += 1 }
            r.genuineCalls[truth.persona] = entry
        }
        tokens[truth.principal, default: (0, 0)].all += truth.inputTokens + truth.outputTokens
        if verdict == .performative { tokens[truth.principal, default: (0, 0)].performative += truth.inputTokens + truth.outputTokens }
    }
}
