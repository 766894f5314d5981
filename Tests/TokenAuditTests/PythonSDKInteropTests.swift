import Foundation
import OTLPWire
import Testing
@testable import TokenAudit

/// The official OpenTelemetry Python SDK (installed from PyPI by
/// Tests/Interop/ensure-venv.sh) exports LLM spans over OTLP/gRPC and
/// OTLP/HTTP; they come out of the file exporter intact and attributed.
@Suite(.serialized) struct PythonSDKInteropTests {
    static let interop: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Interop")
    }()

    /// Runs a command to completion off the cooperative pool; returns its exit status and output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await Subprocess.run(executable, arguments)
        return (result.status, result.output)
    }

    @Test(arguments: ["grpc", "http"])
    func theOfficialPythonSDKExportsToTokenaudit(protocolName: String) async throws {
        let venv = try await Self.run("/bin/bash", [Self.interop.appendingPathComponent("ensure-venv.sh").path])
        try #require(venv.status == 0, "could not install the OpenTelemetry SDK from PyPI: \(venv.output)")
        let python = venv.output.split(separator: "\n").last.map(String.init) ?? ""

        let yaml = TestDaemon.yaml(exporters: "  file: { path: {dir}/out.jsonl }", exporterIDs: ["file"])
        let daemon = try await TestDaemon(yaml: yaml)
        let receiver = try #require(daemon.daemon.receivers.values.first)
        let endpoint = protocolName == "grpc"
            ? "http://127.0.0.1:\(await receiver.grpcAddress.port())"
            : "http://127.0.0.1:\(await receiver.httpAddress.port())"
        let spans = 150
        let app = try await Self.run(python, [Self.interop.appendingPathComponent("export_llm_spans.py").path, protocolName, endpoint, "\(spans)", "pat@example.com"])
        try await daemon.stop()
        #expect(app.status == 0, "the SDK reported a failed export: \(app.output)")

        var llmSpans = 0
        var parents = 0
        var inputTokens = 0
        for line in TestFiles.lines("\(daemon.directory)/out.jsonl") {
            let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: Array(line.utf8), as: OTLPSchema.exportTraceRequest)
            protobuf.withUnsafeBytes { raw in
                ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                    if span.name.equals("handle_request") { parents += 1; return }
                    llmSpans += 1
                    #expect(span.traceID.count == 16 && span.spanID.count == 8)
                    #expect(span.attributes["gen_ai.request.model"]?.stringValue?.string == "gpt-4o-mini")
                    #expect(span.attributes["tokenaudit.principal"]?.stringValue?.string == "pat@example.com")
                    #expect(span.attributes["tokenaudit.team"]?.stringValue?.string == "interop")
                    let tokens = span.attributes["tokenaudit.tokens.input"]?.intValue
                    #expect(tokens == span.attributes["gen_ai.usage.input_tokens"]?.intValue)
                    inputTokens += Int(tokens ?? 0)
                }
            }
        }
        #expect(llmSpans == spans)
        #expect(parents == 1)
        #expect(inputTokens == (0..<spans).reduce(0) { $0 + 100 + $1 })
    }
}
