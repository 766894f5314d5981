import Logging
import NIOCore
import OTLPWire
import Synchronization

/// Extraction and the attributes it can already write: every LLM span gets
/// `tokenaudit.principal` and `tokenaudit.team`; leaf model calls also get
/// `tokenaudit.tokens.input` / `.output` and `tokenaudit.cost.usd` (aggregate
/// spans do not, so that summing them over a trace counts each token once).
/// Log records feed the content index that spans are matched against.
/// Spans an upstream tokenaudit already annotated are counted, not annotated twice.
final class GenAIStage: Sendable {
    /// Principal, team, token counts and cost: about 100 bytes a call (room
    /// reserved ahead; an estimate, not a limit).
    static let attributionBytesPerCall = 100

    let extractor: LLMCallExtractor
    let prices: PriceTable
    let contentIndex: ContentIndex
    let emissions: EmissionEstimate
    let stats = GenAIStats()
    /// Leave prompt and completion content out of what is forwarded.
    let redactContent: Bool
    /// Model name → price as resolved by `prices` (nil when unknown). Spans
    /// repeat a handful of model names, and resolving one normalises it and
    /// scans the table; bounded, cleared when full.
    private let resolvedPrices = Mutex<[String: ModelPrice?]>([:])
    /// Receives every extracted call (detection and summaries plug in here).
    let observer: @Sendable (LLMCall, Double?) -> Void

    init(config: TokenAuditProcessorConfig, directory: TeamDirectory?, prices: PriceTable,
         contentIndex: ContentIndex = ContentIndex(), observer: @escaping @Sendable (LLMCall, Double?) -> Void = { _, _ in }) {
        self.contentIndex = contentIndex
        self.prices = prices
        emissions = EmissionEstimate(gramsPer1kTokens: config.co2GramsPer1kTokens)
        self.observer = observer
        redactContent = config.redactContent
        extractor = LLMCallExtractor(
            principals: PrincipalResolver(attributes: config.principalAttributes, teamAttribute: config.teamAttribute, directory: directory),
            contentIndex: contentIndex)
    }

    /// Step 1, for any number of requests at once (it reads no other
    /// request's state): extracts every LLM call of a traces batch, finds
    /// content to redact and prepares the attribution attributes.
    func extract(_ batch: TelemetryBatch) -> ExtractedRequest {
        batch.request.withUnsafeReadableBytes { raw in
            var extraction = RequestExtraction(batch, in: raw, by: self)
            ExportTraceRequestView(bytes: raw).forEachSpan { resourceSpans, _, span in
                extraction.visit(span, of: resourceSpans)
            }
            stats.record(extraction.tally)
            return extraction.extracted
        }
    }

    /// Step 2, in arrival order: `detection` observes each leaf model call
    /// (its history must grow in the order calls arrive) and records the
    /// request's other spans as trace evidence. `release` on the result
    /// finishes the request.
    func observe(_ extracted: ExtractedRequest, detection: DetectionEngine?) -> ObservedRequest {
        var observed = ObservedRequest(batch: extracted.batch, writer: extracted.writer)
        guard let detection else { return observed }
        observed.pending.reserveCapacity(extracted.calls.count)
        // Through the buffer: each `calls[index].field` read copied the whole
        // call (a retain per string), and destructuring an element does too.
        extracted.calls.withUnsafeBufferPointer { calls in
            for index in calls.indices {
                observed.pending.append(AwaitingVerdict(target: calls[index].target, call: detection.observe(calls[index].call)))
            }
        }
        if !extracted.evidence.isEmpty, detection.isAssembling {
            extracted.batch.request.withUnsafeReadableBytes { raw in
                TraceEvidenceReader.record(extracted.evidence, in: raw, into: detection)
            }
        }
        return observed
    }

    func observe(_ batch: TelemetryBatch, detection: DetectionEngine?) -> ObservedRequest {
        observe(extract(batch), detection: detection)
    }

    /// Attribution only, no detection and no hold (tests, chained checks).
    func enrich(_ batch: TelemetryBatch) -> TelemetryBatch {
        observe(batch, detection: nil).release(detection: nil)
    }

    func price(of model: String) -> ModelPrice? {
        if let known = resolvedPrices.withLock({ $0[model] }) { return known }
        let price = prices.price(of: model)
        resolvedPrices.withLock { cache in
            if cache.count >= 4096 { cache.removeAll() }
            cache[model] = .some(price)
        }
        return price
    }

