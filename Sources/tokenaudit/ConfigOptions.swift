import ArgumentParser
import Foundation
import Logging
import TokenAudit

/// `--config FILE`; without it, the embedded default configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Collector-shaped YAML configuration (default: the embedded default).")
    var config: String?

    func load() throws -> TokenAuditConfig {
        guard let config else { return TokenAuditConfig.embeddedDefault() }
        let yaml: String
        do {
            yaml = try String(contentsOfFile: config, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read configuration \(config): \(error.localizedDescription)")
        }
        return try TokenAuditConfig.parse(yaml: yaml, source: config)
    }
}

/// One logging setup for every command: human-readable lines on stderr.
enum DaemonLogging {
    static func bootstrap(level: String) -> Logger {
        let parsed: Logger.Level = level == "warn" ? .warning : Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
        return Logger(label: "tokenaudit")
    }
}
