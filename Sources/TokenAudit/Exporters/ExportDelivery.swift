import Logging
import NIOCore
import OTLPWire

/// What one attempt to send a batch came to.
enum ExportAttempt {
    /// Accepted; `rejected` items were refused inside it (partial success).
    case delivered(rejected: Int64, message: String)
    /// May succeed later: wait `retryAfter` when the server said so.
    case retryable(reason: String, retryAfter: Duration?)
    case permanent(reason: String)
}

/// The OTLP exporter rules shared by every protocol: send until delivered,
/// refused for good, or out of retry budget; never retry a partial success;
/// count sent and failed items.
struct ExportDelivery: Sendable {
    let policy: ExportRetryPolicy
    let stats: ExporterStats
    let logger: Logger

    func deliver(_ batch: TelemetryBatch, send: () async -> ExportAttempt) async {
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            switch await send() {
            case .delivered(let rejected, let message):
                let rejectedItems = min(Int(clamping: max(0, rejected)), batch.itemCount)
                stats.recordSent(batch.itemCount - rejectedItems)
                if rejectedItems > 0 {
                    stats.recordFailed(rejectedItems)
                    logger.warning("backend rejected part of a batch (partial success is not retried)", metadata: [
                        "rejected": "\(rejected)", "message": "\(message)",
                    ])
                }
                return
            case .permanent(let reason):
                stats.recordFailed(batch.itemCount)
                logger.error("export failed and is not retryable; dropped", metadata: [
                    "reason": "\(reason)", "items": "\(batch.itemCount)",
                ])
                return
            case .retryable(let reason, let retryAfter):
                let wait = retryAfter ?? policy.backoff(attempt: attempt, random: Double.random(in: 0...1))
                guard policy.allowsRetry(elapsed: ContinuousClock.now - started, wait: wait) else {
                    stats.recordFailed(batch.itemCount)
                    logger.error("export failed; retries exhausted, dropped", metadata: [
                        "reason": "\(reason)", "items": "\(batch.itemCount)", "attempts": "\(attempt + 1)",
                    ])
                    return
                }
                logger.warning("export failed; will retry", metadata: [
                    "reason": "\(reason)", "wait": "\(wait)", "attempt": "\(attempt + 1)",
                ])
                stats.recordRetry()
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    stats.recordFailed(batch.itemCount)
                    logger.error("export cancelled during retry; dropped", metadata: ["items": "\(batch.itemCount)"])
                    return
                }
                attempt += 1
            }
        }
    }

    /// `partial_success` of an `Export*ServiceResponse` (both signals share its shape).
    static func partialSuccess(_ body: ByteBuffer) -> (rejected: Int64, message: String) {
        body.withUnsafeReadableBytes { raw in
            var rejected: Int64 = 0
            var message = ""
            var cursor = ProtoCursor(bytes: raw)
            while let field = try? cursor.next() {
                guard field.number == 1, field.wireType == .lengthDelimited else { continue }
                var inner = ProtoCursor(bytes: raw, range: field.payload)
                while let member = try? inner.next() {
                    if member.number == 1, member.wireType == .varint { rejected = Int64(bitPattern: member.value) }
                    if member.number == 2, member.wireType == .lengthDelimited {
                        message = WireString(bytes: raw, range: member.payload).string
                    }
                }
            }
            return (rejected, message)
        }
    }
}
