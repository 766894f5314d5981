import NIOCore

/// How a receiver hands a decoded request to the pipelines of its signal,
/// whichever protocol carried it: all of them take it, or the sender is told
/// to retry (503 / UNAVAILABLE) and keeps the data.
enum PipelineAdmission {
    static func admit(_ batch: TelemetryBatch, to pipelines: [Pipeline], retryAfter: Duration) async throws(OTLPRefusal) {
        for pipeline in pipelines {
            let admission = await pipeline.accept(batch)
            if admission != .accepted { throw refusal(admission, by: pipeline, retryAfter: retryAfter) }
        }
    }

    /// Refuses a plain protobuf request (`body`, not yet validated) that
    /// some pipeline would certainly refuse, before anyone decodes it: a
    /// sender retrying into a full queue then costs a count of its items
    /// (for the refused-items metric), not a validation. A malformed request
    /// is refused with 503 here and with 400 once there is room.
    static func refuseEarly(_ body: ByteBuffer, signal: Signal, to pipelines: [Pipeline], retryAfter: Duration) throws(OTLPRefusal) {
        for pipeline in pipelines {
            guard let admission = pipeline.certainRefusal(ofAtLeast: body.readableBytes) else { continue }
            let items = body.withUnsafeReadableBytes { signal.itemCount(in: $0) }
            // A request without items is answered 200 whatever the queues hold, as after decoding.
            guard items > 0 else { return }
            pipeline.countRefused(items)
            throw refusal(admission, by: pipeline, retryAfter: retryAfter)
        }
    }

    /// The answer to a refusal (callers never pass `.accepted`; it reads as full).
    private static func refusal(_ admission: Pipeline.Admission, by pipeline: Pipeline, retryAfter: Duration) -> OTLPRefusal {
        switch admission {
        case .accepted, .full: .unavailable("pipeline \(pipeline.id) is full; retry later", retryAfter: retryAfter)
        case .closed: .unavailable("tokenaudit is shutting down; retry later", retryAfter: retryAfter)
        case .refused(let reason): .unavailable("\(reason); retry later", retryAfter: retryAfter)
        }
    }
}
