import Foundation
import Testing
@testable import TokenAudit

@Suite struct ConfigTests {
    func issues(_ yaml: String) -> [ConfigIssue] {
        do {
            _ = try TokenAuditConfig.parse(yaml: yaml, source: "test.yaml")
            return []
        } catch {
            return error.issues
        }
    }

    @Test func theEmbeddedDefaultIsDesignSection3_1() throws {
        let config = TokenAuditConfig.embeddedDefault()
        #expect(config.service.pipelines.map(\.id.description).sorted() == ["logs", "traces"])
        for pipeline in config.service.pipelines {
            #expect(pipeline.receivers == [ComponentID("otlp")])
            #expect(pipeline.processors == [ComponentID("tokenaudit")])
            #expect(pipeline.exporters == [ComponentID("file")])
        }
        guard case .otlp(let otlp)? = config.receivers[ComponentID("otlp")] else { Issue.record("no otlp receiver"); return }
        #expect(otlp.http?.endpoint == Endpoint(host: "127.0.0.1", port: 4318))
        #expect(otlp.grpc?.endpoint == Endpoint(host: "127.0.0.1", port: 4317))
        #expect(config.exporters[ComponentID("file")] == .file(FileExporterConfig(path: "./tokenaudit-data/enriched.jsonl")))
        #expect(config.service.admin == Endpoint(host: "127.0.0.1", port: 8900))
        #expect(config.service.storagePath == "./tokenaudit-data")
        guard case .tokenaudit(let p)? = config.processors[ComponentID("tokenaudit")] else { Issue.record("no processor"); return }
        #expect(p.decisionWait == .seconds(2))
        #expect(p.principalAttributes.first == "user.id")
    }

