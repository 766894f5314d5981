import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TokenAudit

/// `make interop`: an app using the real `openai` client, instrumented in
/// turn by the official GenAI instrumentation (`opentelemetry-instrumentation-openai-v2`),
/// Arize OpenInference and Traceloop OpenLLMetry, calls a local fake OpenAI
/// server with known usage and exports with nothing but the standard
/// `OTEL_EXPORTER_OTLP_ENDPOINT` / `_PROTOCOL` settings, over gRPC and HTTP,
/// with content capture on and off. tokenaudit forwards to a downstream
/// receiver that decodes with the Python `opentelemetry-proto` package.
@Suite(.serialized) struct RealInstrumentationInteropTests {
    struct Record: Decodable {
        var signal: String
        var name: String?
        var event_name: String?
        var span_id: String
        var has_body: Bool?
        var attributes: [String: AnyJSON]
    }

    /// Any JSON value (the downstream writes attributes as Python values).
    enum AnyJSON: Decodable, Equatable {
        case string(String), number(Double), bool(Bool), array([AnyJSON]), object([String: AnyJSON]), null

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let n = try? c.decode(Double.self) { self = .number(n) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([AnyJSON].self) { self = .array(a) }
            else { self = .object(try c.decode([String: AnyJSON].self)) }
        }

        var number: Double? { if case .number(let n) = self { n } else { nil } }
        var string: String? { if case .string(let s) = self { s } else { nil } }
    }

    static let interop = PythonSDKInteropTests.interop

    @Test func threeRealInstrumentationsOverGRPCAndHTTPWithAndWithoutContent() async throws {
        let venv = try await PythonSDKInteropTests.run("/bin/bash", [Self.interop.appendingPathComponent("ensure-venv.sh").path])
        try #require(venv.status == 0, "could not install the interop packages from PyPI: \(venv.output)")
        let python = venv.output.split(separator: "\n").last.map(String.init) ?? ""

        // The independent downstream decoder.
        let received = TestFiles.temporaryDirectory() + "/downstream.jsonl"
        let downstream = Process()
        downstream.executableURL = URL(fileURLWithPath: python)
        downstream.arguments = [Self.interop.appendingPathComponent("downstream.py").path, received]
        let portPipe = Pipe()
        downstream.standardOutput = portPipe
        downstream.standardError = FileHandle.nullDevice  // an inherited stderr would keep `swift test` waiting
        try downstream.run()
        defer {
            // SIGKILL: the test process ignores SIGTERM (service-lifecycle
            // handles it), and children inherit the ignored disposition.
            kill(downstream.processIdentifier, SIGKILL)
            downstream.waitUntilExit()
        }
        let portLine = await Subprocess.firstLine(of: portPipe)
        let port = try #require(portLine.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }, "the downstream receiver did not start")

        let yaml = TestDaemon.yaml(exporters: "  otlp_http: { endpoint: \"http://127.0.0.1:\(port)\" }", exporterIDs: ["otlp_http"])
            .replacingOccurrences(of: "tokenaudit: {}", with: "tokenaudit: { decision_wait: 0s }")
        let daemon = try await TestDaemon(yaml: yaml)
        let receiver = try #require(daemon.daemon.receivers.values.first)
        let grpc = "http://127.0.0.1:\(await receiver.grpcAddress.port())"
        let http = "http://127.0.0.1:\(await receiver.httpAddress.port())"

        var runs: [(principal: String, instrumentation: String, capture: Bool)] = []
        for instrumentation in ["openai-v2", "openinference", "traceloop"] {
            for (protocolName, endpoint) in [("grpc", grpc), ("http/protobuf", http)] {
                for capture in [true, false] {
                    let principal = "\(instrumentation)-\(protocolName == "grpc" ? "grpc" : "http")-\(capture ? "on" : "off")@example.com"
                    let app = try await Subprocess.run(
                        python, [Self.interop.appendingPathComponent("instrumented_app.py").path, instrumentation, capture ? "on" : "off", principal],
                        environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": protocolName])
                    #expect(app.status == 0, "\(principal): \(app.output)")
                    runs.append((principal, instrumentation, capture))
                }
            }
        }
        try await daemon.stop()  // drains every exporter: downstream has everything

        let decoder = JSONDecoder()
        let records = TestFiles.lines(received).compactMap { try? decoder.decode(Record.self, from: Data($0.utf8)) }
        let processor = try #require(daemon.daemon.processors[ComponentID("tokenaudit")])
        for run in runs {
            let spans = records.filter { $0.signal == "span" && $0.attributes["tokenaudit.principal"]?.string == run.principal }
            #expect(spans.count == 3, "\(run.principal): \(spans.count) LLM spans downstream")
            #expect(spans.map { $0.attributes["tokenaudit.tokens.input"]?.number }.sorted { ($0 ?? 0) < ($1 ?? 0) } == [52, 52, 54], "\(run.principal)")
            for span in spans {
                let a = span.attributes
                #expect(a["tokenaudit.tokens.output"]?.number == 17, "\(run.principal)")
                #expect(a["tokenaudit.team"]?.string == "interop")
                let cost = try #require(a["tokenaudit.cost.usd"]?.number, "\(run.principal): no cost")
                let expected = (a["tokenaudit.tokens.input"]?.number ?? 0) * 0.15e-6 + 17 * 0.6e-6
                #expect(abs(cost - expected) < 1e-12, "\(run.principal): cost \(cost) vs \(expected)")
                let model = a["gen_ai.response.model"]?.string ?? a["llm.model_name"]?.string ?? a["gen_ai.request.model"]?.string
                #expect(model?.hasPrefix("gpt-4o-mini") == true, "\(run.principal)")
                let provider = a["gen_ai.provider.name"]?.string ?? a["gen_ai.system"]?.string ?? a["llm.system"]?.string ?? a["llm.provider"]?.string
                #expect(provider == "openai", "\(run.principal)")
                #expect(["genuine", "suspect", "performative"].contains(a["tokenaudit.verdict"]?.string ?? ""), "\(run.principal)")
                #expect(a["tokenaudit.score"]?.number != nil)
                #expect(!a.keys.contains(where: isContentKey), "\(run.principal): content forwarded: \(a.keys.filter(isContentKey))")
            }
            // Identical prompts fingerprint alike, a different one does not.
            let prompts = processor.detection.snapshot()[run.principal]?.records.map(\.prompt) ?? []
            #expect(prompts.count == 3 && prompts[0] == prompts[1] && prompts[1] != prompts[2], "\(run.principal): \(prompts)")
            if run.capture, run.instrumentation != "openai-v2" {
                #expect(spans.allSatisfy { $0.attributes["tokenaudit.content_redacted"] == .bool(true) }, "\(run.principal)")
            }
        }
        // The official instrumentation sends content as log events: they are
        // correlated to their spans, and their bodies were left out.
        let logs = records.filter { $0.signal == "log" }
        let v2Spans = Set(records.filter { $0.signal == "span" && ($0.attributes["tokenaudit.principal"]?.string ?? "").hasPrefix("openai-v2-") }.map(\.span_id))
        #expect(!logs.isEmpty)
        #expect(logs.allSatisfy { v2Spans.contains($0.span_id) }, "every GenAI log event names its span")
        #expect(logs.allSatisfy { $0.has_body == false && $0.attributes["tokenaudit.content_redacted"] == .bool(true) })
    }
}
