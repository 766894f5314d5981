import Foundation
import OTLPWire

/// The payloads of DESIGN.md §7 and issue 7, built deterministically.
struct Payload {
    var name: String
    var bytes: [UInt8]
    var spans: Int
}

enum Payloads {
    /// 1,000 spans of ~512 bytes with 12 attributes each; `llmShare` of them
    /// are GenAI spans (the rest carry HTTP attributes of the same size).
    static func reference(spans count: Int = 1000, llmShare: Double = 1.0, name: String) -> Payload {
        var request = ProtoWriter(reservingCapacity: count * 560)
        let llmEvery = llmShare >= 1 ? 1 : llmShare <= 0 ? Int.max : max(1, Int((1 / llmShare).rounded()))
        request.message(1) { resourceSpans in
            resourceSpans.message(1) { resource in
                resource.attribute(1, key: "service.name", value: .string("checkout-assistant"))
                resource.attribute(1, key: "user.id", value: .string("alice@example.com"))
            }
            resourceSpans.message(2) { scopeSpans in
                scopeSpans.message(1) { $0.stringField(1, "bench") }
                for index in 0..<count {
                    scopeSpans.message(2) { span in
                        writeSpan(&span, index: index, llm: llmEvery != .max && index % llmEvery == 0)
                    }
                }
            }
        }
        return Payload(name: name, bytes: request.bytes, spans: count)
    }

    static func writeSpan(_ span: inout ProtoWriter, index: Int, llm: Bool) {
        var id = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: UInt64(index + 1).bigEndian) { id.replaceSubrange(8..<16, with: $0) }
        span.bytesField(1, id)
        span.bytesField(2, Array(id[8..<16]))
        span.bytesField(4, [1, 2, 3, 4, 5, 6, 7, 8])
        span.stringField(5, llm ? "chat gpt-4o-mini" : "GET /api/orders")
        span.varintField(6, 3)
        span.fixed64Field(7, 1_700_000_000_000_000_000 + UInt64(index) * 1_000_000)
        span.fixed64Field(8, 1_700_000_000_500_000_000 + UInt64(index) * 1_000_000)
        let attributes: [(String, AttributeValue)] = llm ? [
            ("gen_ai.operation.name", .string("chat")),
            ("gen_ai.system", .string("openai")),
            ("gen_ai.request.model", .string("gpt-4o-mini")),
            ("gen_ai.response.model", .string("gpt-4o-mini-2024-07-18")),
            ("gen_ai.request.max_tokens", .int(800)),
            ("gen_ai.usage.input_tokens", .int(Int64(100 + index % 900))),
            ("gen_ai.usage.output_tokens", .int(Int64(20 + index % 300))),
            ("gen_ai.response.id", .string("chatcmpl-\(100_000 + index)")),
            ("gen_ai.response.finish_reasons", .stringArray(["stop"])),
            ("gen_ai.conversation.id", .string("conv-\(index % 50)")),
            ("server.address", .string("api.openai.com")),
            ("padding", .string(String(repeating: "p", count: 52))),
        ] : [
            ("http.request.method", .string("GET")),
            ("http.route", .string("/api/orders/{id}")),
            ("url.full", .string("https://shop.example.com/api/orders/\(index)")),
            ("http.response.status_code", .int(200)),
            ("server.address", .string("shop.example.com")),
            ("server.port", .int(443)),
            ("network.protocol.version", .string("1.1")),
            ("user_agent.original", .string("Mozilla/5.0 (X11; Linux x86_64)")),
            ("client.address", .string("10.1.2.3")),
            ("http.request.body.size", .int(0)),
            ("http.response.body.size", .int(Int64(1000 + index))),
            ("padding", .string(String(repeating: "p", count: 74))),
        ]
        for (key, value) in attributes { span.attribute(9, key: key, value: value) }
    }

    struct MissingFixture: Error, CustomStringConvertible {
        var folder: URL
        var description: String { "no *_v1_traces.binpb capture in \(folder.path)" }
    }

    /// A real capture's first traces request (`dialect`: a folder of
    /// ../shared/fixtures/real-instrumentation), its resource-spans repeated
    /// until it holds `spans` spans.
    static func fixture(spans count: Int, fixturesRoot: URL, dialect: String = "openllmetry") throws -> Payload {
        let folder = fixturesRoot.appendingPathComponent(dialect)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard let first = files.filter({ $0.hasSuffix("_v1_traces.binpb") }).sorted().first else { throw MissingFixture(folder: folder) }
        let data = try Data(contentsOf: folder.appendingPathComponent(first))
        let one = Array(data)
        let perRequest = one.withUnsafeBytes { ExportTraceRequestView(bytes: $0).spanCount }
        var bytes: [UInt8] = []
        for _ in 0..<(count / max(1, perRequest)) { bytes += one }  // concatenated requests merge their resource_spans
        let spans = bytes.withUnsafeBytes { ExportTraceRequestView(bytes: $0).spanCount }
        let name = ["openllmetry": "OpenLLMetry", "openinference": "OpenInference", "semconv": "GenAI semconv"][dialect] ?? dialect
        return Payload(name: "real fixture (\(name)) ×\(spans)", bytes: bytes, spans: spans)
    }
}
