import CompressNIO
import NIOCore
import OTLPWire

/// gzip bodies: hostile input is refused or decompressed within the limit;
/// a valid stream decompresses to what was compressed; any truncation of a
/// valid stream is refused rather than read as a shorter body.
enum GzipProperties {
    static let limit = 1 << 20

    static func check(_ input: UnsafeRawBufferPointer) -> FuzzTarget.Outcome {
        var outcome = FuzzTarget.Outcome()
        // As a body: hostile bytes.
        if let plain = try? GzipBody.gunzip(ByteBuffer(bytes: input), maxSize: limit) {
            outcome.accepted = true
            if plain.readableBytes > limit {
                outcome.violation = "gunzip produced \(plain.readableBytes) bytes past the limit of \(limit)"
                return outcome
            }
        }
        // As content: compress it, then every cut of the stream must be refused.
        var source = ByteBuffer(bytes: input)
        guard let compressed = try? source.compress(with: .gzip()) else { return outcome }
        guard let back = try? GzipBody.gunzip(compressed, maxSize: limit + 64), back.readableBytesView.elementsEqual(input) else {
            outcome.violation = "a gzip stream of \(input.count) bytes did not decompress to its content"
            return outcome
        }
        let cut = input.isEmpty ? 0 : Int(input[0]) % compressed.readableBytes
        if cut > 0, let shorter = try? GzipBody.gunzip(compressed.getSlice(at: compressed.readerIndex, length: cut) ?? ByteBuffer(), maxSize: limit + 64) {
            outcome.violation = "a stream cut at \(cut) of \(compressed.readableBytes) bytes was read as \(shorter.readableBytes) bytes"
        }
        return outcome
    }
}
