/// What a soak run does: steady load for a while against a daemon whose
/// backend keeps failing in the ways real backends fail.
public struct SoakPlan: Sendable {
    public var duration: Duration = .seconds(600)
    /// Export requests per second, spread over `senders` connections.
    public var requestsPerSecond = 40
    public var senders = 4
    public var spansPerRequest = 50
    /// Share of spans that are LLM calls (the rest pass through).
    public var llmShare = 0.2
    /// Memory before this point is warm-up: the slope is fitted after it.
    public var warmUpFraction = 0.25
    public var failures = BackendFailures()
    /// How long, after the load stops, the daemon may take to deliver everything.
    public var drainTimeout: Duration = .seconds(120)

    public init() {}
}

/// How the soak backend misbehaves. Every failure is one OTLP says to retry
/// (429, 502, 503), so a correct daemon loses nothing to it.
public struct BackendFailures: Sendable {
    /// Share of requests answered 503 (with `Retry-After: 1`) or 429.
    public var transientRate = 0.1
    /// Share of requests answered only after `slowDelay`.
    public var slowRate = 0.05
    public var slowDelay: Duration = .milliseconds(300)
    /// Every `outageEvery`, the backend answers 502 to everything for `outageLength`.
    public var outageEvery: Duration = .seconds(30)
    public var outageLength: Duration = .seconds(5)

    public init() {}

    public static let none: BackendFailures = {
        var f = BackendFailures()
        f.transientRate = 0
        f.slowRate = 0
        f.outageLength = .zero
        return f
    }()
}

extension SoakPlan {
    /// A duration in the config's spelling (`90s`, `10m`, `1h`).
    public static func duration(_ text: String) -> Duration? { ConfigValues.duration(text) }
}
