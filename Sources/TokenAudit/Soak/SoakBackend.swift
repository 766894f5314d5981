import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OTLPWire
import ServiceLifecycle
import Synchronization

/// The downstream of a soak run: an OTLP/HTTP server that remembers every
/// span it has been given (by trace and span id, to tell loss from
/// duplication) and fails as `BackendFailures` says.
final class SoakBackend: Sendable {
    struct SpanKey: Hashable, Sendable {
        var traceHigh: UInt64
        var traceLow: UInt64
        var span: UInt64
    }

    struct Counts: Sendable {
        var requests = 0
        var spans = 0
        var uniqueSpans = 0
        var refused503 = 0
        var refused429 = 0
        var outage502 = 0
        var slow = 0
    }

    private struct State {
        var seen = Set<SpanKey>()
        var counts = Counts()
        var random = SimulationRandom(seed: 0x50AC)
    }

    private let state = Mutex(State())
    private let failures: BackendFailures
    private let started = ContinuousClock.now
    let address = BoundAddress()
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(failures: BackendFailures, logger: Logger) {
        self.failures = failures
        let box = SoakBackendResponder.Box()
        let address = self.address
        let app = Application(
            responder: SoakBackendResponder(box: box),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { address.publish(port: $0.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        self.group = group
        task = Task { try await group.run() }
        box.backend.withLock { $0 = self }
    }

    var counts: Counts { state.withLock { $0.counts } }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    private enum Decision { case accept, refuse503, refuse429, outage, slow }

    private func decide() -> Decision {
        let elapsed = ContinuousClock.now - started
        if failures.outageLength > .zero, failures.outageEvery > .zero {
            let phase = elapsed.seconds.truncatingRemainder(dividingBy: failures.outageEvery.seconds)
            if phase >= failures.outageEvery.seconds - failures.outageLength.seconds { return .outage }
        }
        return state.withLock { s in
            let roll = Double(s.random.next() % 1_000_000) / 1_000_000
            if roll < failures.transientRate / 2 { return .refuse503 }
            if roll < failures.transientRate { return .refuse429 }
            if roll < failures.transientRate + failures.slowRate { return .slow }
            return .accept
        }
    }

    fileprivate func handle(_ request: Request) async throws -> Response {
        var body = try await request.body.collect(upTo: 64 << 20)
        if request.headers[.contentEncoding] == "gzip" {
            body = try GzipBody.gunzip(body, maxSize: 256 << 20)
        }
        let decision = decide()
        switch decision {
        case .refuse503:
            state.withLock { $0.counts.refused503 += 1 }
            return Response(status: .serviceUnavailable, headers: [.retryAfter: "1"])
        case .refuse429:
            state.withLock { $0.counts.refused429 += 1 }
            return Response(status: .tooManyRequests)
        case .outage:
            state.withLock { $0.counts.outage502 += 1 }
            return Response(status: .badGateway)
        case .slow:
            state.withLock { $0.counts.slow += 1 }
            try await Task.sleep(for: failures.slowDelay)
        case .accept:
            break
        }
        var keys: [SpanKey] = []
        if request.uri.path == "/v1/traces" {
            body.withUnsafeReadableBytes { raw in
                ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                    let trace = Self.words(span.traceID)
                    keys.append(SpanKey(traceHigh: trace.0, traceLow: trace.1, span: Self.words(span.spanID).0))
                }
            }
        }
        state.withLock { s in
            s.counts.requests += 1
            s.counts.spans += keys.count
            for key in keys where s.seen.insert(key).inserted { s.counts.uniqueSpans += 1 }
        }
        return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
    }

    private static func words(_ id: WireString) -> (UInt64, UInt64) {
        var a: UInt64 = 0, b: UInt64 = 0
        for (i, byte) in id.rawBytes.enumerated() {
            if i < 8 { a = a << 8 | UInt64(byte) } else { b = b << 8 | UInt64(byte) }
        }
        return (a, b)
    }
}

private struct SoakBackendResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    final class Box: Sendable {
        let backend = Mutex<SoakBackend?>(nil)
    }

    let box: Box

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let backend = box.backend.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
        return try await backend.handle(request)
    }
}
