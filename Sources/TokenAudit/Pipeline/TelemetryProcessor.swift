/// A pipeline stage between receivers and exporters. It may rewrite the
/// request (enrichment splices attributes into the wire bytes) but must hand
/// on a valid request of the same signal.
public protocol TelemetryProcessor: Sendable {
    var id: ComponentID { get }
    func process(_ batch: TelemetryBatch) async -> TelemetryBatch
}
