import AsyncHTTPClient
import Foundation
import NIOCore
import OTLPWire
import Synchronization

/// The steady load of a soak run: `senders` connections posting OTLP/HTTP
/// traces at a fixed total rate, every span with ids never used before, each
/// refused request (429/503) retried after the delay the daemon asked for,
/// as an SDK does.
final class SoakLoad: Sendable {
    struct Counts: Sendable {
        var requests = 0
        var acceptedSpans = 0
        /// 429/503 answers: backpressure the daemon is allowed to apply.
        var backpressure = 0
        /// Anything else: statuses other than 200/429/503, transport errors.
        var errors: [String: Int] = [:]
        /// Spans still unaccepted when the load stopped (never the daemon's).
        var abandonedSpans = 0
    }

    private let plan: SoakPlan
    private let url: String
    private let counts = Mutex(Counts())
    private let nextID = Atomic<UInt64>(1)
    private let run = UInt64.random(in: 1...UInt64.max)

    init(plan: SoakPlan, url: String) {
        self.plan = plan
        self.url = url
    }

    var snapshot: Counts { counts.withLock { $0 } }

    /// Sends until `deadline`, then returns once every sender has stopped.
    func run(until deadline: ContinuousClock.Instant) async {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<plan.senders {
                group.addTask { await self.send(sender: sender, client: client, until: deadline) }
            }
        }
        try? await client.shutdown()
    }

    private func send(sender: Int, client: HTTPClient, until deadline: ContinuousClock.Instant) async {
        let interval = Duration.seconds(Double(plan.senders) / Double(max(plan.requestsPerSecond, 1)))
        var due = ContinuousClock.now + interval * Double(sender) / Double(plan.senders)
        while due < deadline {
            try? await Task.sleep(until: due, clock: .continuous)
            due += interval
            let body = makeRequest()
            var accepted = false
            while !accepted, ContinuousClock.now < deadline + .seconds(5) {
                let status = await post(body, client: client)
                switch status {
                case 200:
                    accepted = true
                    counts.withLock { $0.requests += 1; $0.acceptedSpans += plan.spansPerRequest }
                case 429, 503:
                    counts.withLock { $0.backpressure += 1 }
                    try? await Task.sleep(for: .milliseconds(200))
                default:
                    counts.withLock { $0.errors[status.map { "HTTP \($0)" } ?? "transport error", default: 0] += 1 }
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
            if !accepted { counts.withLock { $0.abandonedSpans += plan.spansPerRequest } }
        }
    }

    private func post(_ body: ByteBuffer, client: HTTPClient) async -> Int? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }

    private static let models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-pro"]

    /// One request of `spansPerRequest` spans in one trace: an LLM call now
    /// and then among ordinary spans, from one of 200 people.
    private func makeRequest() -> ByteBuffer {
        let first = nextID.wrappingAdd(UInt64(plan.spansPerRequest), ordering: .relaxed).oldValue
        var random = SimulationRandom(seed: first ^ run)
        let person = random.int(0...199)
        var w = ProtoWriter(reservingCapacity: plan.spansPerRequest * 200)
        w.message(1) { rs in
            rs.message(1) { r in
                r.attribute(1, key: "service.name", value: .string("soak-\(person % 7)"))
                r.attribute(1, key: "user.id", value: .string("person-\(person)@example.com"))
                r.attribute(1, key: "team", value: .string("team-\(person % 12)"))
            }
            rs.message(2) { ss in
                for index in 0..<UInt64(plan.spansPerRequest) {
                    let id = first + index
                    ss.message(2) { s in
                        s.bytesField(1, Self.bigEndian(run) + Self.bigEndian(first))
                        s.bytesField(2, Self.bigEndian(id))
                        let start = UInt64(Date().timeIntervalSince1970 * 1e9) + index * 1_000_000
                        if random.chance(plan.llmShare) {
                            let model = random.pick(Self.models)
                            s.stringField(5, "chat \(model)")
                            s.fixed64Field(7, start)
                            s.fixed64Field(8, start + 800_000_000)
                            s.attribute(9, key: "gen_ai.operation.name", value: .string("chat"))
                            s.attribute(9, key: "gen_ai.provider.name", value: .string("openai"))
                            s.attribute(9, key: "gen_ai.request.model", value: .string(model))
                            s.attribute(9, key: "gen_ai.usage.input_tokens", value: .int(Int64(random.int(50...8000))))
                            s.attribute(9, key: "gen_ai.usage.output_tokens", value: .int(Int64(random.int(10...1500))))
                        } else {
                            s.stringField(5, "GET /api/items/\(random.int(1...500))")
                            s.fixed64Field(7, start)
                            s.fixed64Field(8, start + 20_000_000)
                            s.attribute(9, key: "http.request.method", value: .string("GET"))
                            s.attribute(9, key: "http.response.status_code", value: .int(200))
                        }
                    }
                }
            }
        }
        return ByteBuffer(bytes: w.bytes)
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
}
