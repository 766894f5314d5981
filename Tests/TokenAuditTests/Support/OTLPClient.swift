import AsyncHTTPClient
import CProtobufReference
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP client posting OTLP, plus libprotobuf-c decoding of answers.
enum OTLPClient {
    static let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The `google.rpc.Status` of a protobuf error body, decoded by libprotobuf-c.
        var rpcStatus: String? {
            body.withUnsafeBufferPointer { buffer in
                guard let dump = ta_ref_dump(TA_REF_RPC_STATUS, buffer.baseAddress, buffer.count) else { return nil }
                defer { free(dump) }
                return String(cString: dump)
            }
        }
    }

    static func post(
        _ url: String, body: [UInt8], contentType: String? = "application/x-protobuf",
        headers extra: [(String, String)] = [], method: HTTPMethod = .POST, chunked: Bool = false
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if chunked {
            // No Content-Length: the server learns the size only by reading.
            let pieces = stride(from: 0, to: body.count, by: 4096).map { ByteBuffer(bytes: body[$0..<min($0 + 4096, body.count)]) }
            request.body = .stream(pieces.async, length: .unknown)
        } else if method != .GET {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let responseBody = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Array(responseBody.readableBytesView))
    }

    /// Whether a plain TCP connection to `port` is accepted. (AsyncHTTPClient
    /// retries refused connections until its connect timeout, so it cannot
    /// tell promptly that a server has stopped listening.)
    static func canConnect(port: Int) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(2))
                .connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        let compressed = try buffer.compress(with: .gzip())
        return Array(compressed.readableBytesView)
    }
}

import CompressNIO

/// A finite async sequence over an array, for streamed request bodies.
struct ArrayAsyncSequence<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]
    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let elements: [Element]
        mutating func next() async -> Element? {
            guard index < elements.count else { return nil }
            defer { index += 1 }
            return elements[index]
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(elements: elements) }
}

extension Array where Element: Sendable {
    var async: ArrayAsyncSequence<Element> { ArrayAsyncSequence(elements: self) }
}
