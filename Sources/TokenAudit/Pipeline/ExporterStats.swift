import Metrics
import Synchronization

/// What an exporter has done with the items (spans or log records) it was
/// given, in the Collector's vocabulary. Mirrored to swift-metrics counters.
public final class ExporterStats: Sendable {
    private let sentCount = Atomic<Int>(0)
    private let failedCount = Atomic<Int>(0)
    private let retriedCount = Atomic<Int>(0)
    private let sentCounter: Counter
    private let failedCounter: Counter
    private let retriedCounter: Counter

    public init(exporter: ComponentID) {
        let dimensions = [("exporter", exporter.description)]
        sentCounter = Counter(label: "tokenaudit_exporter_sent_items_total", dimensions: dimensions)
        failedCounter = Counter(label: "tokenaudit_exporter_send_failed_items_total", dimensions: dimensions)
        retriedCounter = Counter(label: "tokenaudit_exporter_retried_requests_total", dimensions: dimensions)
    }

    /// Items delivered.
    public var sent: Int { sentCount.load(ordering: .relaxed) }
    /// Items given up on (non-retryable status, or retries exhausted): dropped.
    public var failed: Int { failedCount.load(ordering: .relaxed) }
    /// Requests sent again after a retryable failure.
    public var retried: Int { retriedCount.load(ordering: .relaxed) }

    func recordSent(_ items: Int) {
        sentCount.add(items, ordering: .relaxed)
        sentCounter.increment(by: items)
    }

    func recordFailed(_ items: Int) {
        failedCount.add(items, ordering: .relaxed)
        failedCounter.increment(by: items)
    }

    func recordRetry() {
        retriedCount.add(1, ordering: .relaxed)
        retriedCounter.increment()
    }
}
