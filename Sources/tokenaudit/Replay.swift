import ArgumentParser
import TokenAudit

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Push recorded OTLP (.binpb, .json, .jsonl) through the configured pipelines, offline.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Signal of .binpb files whose name does not say it (traces or logs).")
    var signal: String?

    @Argument(help: "Files to replay, in order.")
    var files: [String]

    func validate() throws {
        if let signal, Signal(rawValue: signal) == nil { throw ValidationError("--signal must be traces or logs") }
        if files.isEmpty { throw ValidationError("name at least one file to replay") }
    }

    func run() async throws {
        let config = try options.load()
        AllocatorTuning.keepFreedMemory()
        let logger = DaemonLogging.bootstrap(level: config.service.logLevel)
        let daemon = try Daemon(config: config, logger: logger, serving: false)
        daemon.prepare()
        let replay = TokenAudit.Replay(daemon: daemon, signal: signal.flatMap(Signal.init(rawValue:)))
        let summary = try await replay.run(files: files)
        print("replayed \(summary.requests) requests: \(summary.spans) spans, \(summary.logRecords) log records")
    }
}
