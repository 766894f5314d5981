import Foundation
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// `sending_queue.num_consumers`: a batch the backend asks to retry later
/// holds up one slot, not the exporter; with one consumer, queue order holds.
@Suite(.serialized) struct ExporterConcurrencyTests {
    /// Names of the spans in each request the sink received, in arrival order.
    func arrivals(_ sink: RecordingSink) -> [String] {
        sink.received.filter { $0.path == "/v1/traces" }.map { received in
            received.body.withUnsafeBytes { raw in
                var names: [String] = []
                ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in names.append(span.name.string) }
                return names.joined(separator: ",")
            }
        }
    }

    /// Posts a, b, c and d while the sink holds what it receives; once the
    /// exporter has as many in flight as it may, the sink answers: the first
    /// to arrive is told to come back in 2 s, the rest are taken.
    func run(consumers: Int) async throws -> [String] {
        let sink = RecordingSink()
        sink.hold()
        sink.script([.init(status: .serviceUnavailable, headers: [.retryAfter: "2"])])
        let d = try await TestDaemon(yaml: TestDaemon.yaml(
            exporters: "  otlp_http: { endpoint: \(await sink.baseURL), sending_queue: { num_consumers: \(consumers) } }",
            exporterIDs: ["otlp_http"]).replacingOccurrences(of: "tokenaudit: {}", with: "tokenaudit: { decision_wait: 0s }"))
        for name in ["a", "b", "c", "d"] {
            #expect(try await OTLPClient.post(await d.url("/v1/traces"), body: AuthenticationTests.request(claimingTenant: nil, name: name)).status == 200)
        }
        // A condition, not a duration: the exporter's slots are all taken.
        for _ in 0..<3000 where sink.received.count < min(consumers, 4) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sink.received.count == min(consumers, 4), "in flight at once")
        sink.release()
        try await d.stop()
        try await sink.stop()
        return arrivals(sink)
    }

    @Test func aBatchWaitingToBeRetriedDoesNotHoldUpTheOthers() async throws {
        let order = try await run(consumers: 4)
        #expect(order.count == 5, "\(order)")
        #expect(order.first == order.last, "the refused batch came back after the others were delivered: \(order)")
        #expect(Set(order) == ["a", "b", "c", "d"])
    }

    @Test func oneConsumerKeepsQueueOrder() async throws {
        #expect(try await run(consumers: 1) == ["a", "a", "b", "c", "d"])
    }
}
