import Foundation
import Logging
import ServiceLifecycle
@testable import TokenAudit

/// A daemon running in-process on ephemeral ports, from YAML.
final class TestDaemon: Sendable {
    let daemon: Daemon
    let group: ServiceGroup
    let run: Task<Void, any Error>
    let directory: String

    /// `yaml` may use `{dir}` for a fresh temporary folder.
    init(yaml: String) async throws {
        let directory = TestFiles.temporaryDirectory()
        let config = try TokenAuditConfig.parse(yaml: yaml.replacingOccurrences(of: "{dir}", with: directory), source: "test")
        var logger = Logger(label: "test-daemon")
        logger.logLevel = .critical
        daemon = try Daemon(config: config, logger: logger)
        daemon.prepare()
        let group = try daemon.serviceGroup(gracefulShutdownSignals: [])
        self.group = group
        self.directory = directory
        run = Task { try await group.run() }
    }

    var httpPort: Int {
        get async { await daemon.receivers.values.first!.httpAddress.port() }
    }

    var adminPort: Int {
        get async { await daemon.adminAddress.port() }
    }

    func url(_ path: String) async -> String { "http://127.0.0.1:\(await httpPort)\(path)" }

    /// Graceful shutdown, as on SIGTERM; returns when every service has stopped.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await run.value
    }

    /// A config with one HTTP receiver on an ephemeral port feeding both
    /// signals into `exporters` (YAML of the `exporters:` section body).
    /// `intact: true` turns content redaction off, for tests about bytes
    /// arriving unchanged.
    static func yaml(exporters: String, exporterIDs: [String], queue: String = "", receiverExtra: String = "", intact: Bool = false) -> String {
        """
        receivers:
          otlp:
            protocols:
              http:
                endpoint: 127.0.0.1:0
        \(receiverExtra)
              grpc:
                endpoint: 127.0.0.1:0
        processors:
          tokenaudit: \(intact ? "{ redact_content: false }" : "{}")
        exporters:
        \(exporters)
        service:
          pipelines:
            traces: { receivers: [otlp], processors: [tokenaudit], exporters: [\(exporterIDs.joined(separator: ", "))] \(queue) }
            logs: { receivers: [otlp], processors: [tokenaudit], exporters: [\(exporterIDs.joined(separator: ", "))] \(queue) }
          admin: { endpoint: 127.0.0.1:0 }
          storage: { path: {dir}/storage }
        """
    }
}

enum TestFiles {
    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tokenaudit-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func lines(_ path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }
}
