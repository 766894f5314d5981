import CompressNIO
public import NIOCore

/// Gunzips an OTLP/HTTP body (`Content-Encoding: gzip`) without ever
/// producing more than a limit, and refuses streams zlib would quietly
/// accept as shorter bodies.
public enum GzipBody {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The body would exceed the limit once decompressed (a gzip bomb is
        /// stopped at the limit, never expanded past it).
        case tooLarge(limit: Int)
        /// Not a gzip stream, a damaged one, or one cut short.
        case invalid(String)

        public var description: String {
            switch self {
            case .tooLarge(let limit): "decompressed body exceeds the limit of \(limit) bytes"
            case .invalid(let why): "not valid gzip: \(why)"
            }
        }
    }

    /// The decompressed body, at most `maxSize` bytes.
    public static func gunzip(_ body: ByteBuffer, maxSize: Int) throws(Failure) -> ByteBuffer {
        var compressed = body
        let plain: ByteBuffer
        do {
            plain = try compressed.decompress(with: .gzip(), maxSize: maxSize)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge(limit: maxSize)
        } catch {
            throw .invalid("\(error)")
        }
        // zlib stops quietly at the end of its input: a truncated stream
        // would pass as a shorter body. The gzip trailer's ISIZE (input size
        // mod 2^32) must match what came out.
        guard body.readableBytes >= 18,
              let size = body.getInteger(at: body.writerIndex - 4, endianness: .little, as: UInt32.self),
              size == UInt32(truncatingIfNeeded: plain.readableBytes)
        else { throw .invalid("the stream is truncated or its trailer does not match") }
        return plain
    }
}
