import ArgumentParser
import Foundation
import TokenAudit

struct Soak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run this daemon under steady load for a while, with a backend that keeps failing, and check that nothing accepted is lost and memory stays flat.")

    @Option(help: "How long the load runs (e.g. 90s, 10m, 1h).")
    var duration = "10m"

    @Option(help: "Export requests per second.")
    var rate = 40

    @Option(help: "Spans per request.")
    var spans = 50

    @Flag(help: "A backend that never fails (the failure profile is: 10% 503/429, 5% slow, a 5 s outage every 30 s).")
    var healthyBackend = false

    @Option(help: "Folder for soak.json and soak.md.")
    var output = "bench/results"

    @Option(help: "Working folder for the daemon's config, storage and log.")
    var workdir = ".build/soak"

    func run() async throws {
        guard let length = SoakPlan.duration(duration), length >= .seconds(5) else {
            throw ValidationError("--duration must be a duration of at least 5s, such as 90s or 10m")
        }
        var plan = SoakPlan()
        plan.duration = length
        plan.requestsPerSecond = rate
        plan.spansPerRequest = spans
        if healthyBackend { plan.failures = .none }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        try? FileManager.default.removeItem(atPath: workdir)
        let seconds = Int(length.components.seconds)
        let bar = ProgressBar(total: seconds, label: "soak: \(duration) at \(rate) requests/s × \(spans) spans")
        let report = try await SoakRun(plan: plan, executable: executable, directory: workdir).run { fraction, status in
            bar.update(Int(fraction * Double(seconds)))
            if status.hasPrefix("draining") { FileHandle.standardError.write(Data("\n\(status)".utf8)) }
        }
        bar.finish()
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: URL(fileURLWithPath: output + "/soak.json"))
        try report.markdown.write(toFile: output + "/soak.md", atomically: true, encoding: .utf8)
        print(report.markdown)
        if !report.passed { throw ExitCode(1) }
    }
}
