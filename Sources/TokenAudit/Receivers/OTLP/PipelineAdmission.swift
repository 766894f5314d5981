/// How a receiver hands a decoded request to the pipelines of its signal,
/// whichever protocol carried it: all of them take it, or the sender is told
/// to retry (503 / UNAVAILABLE) and keeps the data.
enum PipelineAdmission {
    static func admit(_ batch: TelemetryBatch, to pipelines: [Pipeline], retryAfter: Duration) async throws(OTLPRefusal) {
        for pipeline in pipelines {
            switch await pipeline.accept(batch) {
            case .accepted:
                continue
            case .full:
                throw .unavailable("pipeline \(pipeline.id) is full; retry later", retryAfter: retryAfter)
            case .closed:
                throw .unavailable("tokenaudit is shutting down; retry later", retryAfter: retryAfter)
            case .refused(let reason):
                throw .unavailable("\(reason); retry later", retryAfter: retryAfter)
            }
        }
    }
}
