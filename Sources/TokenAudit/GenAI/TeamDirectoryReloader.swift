import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads every team directory on SIGHUP, as daemons conventionally do; a
/// broken file is reported and the previous contents kept.
struct TeamDirectoryReloader: Service {
    let directories: [TeamDirectory]
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            for directory in directories {
                do {
                    try directory.reload()
                    logger.info("team directory reloaded", metadata: ["path": "\(directory.path)", "principals": "\(directory.count)"])
                } catch {
                    logger.error("team directory not reloaded; keeping the previous one", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
