public import NIOCore
import Foundation

/// One accepted export request on its way through a pipeline.
///
/// Invariant: `request` holds a complete `ExportTraceServiceRequest` or
/// `ExportLogsServiceRequest` (per `signal`) in protobuf, already validated by
/// `OTLPValidator`; stages may rewrite it but must keep it valid. The bytes
/// are the wire bytes as received (JSON is transcoded at the edge).
public struct TelemetryBatch: Sendable {
    public var signal: Signal
    public var request: ByteBuffer
    /// Spans or log records in the request.
    public var itemCount: Int
    /// When a receiver accepted it (Unix milliseconds), for queue-age metrics.
    public var acceptedAtMilliseconds: Int64

    public init(signal: Signal, request: ByteBuffer, itemCount: Int, acceptedAtMilliseconds: Int64 = TelemetryBatch.now()) {
        self.signal = signal
        self.request = request
        self.itemCount = itemCount
        self.acceptedAtMilliseconds = acceptedAtMilliseconds
    }

    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
