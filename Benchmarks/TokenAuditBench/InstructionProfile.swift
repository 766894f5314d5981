import Foundation

/// `make profile`: each workload's instructions per span, counted by
/// valgrind's callgrind in a child process (`--repeat-WORKLOAD`), as ratios to
/// libprotobuf-c counted the same way in the same run, with the hottest
/// functions of every processor run.
///
/// Instruction counts repeat from run to run whatever else the machine is
/// doing, where times on these shared machines move 10-25%: a change of a few
/// percent shows here and is lost in `make bench`. They count work, not time
/// (cache misses and waiting do not show), so `make bench` stays the result
/// and this the instrument for finding and checking hot spots.
enum InstructionProfile {
    struct Row: Codable {
        var payload: String
        var workload: String
        /// Spans counted: passes × spans per pass.
        var spans: Int
        var instructions: Int
        var instructionsPerSpan: Double
        var ratioToBaseline: Double?
        /// Functions by their own instructions (callees excluded), hottest first.
        var hottest: [Hotspot]
    }

    struct Hotspot: Codable {
        var function: String
        var share: Double
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private struct Job: Sendable {
        var payload: String
        var spansPerPass: Int
        var workload: String
        var arguments: [String]
        var profiled: Bool
    }

    static func run(passes: Int, output: String, root: URL) async throws {
        let fixtures = root.deletingLastPathComponent().appendingPathComponent("shared/fixtures/real-instrumentation")
        var payloads: [(name: String, arguments: [String], spans: Int)] = [
            ("reference: 1,000 spans × 512 B, all LLM", ["--llm-share", "1"], 1000),
            ("reference: 1,000 spans × 512 B, 5% LLM", ["--llm-share", "0.05"], 1000),
            ("reference: 1,000 spans × 512 B, no LLM", ["--llm-share", "0"], 1000),
        ]
        for dialect in ["openllmetry", "openinference"] {
            guard let capture = try? Payloads.fixture(spans: 1000, fixturesRoot: fixtures, dialect: dialect) else { continue }
            payloads.insert((capture.name, ["--fixture", dialect], capture.spans), at: payloads.count - 2)
        }
        let workloads: [(name: String, arguments: [String], profiled: Bool)] = [
            (TokenAuditBench.baseline, ["--repeat-reference", "\(passes)"], false),
            ("OTLPWire walk + read gen_ai + splice 1 attr", ["--repeat-walk", "\(passes)"], false),
            ("tokenaudit processor (extract + detect + enrich)", ["--repeat-processor", "\(passes)"], true),
            ("  … and summaries, as the daemon runs it", ["--repeat-processor", "\(passes)", "--summaries"], true),
        ]
        let jobs = payloads.flatMap { payload in
            workloads.map { Job(payload: payload.name, spansPerPass: payload.spans, workload: $0.name,
                                arguments: $0.arguments + payload.arguments, profiled: $0.profiled) }
        }

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tokenaudit-profile-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // valgrind 3.19 cannot read the DWARF 5 that Swift 6.3 writes; symbols are enough for function names.
        let executable = scratch.appendingPathComponent("tokenaudit-bench").path
        guard let current = Bundle.main.executablePath else { throw Failure(description: "cannot find this executable's path") }
        try await launch("objcopy", ["--strip-debug", current, executable])

        print("callgrind: \(jobs.count) runs, \(passes) counted passes each, two at a time …")
        var rows = [Row?](repeating: nil, count: jobs.count)
        try await withThrowingTaskGroup(of: (Int, Row).self) { group in
            var next = 0
            func startNext() {
                guard next < jobs.count else { return }
                let (index, job) = (next, jobs[next])
                next += 1
                group.addTask { (index, try await count(job, passes: passes, executable: executable, scratch: scratch, slot: index)) }
            }
            startNext()
            startNext()
            var done = 0
            while let (index, row) = try await group.next() {
                rows[index] = row
                done += 1
                print(String(format: "  [%2d/%d] %@ / %@: %.0f instructions/span", done, jobs.count,
                             row.payload as NSString, row.workload.trimmingCharacters(in: .whitespaces) as NSString, row.instructionsPerSpan))
                startNext()
            }
        }
        var results = rows.compactMap { $0 }
        for index in results.indices {
            guard let base = results.first(where: { $0.payload == results[index].payload && $0.workload == TokenAuditBench.baseline }) else { continue }
            results[index].ratioToBaseline = base.instructionsPerSpan / results[index].instructionsPerSpan
        }
        try write(results, passes: passes, to: output, root: root)
        print("\nwrote \(output)/profile.json and \(output)/profile.md")
    }

