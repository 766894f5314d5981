import Foundation
import Metrics

/// What a queue holds right now.
public struct QueueDepth: Sendable, Encodable, Equatable {
    public var batches: Int
    public var bytes: Int
    /// Age of the oldest batch still held; nil when empty.
    public var oldestAgeSeconds: Double?

    public init(batches: Int, bytes: Int, oldestAgeSeconds: Double?) {
        self.batches = batches
        self.bytes = bytes
        self.oldestAgeSeconds = oldestAgeSeconds
    }
}

extension BatchBuffer {
    var depth: QueueDepth {
        let age = oldestAcceptedAt.map { max(0, Double(TelemetryBatch.now() - $0) / 1000) }
        return QueueDepth(batches: count, bytes: bytes, oldestAgeSeconds: age)
    }
}

/// The queue gauges, in the Collector's spirit: size and age of the oldest item.
struct QueueGauges: Sendable {
    private let batches: Gauge
    private let bytes: Gauge
    private let oldestAge: Gauge

    init(queue: String) {
        let dimensions = [("queue", queue)]
        batches = Gauge(label: "tokenaudit_queue_size_batches", dimensions: dimensions)
        bytes = Gauge(label: "tokenaudit_queue_size_bytes", dimensions: dimensions)
        oldestAge = Gauge(label: "tokenaudit_queue_oldest_age_seconds", dimensions: dimensions)
    }

    func record(_ depth: QueueDepth) {
        batches.record(depth.batches)
        bytes.record(depth.bytes)
        oldestAge.record(depth.oldestAgeSeconds ?? 0)
    }
}
