import ArgumentParser
import Foundation
import Synchronization
import TokenAudit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a simulated organisation's LLM traffic and push it through the pipelines offline, or to a running daemon.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Seed: each seed is a different organisation.")
    var seed: UInt64 = 7

    @Option(help: "Simulated days.")
    var days: Int = 3

    @Option(help: "Send over OTLP/HTTP to this base URL (http://127.0.0.1:4318) instead of replaying offline.")
    var endpoint: String?

    func validate() throws {
        guard (1...60).contains(days) else { throw ValidationError("--days must be between 1 and 60") }
    }

    func run() async throws {
        let traffic = TrafficSimulator(seed: seed, days: days).generate()
        let total = traffic.requests.count
        let bar = ProgressBar(total: total, label: "\(traffic.truth.count) LLM calls of \(traffic.principals.count) principals over \(days) days")
        if let endpoint {
            let url = try Self.tracesURL(endpoint)
            for (index, batch) in traffic.requests.enumerated() {
                var request = URLRequest(url: url)
                request.httpMethod = "POST"
                request.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(batch.request.readableBytesView)
                while true {
                    let (_, response) = try await URLSession.shared.data(for: request)
                    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                    if status == 200 { break }
                    guard status == 503 || status == 429 else { throw ValidationError("\(url) answered \(status)") }
                    try await Task.sleep(for: .milliseconds(200))  // the daemon asked to retry
                }
                bar.update(index + 1)
            }
        } else {
            let config = try options.load()
            let logger = DaemonLogging.bootstrap(level: config.service.logLevel == "info" ? "warning" : config.service.logLevel)
            let daemon = try Daemon(config: config, logger: logger, serving: false)
            _ = try await TokenAudit.Replay(daemon: daemon).run(batches: traffic.requests) { summary in bar.update(summary.requests) }
        }
        bar.finish()
    }

    static func tracesURL(_ endpoint: String) throws -> URL {
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        guard let url = URL(string: base.hasSuffix("/v1/traces") ? base : base + "/v1/traces"), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--endpoint must be an http(s) URL such as http://127.0.0.1:4318")
        }
        return url
    }
}

/// A one-line progress bar on stderr, redrawn only when it moves.
final class ProgressBar: Sendable {
    let total: Int
    let label: String
    private let shown = Mutex(-1)

    init(total: Int, label: String) {
        self.total = max(1, total)
        self.label = label
    }

    func update(_ done: Int) {
        let filled = min(30, done * 30 / total)
        guard shown.withLock({ previous in defer { previous = filled }; return previous != filled }) else { return }
        let line = "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] \(label)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        update(total)
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
