import Foundation
import Logging
public import ServiceLifecycle
import Synchronization

/// Something a pipeline asks before it accepts a request.
protocol AdmissionGuard: Sendable {
    /// Why new data must be refused now, or nil to accept it.
    var refusal: String? { get }
}

/// The `memory_limiter` processor: a service samples the resident set size
/// every `check_interval`; while it is above the soft limit, every pipeline
/// naming the processor refuses new requests (the receivers answer 503 /
/// UNAVAILABLE with a retry hint). Accepted data is never dropped.
public final class MemoryLimiter: TelemetryProcessor, AdmissionGuard, Service {
    public let id: ComponentID
    public let config: MemoryLimiterConfig
    private let refusing = Atomic<Bool>(false)
    private let lastRSS = Atomic<Int>(0)
    private let logger: Logger

    init(id: ComponentID, config: MemoryLimiterConfig, logger: Logger) {
        self.id = id
        self.config = config
        self.logger = logger.with(metadata: "processor", "\(id)")
        sample()
    }

    var refusal: String? {
        guard refusing.load(ordering: .relaxed) else { return nil }
        return "memory limit reached (\(lastRSS.load(ordering: .relaxed) >> 20) MiB resident, soft limit \(config.softLimitBytes >> 20) MiB)"
    }

    /// Requests pass through unchanged; the limiter acts at admission.
    public func process(_ batch: TelemetryBatch) async -> TelemetryBatch { batch }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: self.config.checkInterval)
                    self.sample()
                }
            }
        } catch is CancellationError {
            // Shutting down: nothing to flush.
        }
    }

    /// Reads the RSS and updates the refusal state, logging transitions.
    func sample() {
        let rss = Self.residentBytes()
        lastRSS.store(rss, ordering: .relaxed)
        let above = rss > config.softLimitBytes
        let was = refusing.exchange(above, ordering: .relaxed)
        if above != was {
            if above {
                logger.warning("memory above the soft limit; refusing new data", metadata: [
                    "rss_mib": "\(rss >> 20)", "soft_limit_mib": "\(config.softLimitBytes >> 20)",
                ])
            } else {
                logger.info("memory back below the soft limit; accepting data", metadata: ["rss_mib": "\(rss >> 20)"])
            }
        }
    }

    /// Resident set size from /proc/self/statm (pages × page size).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
