/// A processor that must see more of a trace before it rewrites a request.
/// The pipeline calls `hold` in arrival order, keeps what it returns for
/// `holdDuration` (wall clock; the only wall-clock wait, DESIGN.md §3.3),
/// then calls `release` and passes the result on. Shutdown releases
/// everything held at once.
protocol HoldingProcessor: TelemetryProcessor {
    /// How long requests of `signal` are held; nil or zero: not held.
    func holdDuration(for signal: Signal) -> Duration?
    /// Bytes of held requests past which the oldest are released early.
    var holdLimitBytes: Int { get }
    func hold(_ batch: TelemetryBatch) -> DeferredBatch
}

/// A request a `HoldingProcessor` has seen but not yet finished.
struct DeferredBatch: Sendable {
    /// Bytes it keeps alive while held.
    var bytes: Int
    /// Finishes the processor's work; called once.
    var release: @Sendable () -> TelemetryBatch
}
