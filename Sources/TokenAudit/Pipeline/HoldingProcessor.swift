/// A processor that must see more of a trace before it rewrites a request.
///
/// The pipeline calls `prepare` for several requests at once (work that
/// reads no other request's state: parsing, extraction), then, in arrival
/// order, `hold` on what it returned; it keeps the `DeferredBatch` for
/// `holdDuration` (wall clock; the only wall-clock wait, DESIGN.md §3.3),
/// then calls `release` and passes the result on. Shutdown releases
/// everything held at once.
protocol HoldingProcessor: TelemetryProcessor {
    /// How long requests of `signal` are held; nil: not held, zero: judged as
    /// they come (the pipeline still prepares several at once).
    func holdDuration(for signal: Signal) -> Duration?
    /// Bytes of held requests past which the oldest are released early.
    var holdLimitBytes: Int { get }
    /// The part of the work that may run concurrently with other requests'.
    func prepare(_ batch: TelemetryBatch) -> PreparedBatch
}

/// A request a `HoldingProcessor` has prepared; `hold` is called once, in
/// arrival order.
struct PreparedBatch: Sendable {
    var hold: @Sendable () -> DeferredBatch
}

/// A request a `HoldingProcessor` has seen but not yet finished.
struct DeferredBatch: Sendable {
    /// Bytes it keeps alive while held.
    var bytes: Int
    /// Finishes the processor's work; called once.
    var release: @Sendable () -> TelemetryBatch
}
