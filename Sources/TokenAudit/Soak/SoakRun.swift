import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A soak run: the real `tokenaudit` executable as a child process (so its
/// memory is measured alone), a `SoakLoad` in front of it, a `SoakBackend`
/// behind it, RSS sampled every second, and at the end the proof that every
/// span the daemon accepted reached the backend.
public struct SoakRun: Sendable {
    public var plan: SoakPlan
    /// The `tokenaudit` binary to run (`serve --config …`).
    public var executable: String
    /// Working folder: config, storage and the daemon's log.
    public var directory: String

    public init(plan: SoakPlan, executable: String, directory: String) {
        self.plan = plan
        self.executable = executable
        self.directory = directory
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs the soak; `progress` hears about once a second (fraction of the
    /// load done, a status line), and while the daemon drains (fraction 1).
    public func run(progress: @escaping @Sendable (Double, String) -> Void = { _, _ in }) async throws -> SoakReport {
        var quiet = Logger(label: "soak")
        quiet.logLevel = .error
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let backend = SoakBackend(failures: plan.failures, logger: quiet)
        defer { Task { await backend.stop() } }
        let backendPort = await backend.address.port()
        let httpPort = try Self.freePort(), adminPort = try Self.freePort()
        let configPath = directory + "/soak.yaml"
        try config(httpPort: httpPort, adminPort: adminPort, backendPort: backendPort)
            .write(toFile: configPath, atomically: true, encoding: .utf8)

        let daemon = try DaemonChild(executable: executable, arguments: ["serve", "--config", configPath], log: directory + "/daemon.log")
        guard await Self.waitUntilHealthy(adminPort: adminPort, daemon: daemon) else {
            daemon.kill()
            throw Failure(description: "the daemon did not become healthy; see \(directory)/daemon.log")
        }

        let start = ContinuousClock.now
        let samples = SampleLog()
        let sampler = Task {
            while !Task.isCancelled {
                if let rss = ProcessMemory.bytes(.resident, of: daemon.pid) {
                    let second = (ContinuousClock.now - start).seconds
                    samples.append(.init(second: second, rssMiB: Double(rss) / 1_048_576))
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        let load = SoakLoad(plan: plan, url: "http://127.0.0.1:\(httpPort)/v1/traces")
        let reporter = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let elapsed = (ContinuousClock.now - start).seconds, counts = load.snapshot, delivered = backend.counts.uniqueSpans
                let rss = samples.all.last?.rssMiB ?? 0
                progress(min(1, elapsed / plan.duration.seconds),
                         String(format: "%d spans accepted, %d delivered, RSS %.0f MiB", counts.acceptedSpans, delivered, rss))
            }
        }
        await load.run(until: start + plan.duration)
        reporter.cancel()

        // Drain: the daemon keeps retrying into the failing backend.
        let accepted = load.snapshot.acceptedSpans
        let drainDeadline = ContinuousClock.now + plan.drainTimeout
        var ticks = 0
        while backend.counts.uniqueSpans < accepted, ContinuousClock.now < drainDeadline {
            if ticks % 5 == 0 { progress(1, "draining: \(backend.counts.uniqueSpans) of \(accepted) spans delivered") }
            ticks += 1
            try await Task.sleep(for: .milliseconds(200))
        }
        let stopping = ContinuousClock.now
        daemon.terminate()
        let status = await daemon.exitStatus()
        let shutdown = (ContinuousClock.now - stopping).seconds
        sampler.cancel()
        let peak = samples.all.map(\.rssMiB).max() ?? 0

        let counts = load.snapshot, received = backend.counts
        let recorded = samples.all
        let warmUp = plan.duration.seconds * plan.warmUpFraction
        let trend = SoakReport.trend(recorded, warmUp: warmUp)
        let warmRSS = recorded.first { $0.second >= warmUp }?.rssMiB ?? 0
        return SoakReport(
            commit: Self.commit(), durationSeconds: plan.duration.seconds,
            requestsPerSecond: plan.requestsPerSecond, spansPerRequest: plan.spansPerRequest,
            acceptedSpans: counts.acceptedSpans, deliveredSpans: received.uniqueSpans,
            duplicateSpans: received.spans - received.uniqueSpans,
            lostSpans: max(0, counts.acceptedSpans - received.uniqueSpans), abandonedSpans: counts.abandonedSpans,
            backpressureAnswers: counts.backpressure, loadErrors: counts.errors,
            injected: ["503": received.refused503, "429": received.refused429, "502 (outage)": received.outage502, "slow": received.slow],
            daemonExitStatus: status, shutdownSeconds: shutdown, samples: recorded, warmUpSeconds: warmUp,
            rssSlopeMiBPerHour: trend.slope, rssGrowthMiB: trend.growth, peakRSSMiB: peak,
            growthAllowanceMiB: max(16, warmRSS * 0.1))
    }

    func config(httpPort: Int, adminPort: Int, backendPort: Int) -> String {
        """
        # Written by `tokenaudit soak`.
        receivers:
          otlp:
            protocols:
              http: { endpoint: 127.0.0.1:\(httpPort) }
        processors:
          tokenaudit: { decision_wait: 1s }
        exporters:
          otlp_http:
            endpoint: http://127.0.0.1:\(backendPort)
            # Retry quickly and never give up: the backend's failures are all transient.
            retry_on_failure: { initial_interval: 100ms, max_interval: 2s, max_elapsed_time: 0s }
        service:
          pipelines:
            traces: { receivers: [otlp], processors: [tokenaudit], exporters: [otlp_http] }
          admin: { endpoint: 127.0.0.1:\(adminPort) }
          storage: { path: \(directory)/storage }
          telemetry: { logs: { level: warn } }
        """
    }

    static func waitUntilHealthy(adminPort: Int, daemon: DaemonChild) async -> Bool {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { Task { try? await client.shutdown() } }
        for _ in 0..<600 where daemon.isRunning {
            if let response = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(adminPort)/healthz"), timeout: .seconds(2)),
               response.status == .ok {
                return true
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A port nobody listens on now (bound to 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The checked-out commit, read from `.git` (no child process: this
    /// runs on a cooperative thread), or "?".
    static func commit(repository: String = FileManager.default.currentDirectoryPath) -> String {
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: repository + "/.git/" + path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let head = read("HEAD") else { return "?" }
        guard head.hasPrefix("ref: ") else { return String(head.prefix(7)) }
        let ref = String(head.dropFirst(5))
        if let hash = read(ref) { return String(hash.prefix(7)) }
        let packed = read("packed-refs")?.split(separator: "\n").first { $0.hasSuffix(" " + ref) }
        return packed.map { String($0.prefix(7)) } ?? "?"
    }
}

/// RSS samples, appended by the sampling task and read at the end.
final class SampleLog: Sendable {
    private let samples = Mutex<[SoakReport.Sample]>([])
    func append(_ sample: SoakReport.Sample) { samples.withLock { $0.append(sample) } }
    var all: [SoakReport.Sample] { samples.withLock { $0 } }
}