    @Test func unknownKeysAreErrorsNamingTheKeyAndItsLine() {
        let found = issues("""
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:4318
                    max_body_size: 10
            exporters:
              file: { path: out.jsonl, rotaton: { max_megabytes: 1 } }
            service:
              pipelines:
                traces: { receivers: [otlp], exporters: [file] }
            """)
        #expect(found.map(\.description) == [
            "line 6: receivers.otlp.protocols.http.max_body_size: unknown key 'max_body_size'",
            "line 8: exporters.file.rotaton: unknown key 'rotaton'",
        ])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = issues("""
            receivers:
              otlp: { protocols: { http: { endpoint: "nowhere" } } }
              zipkin: {}
            processors:
              tokenaudit: { decision_wait: forever, principal_attributes: [] }
            exporters:
              otlp_http: { endpoint: "http://x", compression: zstd, retry_on_failure: { multiplier: 0.5 } }
              otlp_grpc: { endpoint: "https://otel.example.com:4317", tls: { cert_file: client.pem } }
            service:
              pipelines:
                traces: { receivers: [otlp, missing], processors: [batch], exporters: [] }
                metrics: { receivers: [otlp], exporters: [otlp_http] }
            """).map(\.description)
        let expected = [
            "receivers.otlp.protocols.http.endpoint: expected host:port",
            "receivers.zipkin: unknown receiver type 'zipkin'",
            "processors.tokenaudit.decision_wait: expected a duration",
            "processors.tokenaudit.principal_attributes: must name at least one attribute",
            "exporters.otlp_http.compression: expected gzip or none, found 'zstd'",
            "exporters.otlp_http.retry_on_failure.multiplier: must be between 1.0 and 10.0",
            "exporters.otlp_grpc.tls.key_file: a client certificate needs both cert_file and key_file",
            "service.pipelines.traces.exporters: a pipeline needs at least one exporter",
            "service.pipelines.metrics: unsupported pipeline type 'metrics'",
            "service.pipelines.traces.receivers: receiver 'missing' is not defined",
            "service.pipelines.traces.processors: processor 'batch' is not defined",
        ]
        for fragment in expected {
            #expect(found.contains { $0.contains(fragment) }, "missing: \(fragment)\nin: \(found)")
        }
        #expect(found.count == expected.count, "\(found)")
    }

    @Test func namedComponentsAndCollectorSpellingsAreAccepted() throws {
        let config = try TokenAuditConfig.parse(yaml: """
            receivers:
              otlp/internal: { protocols: { http: { endpoint: "[::1]:4318", traces_url_path: /otlp/v1/traces } } }
            exporters:
              otlp_http/backup:
                endpoint: https://otel.example.com:4318/
                headers: { authorization: "Bearer x" }
                timeout: 1.5s
                retry_on_failure: { initial_interval: 250ms, max_interval: 1m, max_elapsed_time: 0, multiplier: 2, randomization_factor: 0.1 }
            service:
              pipelines:
                traces/2: { receivers: [otlp/internal], exporters: [otlp_http/backup] }
              telemetry: { logs: { level: debug } }
            """, source: "test")
        guard case .otlpHTTP(let http)? = config.exporters[ComponentID("otlp_http/backup")] else {
            Issue.record("exporter missing"); return
        }
        #expect(http.url(for: .traces) == "https://otel.example.com:4318/v1/traces")
        #expect(http.url(for: .logs) == "https://otel.example.com:4318/v1/logs")
        #expect(http.headers == ["authorization": "Bearer x"])
        #expect(http.timeout == .milliseconds(1500))
        #expect(http.retry.initialInterval == .milliseconds(250))
        #expect(http.retry.maxInterval == .seconds(60))
        #expect(http.retry.maxElapsedTime == .zero)
        #expect(http.retry.multiplier == 2)
        guard case .otlp(let otlp)? = config.receivers[ComponentID("otlp/internal")] else { Issue.record("receiver missing"); return }
        #expect(otlp.http?.endpoint == Endpoint(host: "::1", port: 4318))
        #expect(otlp.http?.tracesURLPath == "/otlp/v1/traces")
        #expect(config.service.pipelines.first?.signal == .traces)
        #expect(config.service.logLevel == "debug")
    }

    @Test func durationsAndEndpointsParseAsTheCollectorWritesThem() {
        #expect(ConfigValues.duration("250ms") == .milliseconds(250))
        #expect(ConfigValues.duration("2s") == .seconds(2))
        #expect(ConfigValues.duration("1.5m") == .seconds(90))
        #expect(ConfigValues.duration("1h") == .seconds(3600))
        #expect(ConfigValues.duration("0") == .zero)
        #expect(ConfigValues.duration("2") == nil)
        #expect(ConfigValues.duration("-1s") == nil)
        #expect(Endpoint("localhost:4318") == Endpoint(host: "localhost", port: 4318))
        #expect(Endpoint("[::1]:4317")?.host == "::1")
        #expect(Endpoint("127.0.0.1") == nil)
        #expect(Endpoint("127.0.0.1:70000") == nil)
    }

    @Test func invalidYAMLIsOneClearIssue() {
        let found = issues("receivers: [unclosed")
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("not valid YAML") == true)
    }

    @Test func everyExampleConfigIsValid() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let folder = root.appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 2)
        for file in files {
            let yaml = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(throws: Never.self, "\(file)") { try TokenAuditConfig.parse(yaml: yaml, source: file) }
        }
    }

    @Test func detectionKeysAreReadAndCheckedWithTheirPaths() throws {
        let config = try TokenAuditConfig.parse(yaml: """
            processors:
              tokenaudit:
                decision_wait: 500ms
                detection:
                  window: 2h
                  max_principals: 5000
                  hold_limit_mib: 16
                  suspect_threshold: 0.3
                  performative_threshold: 0.8
                  detectors:
                    automated_loop: { weight: 0.5 }
                    retry_storm: { enabled: false }
            receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:4318" } } } }
            exporters: { file: { path: x.jsonl } }
            service: { pipelines: { traces: { receivers: [otlp], processors: [tokenaudit], exporters: [file] } } }
            """, source: "test")
        guard case .tokenaudit(let p)? = config.processors[ComponentID("tokenaudit")] else { Issue.record("no processor"); return }
        #expect(p.decisionWait == .milliseconds(500))
        #expect(p.detection.window == .seconds(7200))
        #expect(p.detection.maxPrincipals == 5000)
        #expect(p.detection.holdLimitBytes == 16 << 20)
        #expect(p.detection.settings(.automatedLoop) == DetectorSettings(enabled: true, weight: 0.5))
        #expect(p.detection.settings(.retryStorm).enabled == false)
        #expect(p.detection.settings(.repeatedPrompt) == DetectorSettings(enabled: true, weight: 1))

        let found = issues("""
            processors:
              tokenaudit:
                detection:
                  window: 10s
                  suspect_threshold: 0.9
                  performative_threshold: 0.5
                  detectors: { looping: {}, unused_output: { wieght: 1 } }
            receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:4318" } } } }
            exporters: { file: { path: x.jsonl } }
            service: { pipelines: { traces: { receivers: [otlp], processors: [tokenaudit], exporters: [file] } } }
            """).map(\.description)
        for fragment in [
            "processors.tokenaudit.detection.window: must be between 1m and 30d",
            "processors.tokenaudit.detection.performative_threshold: must not be below suspect_threshold",
            "processors.tokenaudit.detection.detectors.looping: unknown detector; known: repeated_prompt",
            "processors.tokenaudit.detection.detectors.unused_output.wieght: unknown key 'wieght'",
        ] {
            #expect(found.contains { $0.contains(fragment) }, "missing: \(fragment)\nin: \(found)")
        }
        #expect(found.count == 4, "\(found)")
    }
}
