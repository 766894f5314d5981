import Foundation

enum Report {
    static func line(_ r: Harness.Result) -> String {
        let ratio = r.ratioToBaseline.map { String(format: "%6.2f×", $0) } ?? "      "
        let name = r.workload.padding(toLength: 46, withPad: " ", startingAt: 0)
        return String(format: "  %@ %12.0f spans/s  %@  spread p10–p90 %5.1f%%  %6.2f allocs/span",
                      name as NSString, r.spansPerSecond, ratio as NSString,
                      (r.p90Nanoseconds - r.p10Nanoseconds) / r.medianNanoseconds * 100, r.allocationsPerSpan)
    }

    static func machine() -> [String: String] {
        var info: [String: String] = ["cores": "\(ProcessInfo.processInfo.activeProcessorCount)"]
        if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            .split(separator: "\n").first(where: { $0.hasPrefix("model name") }) {
            info["cpu"] = cpu.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        info["memory_gib"] = String(format: "%.0f", Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824)
        #if DEBUG
        info["build"] = "debug (numbers are not representative; use make bench)"
        #else
        info["build"] = "release"
        #endif
        return info
    }

    static func commit(_ root: URL) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["-C", root.path, "rev-parse", "--short", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "unknown" }
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `document` as sorted, indented JSON at `path`.
    static func writeJSON(_ document: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(document).write(to: URL(fileURLWithPath: path))
    }

    /// A results page's title and the line that says where its figures come from.
    static func heading(_ title: String, commit: String, date: String, machine: [String: String]) -> String {
        "# \(title)\n\nCommit `\(commit)`, \(date). Machine: \(machine.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")).\n\n"
    }

    /// One Markdown table per payload (rows arrive grouped by payload),
    /// each under its `## payload` heading and `header`.
    static func payloadTables<Row>(_ rows: [Row], payload: (Row) -> String, header: String, line: (Row) -> String) -> String {
        var md = ""
        var current: String?
        for row in rows {
            if payload(row) != current {
                current = payload(row)
                md += "\n## \(payload(row))\n\n\(header)\n"
            }
            md += line(row)
        }
        return md
    }

    struct Document: Codable {
        var date: String
        var commit: String
        var machine: [String: String]
        var baseline: String
        var results: [Harness.Result]
        var principalMemory: PrincipalMemory.Result?
        var pipelineScaling: [PipelineScaling.Run]?
        var endToEnd: EndToEnd.Result?
    }

    static func write(_ results: [Harness.Result], memory: PrincipalMemory.Result?, scaling: [PipelineScaling.Run]?, endToEnd: EndToEnd.Result?,
                      to folder: String, root: URL) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let document = Document(
            date: ISO8601DateFormatter().string(from: Date()), commit: commit(root), machine: machine(),
            baseline: TokenAuditBench.baseline, results: results, principalMemory: memory, pipelineScaling: scaling, endToEnd: endToEnd)
        try writeJSON(document, to: "\(folder)/latest.json")

        var md = heading("tokenaudit benchmarks", commit: document.commit, date: document.date, machine: document.machine)
        md += "Ratios are against **\(document.baseline)** on the same payload in the same run (higher is faster). "
        md += "Spread is the 10th–90th percentile range of per-iteration times relative to the median.\n"
        md += payloadTables(results, payload: \.payload,
                            header: "| workload | spans/s (median) | ratio | spread | allocations/span | iterations |\n|---|---:|---:|---:|---:|---:|") { r in
            String(format: "| %@ | %.0f | %.2f× | %.1f%% | %.2f | %d |\n", r.workload as NSString, r.spansPerSecond,
                   r.ratioToBaseline ?? 0, (r.p90Nanoseconds - r.p10Nanoseconds) / r.medianNanoseconds * 100,
                   r.allocationsPerSpan, r.iterations)
        }
        if let m = memory {
            md += "\n## Principal state\n\n| principals tracked | calls fed | state per principal | RSS growth | peak RSS of the bench process |\n|---:|---:|---:|---:|---:|\n"
            md += String(format: "| %d | %d | %.0f B | %.0f MiB | %.0f MiB |\n", m.principals, m.calls, m.stateBytesPerPrincipal, m.residentGrowthMiB, m.peakResidentMiB)
        }
        if let runs = scaling, let one = runs.first {
            md += "\n## Pipeline scaling (memory queue → processor → counting exporter, reference payload, all LLM)\n\n| preparers | spans/s | vs one |\n|---:|---:|---:|\n"
            for run in runs {
                md += String(format: "| %d | %.0f | %.2f× |\n", run.preparers, run.spansPerSecond, run.spansPerSecond / one.spansPerSecond)
            }
        }
        if let e = endToEnd {
            md += "\n## End to end over OTLP/HTTP (4 connections, reference payload)\n\n"
            md += "Accepted: spans answered 200 per second of load. Sustained: the same spans over the time until the target had "
            md += "delivered all of them (its queues absorb part of a short run). Refused: answered 503 (a queue was full); the "
            md += "client sends again at once; not in spans/s or latency. Ratios use sustained rates.\n\n"
            md += runTable([e.nullSink, e.daemon] + e.breakdown)
            md += String(format: "\nRatio (tokenaudit / null sink): **%.2f**. Peak RSS of the bench process (both servers and the clients): %.0f MiB.\n",
                         e.ratio, e.peakResidentMiB)
            if let mixed = e.mixed {
                md += "\nThe same with 5% of spans LLM calls (the reference payload's other spans pass through):\n\n"
                md += runTable([mixed.nullSink, mixed.daemon])
                md += String(format: "\nRatio at 5%% LLM: **%.2f**.\n", mixed.ratio)
            }
            if let small = e.small {
                md += "\nSmall requests (10 spans each, all LLM calls), where per-request costs dominate:\n\n"
                md += runTable([small.nullSink, small.daemon])
                md += String(format: "\nRatio with 10-span requests: **%.2f**.\n", small.ratio)
            }
            if !e.halfLoad.isEmpty {
                md += "\n### Latency at half of what the daemon sustains\n\n"
                md += "Open loop: requests sent on a schedule, latency counted from each one's due time. Sink and daemon take "
                md += "\(EndToEnd.HalfLoad.segments) turns each; medians of the turns, each turn's p99 range in parentheses.\n\n"
                md += "| payload | requests/s | null sink p50 / p99 | tokenaudit p50 / p99 | p99 added |\n|---|---:|---:|---:|---:|\n"
                for half in e.halfLoad {
                    let (sink, daemon) = (half.p99Range(half.nullSink), half.p99Range(half.daemon))
                    md += String(format: "| %@ | %.0f | %.1f / %.1f ms (%.1f–%.1f) | %.1f / %.1f ms (%.1f–%.1f) | **%.1f ms** |\n",
                                 half.payload as NSString, half.requestsPerSecond,
                                 half.p50(half.nullSink), half.nullSinkP99Milliseconds, sink.lowerBound, sink.upperBound,
                                 half.p50(half.daemon), half.daemonP99Milliseconds, daemon.lowerBound, daemon.upperBound,
                                 half.addedP99Milliseconds)
                }
            }
        }
        try md.write(toFile: "\(folder)/latest.md", atomically: true, encoding: .utf8)
    }

    private static func runTable(_ runs: [EndToEnd.Run]) -> String {
        var md = "| target | spans/s sustained | spans/s accepted | p50 | p99 | requests | refused |\n|---|---:|---:|---:|---:|---:|---:|\n"
        for run in runs {
            md += String(format: "| %@ | %.0f | %.0f | %.1f ms | %.1f ms | %d | %d |\n", run.target as NSString, run.sustainedSpansPerSecond,
                         run.spansPerSecond, run.p50Milliseconds, run.p99Milliseconds, run.requests, run.refused)
        }
        return md
    }
}
