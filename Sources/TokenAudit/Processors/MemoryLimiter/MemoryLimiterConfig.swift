/// `processors.memory_limiter`, as in the Collector: above the soft limit
/// (`limit_mib - spike_limit_mib`) pipelines refuse new data with retryable
/// statuses (503 / UNAVAILABLE), so the sender keeps it, until memory falls
/// back below.
public struct MemoryLimiterConfig: Sendable, Equatable {
    public var checkInterval: Duration = .seconds(1)
    public var limitMiB = 2048
    /// Headroom for bursts between checks; defaults to 20% of the limit.
    public var spikeLimitMiB: Int?

    public init() {}

    public var softLimitBytes: Int { (limitMiB - (spikeLimitMiB ?? limitMiB / 5)) << 20 }
    public var hardLimitBytes: Int { limitMiB << 20 }

    init(_ m: inout ConfigMapping) {
        checkInterval = m.duration("check_interval", default: checkInterval)
        if checkInterval < .milliseconds(10) { m.report("check_interval", "must be at least 10ms") }
        limitMiB = m.int("limit_mib", default: limitMiB, range: 1...1_048_576)
        if m.has("spike_limit_mib") {
            let spike = m.int("spike_limit_mib", default: 0, range: 0...1_048_576)
            if spike >= limitMiB { m.report("spike_limit_mib", "must be below limit_mib (\(limitMiB))") }
            spikeLimitMiB = spike
        }
    }
}
