/// The `tokenaudit` processor: extracts every LLM call (any dialect),
/// judges it (`DetectionEngine`) and writes attribution and verdict
/// attributes onto its span. Traces requests are held for `decision_wait`
/// so that evidence from the rest of the trace is seen before the verdict.
/// One instance serves every pipeline that names it, so the logs pipeline's
/// message content reaches the traces pipeline's spans.
public final class TokenAuditProcessor: HoldingProcessor {
    public let id: ComponentID
    public let config: TokenAuditProcessorConfig
    let genAI: GenAIStage
    let directory: TeamDirectory?
    public let detection: DetectionEngine
    /// Receives every request's verdicts (summaries plug in here).
    let onJudged: @Sendable ([JudgedCall]) -> Void

    public var stats: GenAIStats { genAI.stats }

    /// Loads the team directory and price file the config names; their
    /// errors are start-up errors.
    public init(id: ComponentID, config: TokenAuditProcessorConfig, outcomes: OutcomeIndex = OutcomeIndex(),
                summaries: SummaryRecorder? = nil) throws {
        self.id = id
        self.config = config
        directory = try config.directoryFile.map { try TeamDirectory(path: $0) }
        var prices = PriceTable()
        if let file = config.priceFile { prices.merge(try PriceTable.load(file)) }
        genAI = GenAIStage(config: config, directory: directory, prices: prices)
        detection = DetectionEngine(config: config.detection, outcomes: outcomes)
        let stats = genAI.stats
        onJudged = { judged in
            stats.record(judged)
            summaries?.record(judged)
        }
    }

    public func process(_ batch: TelemetryBatch) async -> TelemetryBatch {
        switch batch.signal {
        case .traces:
            return prepare(batch).hold().release()
        case .logs:
            return genAI.absorbContent(batch)
        }
    }

    func holdDuration(for signal: Signal) -> Duration? {
        signal == .traces ? config.decisionWait : nil
    }

    var holdLimitBytes: Int { config.detection.holdLimitBytes }

    /// Extraction runs here, for several requests at once; detection's
    /// `observe` waits for `hold`, which the pipeline calls in arrival order.
    func prepare(_ batch: TelemetryBatch) -> PreparedBatch {
        let extracted = genAI.extract(batch)
        let (genAI, detection, onJudged) = (genAI, detection, onJudged)
        return PreparedBatch {
            let observed = genAI.observe(extracted, detection: detection)
            return DeferredBatch(bytes: batch.request.readableBytes) {
                observed.release(detection: detection, onJudged: onJudged)
            }
        }
    }
}
