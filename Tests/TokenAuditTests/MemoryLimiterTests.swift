import Foundation
import TestSupport
import Testing
@testable import TokenAudit

@Suite(.serialized) struct MemoryLimiterTests {
    func yaml(limitMiB: Int) -> String {
        TestDaemon.yaml(exporters: "  file: { path: {dir}/out.jsonl }", exporterIDs: ["file"])
            .replacingOccurrences(of: "processors:\n  tokenaudit: {}", with: "processors:\n  tokenaudit: {}\n  memory_limiter: { check_interval: 50ms, limit_mib: \(limitMiB), spike_limit_mib: 0 }")
            .replacingOccurrences(of: "processors: [tokenaudit]", with: "processors: [memory_limiter, tokenaudit]")
    }

    @Test func aboveTheLimitRequestsAreRefusedWithRetryableStatusesAndNothingIsWritten() async throws {
        let daemon = try await TestDaemon(yaml: yaml(limitMiB: 1))  // every process is above 1 MiB resident
        let capture = try #require(try Fixtures.all().first { $0.isTraces })
        let answer = try await OTLPClient.post(await daemon.url("/v1/traces"), body: capture.protobuf)
        #expect(answer.status == 503)
        #expect(answer.headers.first(name: "Retry-After") == "1")
        #expect(answer.rpcStatus?.contains("memory limit reached") == true)
        let grpc = try await OTLPGRPCClient.export(
            capture.protobuf, signal: .traces, port: await daemon.daemon.receivers.values.first!.grpcAddress.port())
        #expect(grpc.error?.code == .unavailable)
        try await daemon.stop()
        #expect(TestFiles.lines("\(daemon.directory)/out.jsonl").isEmpty)
    }

    @Test func belowTheLimitDataFlows() async throws {
        let daemon = try await TestDaemon(yaml: yaml(limitMiB: 1 << 20))
        let capture = try #require(try Fixtures.all().first { $0.isTraces })
        #expect(try await OTLPClient.post(await daemon.url("/v1/traces"), body: capture.protobuf).status == 200)
        try await daemon.stop()
        #expect(TestFiles.lines("\(daemon.directory)/out.jsonl").count == 1)
    }

    @Test func limitsFollowTheCollectorsArithmetic() throws {
        var config = MemoryLimiterConfig()
        config.limitMiB = 1000
        #expect(config.softLimitBytes == 800 << 20, "spike defaults to 20% of the limit")
        config.spikeLimitMiB = 100
        #expect(config.softLimitBytes == 900 << 20)
        #expect(MemoryLimiter.residentBytes() > 1 << 20)
        do {
            _ = try TokenAuditConfig.parse(yaml: """
                receivers: { otlp: { protocols: { http: {} } } }
                processors: { memory_limiter: { limit_mib: 100, spike_limit_mib: 100 } }
                exporters: { file: {} }
                service: { pipelines: { traces: { receivers: [otlp], processors: [memory_limiter], exporters: [file] } } }
                """, source: "test")
            Issue.record("accepted spike_limit_mib == limit_mib")
        } catch {
            #expect(error.issues.contains { $0.description.contains("spike_limit_mib: must be below limit_mib") })
        }
    }
}
