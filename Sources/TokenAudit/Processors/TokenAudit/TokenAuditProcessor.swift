/// The `tokenaudit` processor. Today it extracts every LLM call (any
/// dialect) and writes the attribution attributes onto its span (see
/// `GenAIStage`); detection and the verdict attributes are the next stage.
/// One instance serves every pipeline that names it, so the logs pipeline's
/// message content reaches the traces pipeline's spans.
public final class TokenAuditProcessor: TelemetryProcessor {
    public let id: ComponentID
    public let config: TokenAuditProcessorConfig
    let genAI: GenAIStage
    let directory: TeamDirectory?

    public var stats: GenAIStats { genAI.stats }

    /// Loads the team directory and price file the config names; their
    /// errors are start-up errors.
    public init(id: ComponentID, config: TokenAuditProcessorConfig) throws {
        self.id = id
        self.config = config
        directory = try config.directoryFile.map { try TeamDirectory(path: $0) }
        var prices = PriceTable()
        if let file = config.priceFile { prices.merge(try PriceTable.load(file)) }
        genAI = GenAIStage(config: config, directory: directory, prices: prices)
    }

    public func process(_ batch: TelemetryBatch) async -> TelemetryBatch {
        switch batch.signal {
        case .traces:
            return genAI.enrich(batch)
        case .logs:
            genAI.absorbContent(batch)
            return batch
        }
    }
}
