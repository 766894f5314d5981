import OTLPWire

/// `google.rpc.RetryInfo` inside a `google.rpc.Status`, as gRPC carries it
/// in the `grpc-status-details-bin` trailer: how long a client should wait
/// before retrying. Written by the OTLP/gRPC receiver, read by the
/// `otlp_grpc` exporter.
enum RetryInfo {
    static let metadataKey = "grpc-status-details-bin"
    static let typeURL = "type.googleapis.com/google.rpc.RetryInfo"

    /// A `google.rpc.Status { code, message, details: [Any(RetryInfo { retry_delay })] }`.
    static func status(code: Int32, message: String, retryDelay: Duration) -> [UInt8] {
        var status = ProtoWriter()
        status.varintField(1, UInt64(bitPattern: Int64(code)))
        status.stringField(2, message)
        status.message(3) { any in
            any.stringField(1, typeURL)
            any.message(2) { retryInfo in
                retryInfo.message(1) { duration in
                    let (seconds, attoseconds) = retryDelay.components
                    if seconds != 0 { duration.varintField(1, UInt64(bitPattern: seconds)) }
                    let nanos = attoseconds / 1_000_000_000
                    if nanos != 0 { duration.varintField(2, UInt64(bitPattern: nanos)) }
                }
            }
        }
        return status.bytes
    }

    /// The retry delay in a serialized `google.rpc.Status`, if it has one.
    static func retryDelay(inStatus bytes: [UInt8]) -> Duration? {
        bytes.withUnsafeBytes { raw in
            for details in fields(1...3, in: raw, 0..<raw.count).filter({ $0.number == 3 }) {
                let any = fields(1...2, in: raw, details.payload)
                guard let type = any.last(where: { $0.number == 1 }),
                      WireString(bytes: raw, range: type.payload).string.hasSuffix("google.rpc.RetryInfo"),
                      let value = any.last(where: { $0.number == 2 }),
                      let delay = fields(1...1, in: raw, value.payload).last
                else { continue }
                var seconds: Int64 = 0, nanos: Int64 = 0
                for part in fields(1...2, in: raw, delay.payload) where part.wireType == .varint {
                    if part.number == 1 { seconds = Int64(bitPattern: part.value) } else { nanos = Int64(Int32(truncatingIfNeeded: part.value)) }
                }
                return .seconds(seconds) + .nanoseconds(nanos)
            }
            return nil
        }
    }

    /// The fields numbered in `numbers` of the message at `range` (stops at malformed bytes).
    private static func fields(_ numbers: ClosedRange<UInt32>, in raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> [WireField] {
        var cursor = ProtoCursor(bytes: raw, range: range)
        var found: [WireField] = []
        while let field = try? cursor.next() {
            if numbers.contains(field.number) { found.append(field) }
        }
        return found
    }
}
