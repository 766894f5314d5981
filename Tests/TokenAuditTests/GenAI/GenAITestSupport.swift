import NIOCore
import OTLPWire
import Synchronization
import TestSupport
@testable import TokenAudit

/// A GenAI stage that records every call it extracts.
final class RecordingGenAIStage: Sendable {
    private final class Log: Sendable {
        let entries = Mutex<[(call: LLMCall, cost: Double?)]>([])
    }

    private let log = Log()
    let stage: GenAIStage

    init(config: TokenAuditProcessorConfig = TokenAuditProcessorConfig(), directory: TeamDirectory? = nil,
         prices: PriceTable = PriceTable()) {
        let log = self.log
        stage = GenAIStage(config: config, directory: directory, prices: prices) { call, cost in
            log.entries.withLock { $0.append((call, cost)) }
        }
    }

    var recorded: [(call: LLMCall, cost: Double?)] { log.entries.withLock { $0 } }

    /// Feeds captures in arrival order (logs first feed the content index).
    @discardableResult
    func feed(_ captures: [Fixtures.Capture]) -> [TelemetryBatch] {
        captures.map { capture in
            let batch = TelemetryBatch(signal: capture.isTraces ? .traces : .logs, request: ByteBuffer(bytes: capture.protobuf), itemCount: 0)
            if capture.isTraces { return stage.enrich(batch) }
            stage.absorbContent(batch)
            return batch
        }
    }

    /// Enriches one traces request built from `model`.
    @discardableResult
    func enrich(_ model: TracesModel) -> [UInt8] {
        let batch = TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: model.encode()), itemCount: 0)
        return Array(stage.enrich(batch).request.readableBytesView)
    }
}

/// One span with `attributes` under a resource with `resource` attributes.
func traces(_ attributes: [KeyValueModel], resource: [KeyValueModel] = [], name: String = "llm",
            spanID: UInt8 = 1, parent: UInt8? = nil, events: [EventModel] = []) -> TracesModel {
    var span = SpanModel()
    span.traceID = Array(repeating: 0xAB, count: 16)
    span.spanID = Array(repeating: spanID, count: 8)
    span.parentSpanID = parent.map { Array(repeating: $0, count: 8) } ?? []
    span.name = name
    span.start = 1_700_000_000_000_000_000
    span.end = 1_700_000_001_500_000_000
    span.attributes = attributes
    span.events = events
    return TracesModel(resourceSpans: [ResourceSpansModel(resource: ResourceModel(attributes: resource),
                                                          scopeSpans: [ScopeSpansModel(spans: [span])])])
}

func kv(_ key: String, _ value: String) -> KeyValueModel { KeyValueModel(key: key, value: .string(value)) }
func kv(_ key: String, _ value: Int64) -> KeyValueModel { KeyValueModel(key: key, value: .int(value)) }
func kv(_ key: String, _ value: AnyModel) -> KeyValueModel { KeyValueModel(key: key, value: value) }
