import Foundation
import HTTPTypes
import Hummingbird
import Metrics

/// The admin endpoint: `GET /healthz` (liveness and the pipeline's state
/// as JSON), `GET /metrics` (Prometheus), `POST /api/v1/outcomes`, the
/// summaries' JSON API and the dashboard (`SummaryEndpoints`).
///
/// With an authenticator, everything but `/healthz` needs a token: as
/// `Authorization: Bearer` (API clients, Prometheus) or as the password of
/// HTTP Basic (what a browser asks its user for). `/healthz` stays open for
/// probes but tells an anonymous caller only that the daemon is up.
struct AdminResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let authenticator: BearerTokenAuthenticator?
    let pipelines: [Pipeline]
    let exporters: [any TelemetryExporter]
    let processors: [TokenAuditProcessor]
    let outcomes: OutcomesEndpoint
    let summaries: SummaryEndpoints

    struct Health: Encodable {
        struct PipelineState: Encodable {
            var id: String
            var queue: QueueDepth
        }
        struct ExporterState: Encodable {
            var id: String
            var queue: QueueDepth
            var sentItems: Int
            var failedItems: Int
            var retriedRequests: Int
        }
        struct ProcessorState: Encodable {
            var id: String
            var llmCalls: Int
            var spansWithExtractionProblems: Int
            var unknownModels: [String: Int]
            var co2Grams: Double
            var verdicts: [String: Int]
            var labels: [String: Int]
            var trackedPrincipals: Int
            var heldTraces: Int
        }
        var status = "ok"
        var pipelines: [PipelineState]
        var processors: [ProcessorState]
        var exporters: [ExporterState]
    }

    static let challenge = #"Bearer realm="tokenaudit admin", Basic realm="tokenaudit admin", charset="UTF-8""#

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let authorized = authenticator.map {
            (try? $0.tenant(authorization: request.headers[.authorization], allowBasic: true).get()) != nil
        } ?? true
        if !authorized {
            if path == "/healthz", request.method == .get || request.method == .head {
                return AdminJSON.response(.ok, ["status": "ok"])
            }
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: Self.challenge, .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "authentication required: send 'Authorization: Bearer <token>'\n")))
        }
        if path == "/api/v1/outcomes" { return try await outcomes.respond(to: request) }
        if path == "/metrics" { return metrics() }
        if let response = try summaries.respond(to: request, path: path) { return response }
        guard path == "/healthz" else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "not found: \(request.uri.path)\n")))
        }
        guard request.method == .get || request.method == .head else {
            return Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD"])
        }
        let health = Health(
            pipelines: pipelines.map { .init(id: "\($0.id)", queue: $0.depth) },
            processors: processors.map {
                .init(id: "\($0.id)", llmCalls: $0.stats.calls, spansWithExtractionProblems: $0.stats.spansWithProblems,
                      unknownModels: $0.stats.unknownModels, co2Grams: $0.stats.co2Grams,
                      verdicts: Dictionary(uniqueKeysWithValues: $0.stats.verdicts.map { ($0.key.rawValue, $0.value) }),
                      labels: Dictionary(uniqueKeysWithValues: $0.stats.labels.map { ($0.key.rawValue, $0.value) }),
                      trackedPrincipals: $0.detection.trackedPrincipals, heldTraces: $0.detection.heldTraces)
            },
            exporters: exporters.map {
                .init(id: "\($0.id)", queue: $0.depth, sentItems: $0.stats.sent, failedItems: $0.stats.failed, retriedRequests: $0.stats.retried)
            })
        return AdminJSON.response(.ok, health)
    }

    /// Prometheus text; gauges of held and tracked state are read at scrape time.
    private func metrics() -> Response {
        for processor in processors {
            let dimensions = [("processor", "\(processor.id)")]
            Gauge(label: "tokenaudit_held_traces", dimensions: dimensions).record(processor.detection.heldTraces)
            Gauge(label: "tokenaudit_tracked_principals", dimensions: dimensions).record(processor.detection.trackedPrincipals)
        }
        for pipeline in pipelines {
            Gauge(label: "tokenaudit_held_requests", dimensions: [("pipeline", "\(pipeline.id)")]).record(pipeline.heldRequestCount)
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: PrometheusMetrics.render())))
    }
}
