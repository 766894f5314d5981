import ArgumentParser
import TokenAudit

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: receive OTLP, process it, export it. SIGTERM or SIGINT stops it gracefully.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        AllocatorTuning.keepFreedMemory()
        let logger = DaemonLogging.bootstrap(level: config.service.logLevel)
        logger.info("starting tokenaudit", metadata: ["config": "\(options.config ?? "(embedded default)")"])
        let daemon = try Daemon(config: config, logger: logger)
        daemon.prepare()
        try await daemon.serviceGroup().run()
        logger.info("tokenaudit stopped; every accepted request was handed to the exporters")
    }
}