    /// Records the message content that GenAI log events carry, by span, and
    /// returns the request with that content left out when redacting.
    @discardableResult
    func absorbContent(_ batch: TelemetryBatch) -> TelemetryBatch {
        var writer = SpliceWriter()
        batch.request.withUnsafeReadableBytes { raw in
            var removals: [Range<Int>] = []
            ExportLogsRequestView(bytes: raw).forEachLogRecord { _, _, record in
                var eventName = record.eventName
                if eventName.isEmpty, let legacy = record.attributes["event.name"]?.stringValue { eventName = legacy }
                if redactContent {
                    removals.removeAll(keepingCapacity: true)
                    ContentRedactor.contentFields(of: record, eventName: eventName, in: raw, into: &removals)
                    if !removals.isEmpty {
                        let target = record.spliceTarget
                        for extent in removals { writer.remove(extent, from: target) }
                        writer.appendAttribute(to: target, fieldNumber: 6, key: "tokenaudit.content_redacted", value: .bool(true))
                        stats.recordRedaction(fields: removals.count)
                    }
                }
                guard record.traceID.count == 16, record.spanID.count == 8 else { return }
                guard eventName.hasPrefix("gen_ai.") else { return }
                var digest = PromptDigest()
                let role: PromptDigest.Role
                if eventName.equals("gen_ai.system.message") {
                    role = .system
                } else if eventName.equals("gen_ai.choice") {
                    role = .output
                } else if eventName.hasPrefix("gen_ai.") && eventName.string.hasSuffix(".message") {
                    role = .input
                } else {
                    // gen_ai.client.inference.operation.details: messages as attributes.
                    if let input = record.attributes["gen_ai.input.messages"] { MessageContent.feed(input, as: .input, into: &digest) }
                    if let output = record.attributes["gen_ai.output.messages"] { MessageContent.feed(output, as: .output, into: &digest) }
                    if let system = record.attributes["gen_ai.system_instructions"] { MessageContent.feed(system, as: .system, into: &digest) }
                    contentIndex.add(digest, for: ContentIndex.Key(traceID: WireID(record.traceID.rawBytes), spanID: WireID(record.spanID.rawBytes)))
                    return
                }
                if let body = record.body { MessageContent.feed(body, as: role, into: &digest) }
                contentIndex.add(digest, for: ContentIndex.Key(traceID: WireID(record.traceID.rawBytes), spanID: WireID(record.spanID.rawBytes)))
            }
        }
        guard !writer.isEmpty else { return batch }
        var out = ByteBuffer()
        batch.request.withUnsafeReadableBytes { writer.write($0, into: &out) }
        return TelemetryBatch(signal: batch.signal, request: out, itemCount: batch.itemCount, acceptedAtMilliseconds: batch.acceptedAtMilliseconds)
    }
}

/// A traces request between `GenAIStage.extract` and `observe`: the
/// attributes to splice in so far and the leaf calls detection has not seen.
struct ExtractedRequest: Sendable {
    var batch: TelemetryBatch
    var writer = SpliceWriter()
    var calls: [ExtractedCall] = []
    /// Spans that are not leaf model calls.
    var evidence: [SpanEvidence] = []
}

/// A leaf model call and the span its verdict goes into. A struct, not a
/// tuple: tuples of these were copied through the runtime's generic tuple
/// witnesses (`tuple_initializeWithCopy`), 6% of an all-LLM request.
struct ExtractedCall: Sendable {
    var target: SpliceTarget
    var call: ObservableCall
}

/// A call detection has seen, waiting for its verdict (`ExtractedCall`'s
/// counterpart after `observe`).
struct AwaitingVerdict: Sendable {
    var target: SpliceTarget
    var call: PendingCall
}

/// A leaf call and its verdict, as the stats and summaries record it.
struct JudgedCall: Sendable {
    var summary: CallSummary
    var decision: Decision
}

extension [JudgedCall] {
    /// Findings per label, indexed by `DetectionLabel.ordinal`.
    var findingsPerLabel: [Int] {
        var counts = [Int](repeating: 0, count: DetectionLabel.allCases.count)
        for call in self {
            for finding in call.decision.findings { counts[finding.label.ordinal] += 1 }
        }
        return counts
    }
}

/// A traces request between `GenAIStage.observe` and `release`: the
/// attributes to splice in so far and the calls waiting for a verdict.
struct ObservedRequest: Sendable {
    var batch: TelemetryBatch
    var writer = SpliceWriter()
    var pending: [AwaitingVerdict] = []

    /// Verdict, score, labels and a sentence of evidence per label: about
    /// 320 bytes a call (room reserved ahead; an estimate, not a limit).
    static let verdictBytesPerCall = 320

    /// Step 2: decides every pending call, adds the verdict attributes
    /// (DESIGN.md §3.2) and writes the request. Untouched requests are
    /// returned as they came, byte for byte.
    /// `onJudged` receives the request's verdicts at once (bookkeeping per
    /// request, not per call: one lock instead of one per call).
    func release(detection: DetectionEngine?, onJudged: ([JudgedCall]) -> Void = { _ in }) -> TelemetryBatch {
        var writer = writer
        if let detection {
            writer.reserveCapacity(bytes: Self.verdictBytesPerCall * pending.count, insertions: pending.count)
            var judged: [JudgedCall] = []
            judged.reserveCapacity(pending.count)
            for index in pending.indices {
                let decision = detection.decide(pending[index].call)
                judged.append(JudgedCall(summary: pending[index].call.summary, decision: decision))
                writer.append(to: pending[index].target) { VerdictAttributes.write(decision, into: &$0) }
            }
            if !judged.isEmpty { onJudged(judged) }
        }
        guard !writer.isEmpty else { return batch }
        var out = ByteBuffer()
        out.reserveCapacity(batch.request.readableBytes + 256 * max(1, pending.count))
        batch.request.withUnsafeReadableBytes { writer.write($0, into: &out) }
        return TelemetryBatch(signal: batch.signal, request: out, itemCount: batch.itemCount, acceptedAtMilliseconds: batch.acceptedAtMilliseconds)
    }
}
