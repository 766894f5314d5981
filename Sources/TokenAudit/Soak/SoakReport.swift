import Foundation

/// What a soak run measured, and whether it passed: nothing accepted was
/// lost, nothing failed that should not, and memory stopped growing after
/// warm-up.
public struct SoakReport: Codable, Sendable {
    public struct Sample: Codable, Sendable {
        public var second: Double
        public var rssMiB: Double
    }

    public var commit: String
    public var durationSeconds: Double
    public var requestsPerSecond: Int
    public var spansPerRequest: Int
    /// Spans the daemon answered 200 for.
    public var acceptedSpans: Int
    /// Distinct spans the backend received (by trace and span id).
    public var deliveredSpans: Int
    /// Deliveries of a span already delivered (at-least-once retries).
    public var duplicateSpans: Int
    public var lostSpans: Int
    /// Spans the load gave up on at the end (never accepted, so not lost).
    public var abandonedSpans: Int
    public var backpressureAnswers: Int
    public var loadErrors: [String: Int]
    public var injected: [String: Int]
    public var daemonExitStatus: Int32
    /// Time from SIGTERM to exit, with everything delivered.
    public var shutdownSeconds: Double
    public var samples: [Sample]
    public var warmUpSeconds: Double
    /// Least-squares slope of RSS after warm-up.
    public var rssSlopeMiBPerHour: Double
    /// Mean RSS over the last tenth of the run minus over the first tenth after warm-up.
    public var rssGrowthMiB: Double
    public var peakRSSMiB: Double
    /// Growth allowed after warm-up before the run counts as leaking.
    public var growthAllowanceMiB: Double

    public var passed: Bool { problems.isEmpty }

    public var problems: [String] {
        var out: [String] = []
        if lostSpans != 0 { out.append("\(lostSpans) accepted spans never reached the backend") }
        if !loadErrors.isEmpty { out.append("unexpected answers to the load: \(loadErrors)") }
        if daemonExitStatus != 0 { out.append("the daemon exited with status \(daemonExitStatus)") }
        if rssGrowthMiB > growthAllowanceMiB { out.append(String(format: "RSS grew %.1f MiB after warm-up (allowed %.1f)", rssGrowthMiB, growthAllowanceMiB)) }
        if acceptedSpans == 0 { out.append("no span was accepted") }
        return out
    }

    /// Slope (per hour) and growth of RSS after `warmUp` seconds.
    static func trend(_ samples: [Sample], warmUp: Double) -> (slope: Double, growth: Double) {
        let steady = samples.filter { $0.second >= warmUp }
        guard steady.count >= 4 else { return (0, 0) }
        let n = Double(steady.count)
        let meanX = steady.map(\.second).reduce(0, +) / n, meanY = steady.map(\.rssMiB).reduce(0, +) / n
        let sxx = steady.map { ($0.second - meanX) * ($0.second - meanX) }.reduce(0, +)
        let sxy = steady.map { ($0.second - meanX) * ($0.rssMiB - meanY) }.reduce(0, +)
        let slope = sxx > 0 ? sxy / sxx * 3600 : 0
        let tenth = max(1, steady.count / 10)
        let head = steady.prefix(tenth).map(\.rssMiB).reduce(0, +) / Double(tenth)
        let tail = steady.suffix(tenth).map(\.rssMiB).reduce(0, +) / Double(tenth)
        return (slope, tail - head)
    }

    public var markdown: String {
        var lines = [
            "# Soak: \(Int(durationSeconds))s at \(requestsPerSecond) requests/s × \(spansPerRequest) spans, backend failing on purpose",
            "",
            "commit \(commit) — **\(passed ? "PASSED" : "FAILED")**\(passed ? "" : ": " + problems.joined(separator: "; "))",
            "",
            "| what | value |", "|---|---|",
            "| spans accepted by the daemon | \(acceptedSpans) |",
            "| distinct spans delivered to the backend | \(deliveredSpans) |",
            "| **spans lost** | **\(lostSpans)** |",
            "| duplicate deliveries (retries after a lost answer) | \(duplicateSpans) |",
            "| 429/503 backpressure answers to the load | \(backpressureAnswers) |",
            "| other errors seen by the load | \(loadErrors.isEmpty ? "none" : "\(loadErrors)") |",
            "| failures injected by the backend | \(injected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) |",
            "| daemon exit status / shutdown time | \(daemonExitStatus) / \(String(format: "%.1f", shutdownSeconds)) s |",
            String(format: "| daemon RSS: peak / slope after %.0f s warm-up / growth | %.1f MiB / %+.1f MiB/h / %+.1f MiB (allowed %.0f) |",
                   warmUpSeconds, peakRSSMiB, rssSlopeMiBPerHour, rssGrowthMiB, growthAllowanceMiB),
            "",
            "RSS over time (MiB, one row per tenth of the run):",
            "",
            "| second | RSS MiB |", "|---|---|",
        ]
        let step = max(1, samples.count / 10)
        for sample in stride(from: 0, to: samples.count, by: step).map({ samples[$0] }) + (samples.last.map { [$0] } ?? []) {
            lines.append(String(format: "| %.0f | %.1f |", sample.second, sample.rssMiB))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
