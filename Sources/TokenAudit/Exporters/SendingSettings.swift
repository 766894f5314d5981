/// What every remote exporter (`otlp_http`, `otlp_grpc`) reads besides its
/// endpoint: headers, compression, timeout, `retry_on_failure` and
/// `sending_queue`, as in the Collector. The exporter configs reach these
/// through dynamic member lookup (`config.timeout`).
public struct SendingSettings: Sendable, Equatable {
    public enum Compression: String, Sendable, Equatable {
        case gzip, none
    }

    /// Added to every request (HTTP headers, or gRPC metadata).
    public var headers: [String: String] = [:]
    public var compression = Compression.gzip
    public var timeout: Duration = .seconds(30)
    public var retry = RetryConfig()
    /// Batches waiting to be sent; when full, the pipeline waits (and its
    /// own queue then refuses new requests with 503).
    public var queueSize = 256
    /// Bytes the queue may hold (on disk when durable).
    public var queueMiB = 512
    /// Batches sent at once (the Collector's default). 1 keeps queue order.
    public var numConsumers = 10

    public init() {}

    init(_ m: inout ConfigMapping) {
        headers = m.stringMap("headers")
        let compressionText = m.string("compression", default: compression.rawValue)
        if let c = Compression(rawValue: compressionText) {
            compression = c
        } else {
            m.report("compression", "expected gzip or none, found '\(compressionText)'")
        }
        timeout = m.duration("timeout", default: timeout)
        var r = m.mapping("retry_on_failure")
        retry = RetryConfig(&r)
        r.finish()
        var q = m.mapping("sending_queue")
        queueSize = q.int("queue_size", default: queueSize, range: 1...1_000_000)
        queueMiB = q.int("max_mib", default: queueMiB, range: 1...1_000_000)
        numConsumers = q.int("num_consumers", default: numConsumers, range: 1...1000)
        q.finish()
    }
}
