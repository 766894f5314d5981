/// `retry_on_failure`, as in the Collector's exporters.
public struct RetryConfig: Sendable, Equatable {
    public var enabled = true
    public var initialInterval: Duration = .seconds(5)
    public var maxInterval: Duration = .seconds(30)
    /// Give up on a batch after retrying this long; 0 retries forever.
    public var maxElapsedTime: Duration = .seconds(300)
    public var multiplier = 1.5
    public var randomizationFactor = 0.5

    public init() {}

    init(_ r: inout ConfigMapping) {
        enabled = r.bool("enabled", default: enabled)
        initialInterval = r.duration("initial_interval", default: initialInterval)
        maxInterval = r.duration("max_interval", default: maxInterval)
        maxElapsedTime = r.duration("max_elapsed_time", default: maxElapsedTime)
        multiplier = r.double("multiplier", default: multiplier, range: 1...10)
        randomizationFactor = r.double("randomization_factor", default: randomizationFactor, range: 0...1)
        if maxInterval < initialInterval {
            r.report("max_interval", "must not be shorter than initial_interval")
        }
    }
}
