import NIOCore
import OTLPWire

/// Turns an OTLP/HTTP request body into a validated protobuf batch: gunzips
/// within the size limit (a gzip bomb is refused, never expanded past it),
/// transcodes JSON, validates protobuf, counts the items.
struct OTLPRequestDecoder: Sendable {
    var maxBodySize: Int

    func decode(
        _ body: ByteBuffer, signal: Signal, mediaType: OTLPMediaType, contentEncoding: String?
    ) throws(OTLPRefusal) -> TelemetryBatch {
        var body = body
        switch Self.normalized(contentEncoding) {
        case nil, "", "identity":
            break
        case "gzip", "x-gzip":
            body = try gunzip(body)
        case let other?:
            throw OTLPRefusal(
                status: .unsupportedMediaType, code: .invalidArgument,
                message: "unsupported Content-Encoding '\(other)' (supported: gzip, identity)")
        }

        let schema = signal.requestSchema
        let protobuf: ByteBuffer
        switch mediaType {
        case .json:
            do {
                let bytes = try body.withUnsafeReadableBytes { raw throws(WireError) in
                    try OTLPJSONDecoder.protobuf(fromJSON: raw, as: schema)
                }
                protobuf = ByteBuffer(bytes: bytes)
            } catch {
                throw .badRequest("\(schema.name): \(error)")
            }
        case .protobuf:
            do {
                try body.withUnsafeReadableBytes { raw throws(WireError) in try OTLPValidator.validate(raw, as: schema) }
            } catch {
                throw .badRequest("invalid \(schema.name): \(error)")
            }
            protobuf = body
        }

        let count = protobuf.withUnsafeReadableBytes { signal.itemCount(in: $0) }
        return TelemetryBatch(signal: signal, request: protobuf, itemCount: count)
    }

    /// True when `contentEncoding` leaves the body as sent.
    static func isIdentity(_ contentEncoding: String?) -> Bool {
        switch normalized(contentEncoding) {
        case nil, "", "identity": true
        default: false
        }
    }

    private static func normalized(_ contentEncoding: String?) -> String? {
        contentEncoding?.trimmingCharacters(in: .whitespaces).lowercased()
    }

    private func gunzip(_ body: ByteBuffer) throws(OTLPRefusal) -> ByteBuffer {
        do {
            return try GzipBody.gunzip(body, maxSize: maxBodySize)
        } catch .tooLarge {
            throw .tooLarge(limit: maxBodySize, decompressed: true)
        } catch {
            throw .badRequest("request body is \(error)")
        }
    }
}