    /// One callgrind run of `job`; only its counted passes are in the dump.
    private static func count(_ job: Job, passes: Int, executable: String, scratch: URL, slot: Int) async throws -> Row {
        let outFile = scratch.appendingPathComponent("run\(slot).out").path
        try await launch("valgrind", ["--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=\(outFile)", executable] + job.arguments)
        // `ta_instructions_end` wrote the first dump, `<out-file>.1`; the file itself holds the (uncounted) rest.
        let dump = outFile + ".1"
        guard let text = try? String(contentsOfFile: dump, encoding: .utf8) else {
            throw Failure(description: "callgrind wrote no dump for \(job.workload) on \(job.payload) (\(job.arguments.joined(separator: " ")))")
        }
        guard let total = text.split(separator: "\n").first(where: { $0.hasPrefix("summary:") || $0.hasPrefix("totals:") })
            .flatMap({ $0.split(separator: " ").dropFirst().first }).flatMap({ Int($0) }), total > 0 else {
            throw Failure(description: "no instruction total in \(dump)")
        }
        let spans = passes * job.spansPerPass
        let hottest = job.profiled ? try await hotspots(dump) : []
        return Row(payload: job.payload, workload: job.workload, spans: spans, instructions: total,
                   instructionsPerSpan: Double(total) / Double(spans), ratioToBaseline: nil, hottest: hottest)
    }

    /// The dump's functions by their own instructions, names demangled.
    private static func hotspots(_ dump: String, limit: Int = 12) async throws -> [Hotspot] {
        let annotated = try await launch("callgrind_annotate", ["--inclusive=no", "--threshold=100", dump])
        // Lines after the "file:function" header: "  1,234,567 ( 1.23%)  file:function [object]".
        var found: [(name: String, share: Double)] = []
        for line in annotated.split(separator: "\n").drop(while: { !$0.contains("file:function") }).dropFirst() {
            guard let open = line.firstIndex(of: "("), let close = line.range(of: "%)"), open < close.lowerBound,
                  let share = Double(line[line.index(after: open)..<close.lowerBound].trimmingCharacters(in: .whitespaces)) else { continue }
            var location = line[close.upperBound...].trimmingCharacters(in: .whitespaces)
            if location.hasSuffix("]"), let object = location.range(of: " [", options: .backwards) {
                location = String(location[..<object.lowerBound])
            }
            let function = location.firstIndex(of: ":").map { String(location[location.index(after: $0)...]) } ?? location
            found.append((function, share))
            if found.count == limit { break }
        }
        // Only Swift symbols: the demangler rewrites C names too (`__memcpy…` lost an underscore).
        let swiftNames = found.map(\.name).filter { $0.hasPrefix("$s") }
        let demangled = swiftNames.isEmpty ? [] : try await launch("swift", ["demangle", "--simplified", "--compact"] + swiftNames)
            .split(separator: "\n", omittingEmptySubsequences: false)
        var readable = Dictionary(zip(swiftNames, demangled.map(String.init)), uniquingKeysWith: { first, _ in first })
        readable = readable.filter { !$0.value.isEmpty }
        return found.map { entry in
            let name = readable[entry.name] ?? entry.name
            return Hotspot(function: name.count > 140 ? String(name.prefix(139)) + "…" : name, share: entry.share)
        }
    }

    /// Runs `tool` from PATH to its end without blocking a thread; its standard output.
    @discardableResult
    private static func launch(_ tool: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let collected = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let complaints = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let stdout = String(decoding: await collected.value, as: UTF8.self)
        let stderr = String(decoding: await complaints.value, as: UTF8.self)
        guard status == 0 else {
            let hint = status == 127 ? " (not installed? `make profile` installs valgrind)" : ""
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) exited with \(status)\(hint)\n\(stderr.suffix(2000))")
        }
        return stdout
    }

    static func write(_ rows: [Row], passes: Int, to folder: String, root: URL) throws {
        struct Document: Codable {
            var date: String
            var commit: String
            var machine: [String: String]
            var baseline: String
            var countedPassesPerWorkload: Int
            var results: [Row]
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let document = Document(date: ISO8601DateFormatter().string(from: Date()), commit: Report.commit(root), machine: Report.machine(),
                                baseline: TokenAuditBench.baseline, countedPassesPerWorkload: passes, results: rows)
        try Report.writeJSON(document, to: "\(folder)/profile.json")

        var md = Report.heading("tokenaudit instruction profile (callgrind)", commit: document.commit, date: document.date, machine: document.machine)
        md += "Instructions per span counted by valgrind's callgrind over \(passes) passes of each workload after one uncounted warm-up "
        md += "pass (`make profile`). Ratio: **\(document.baseline)**'s instructions per span on the same payload over ours (higher is "
        md += "less work). Counts repeat from run to run where times here do not; they do not see cache misses or waiting, so "
        md += "`make bench` (latest.md) holds the timed results.\n"
        md += Report.payloadTables(rows, payload: \.payload, header: "| workload | instructions/span | ratio |\n|---|---:|---:|") { row in
            String(format: "| %@ | %.0f | %.2f× |\n", row.workload as NSString, row.instructionsPerSpan, row.ratioToBaseline ?? 0)
        }
        md += "\n## Hottest functions of the processor runs (own instructions, callees excluded)\n"
        for row in rows where !row.hottest.isEmpty {
            md += "\n### \(row.payload): \(row.workload.trimmingCharacters(in: .whitespaces))\n\n| share | function |\n|---:|---|\n"
            for spot in row.hottest {
                md += String(format: "| %.1f%% | `%@` |\n", spot.share, spot.function.replacingOccurrences(of: "|", with: "\\|") as NSString)
            }
        }
        try md.write(toFile: "\(folder)/profile.md", atomically: true, encoding: .utf8)
    }
}
