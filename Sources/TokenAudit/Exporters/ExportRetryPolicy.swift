import Foundation

/// The OTLP exporter retry rules (DESIGN.md §5): only 429, 502, 503 and 504
/// (and failures to connect) are retried, with exponential backoff and
/// jitter, honouring `Retry-After`; anything else, and any partial success,
/// is final.
struct ExportRetryPolicy: Sendable {
    var config: RetryConfig

    static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    static func isRetryable(status: Int) -> Bool { retryableStatuses.contains(status) }

    /// The wait before retry number `attempt` (0-based): the initial interval
    /// grown by the multiplier, capped, then spread by ± randomization factor.
    func backoff(attempt: Int, random: Double) -> Duration {
        let base = config.initialInterval.seconds * pow(config.multiplier, Double(attempt))
        let capped = min(base, config.maxInterval.seconds)
        let spread = capped * config.randomizationFactor * (2 * random - 1)
        return .milliseconds(Int64(max(0, capped + spread) * 1000))
    }

    /// Whether another attempt after waiting `wait` still fits the budget.
    func allowsRetry(elapsed: Duration, wait: Duration) -> Bool {
        guard config.enabled else { return false }
        return config.maxElapsedTime == .zero || elapsed + wait <= config.maxElapsedTime
    }

    /// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
    static func retryAfter(_ header: String?, now: Date = Date()) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }
}
