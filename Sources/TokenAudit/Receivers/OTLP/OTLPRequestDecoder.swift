import CompressNIO
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
        switch contentEncoding?.trimmingCharacters(in: .whitespaces).lowercased() {
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

    private func gunzip(_ body: ByteBuffer) throws(OTLPRefusal) -> ByteBuffer {
        var compressed = body
        do {
            let plain = try compressed.decompress(with: .gzip(), maxSize: maxBodySize)
            // zlib stops quietly at the end of its input: a truncated stream
            // would pass as a shorter body. The gzip trailer's ISIZE (input
            // size mod 2^32) must match what came out.
            guard body.readableBytes >= 18,
                  let size = body.getInteger(at: body.writerIndex - 4, endianness: .little, as: UInt32.self),
                  size == UInt32(truncatingIfNeeded: plain.readableBytes)
            else { throw OTLPRefusal.badRequest("request body is not valid gzip: the stream is truncated or its trailer does not match") }
            return plain
        } catch let refusal as OTLPRefusal {
            throw refusal
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge(limit: maxBodySize, decompressed: true)
        } catch {
            throw .badRequest("request body is not valid gzip: \(error)")
        }
    }
}
