/// The `tokenaudit` processor. In this release it hands requests on
/// unchanged: GenAI extraction, detection and enrichment are the stages that
/// fill it in (see README, "Status"). It exists now so that pipelines are
/// configured as they will be, and its configuration is already validated.
public struct TokenAuditProcessor: TelemetryProcessor {
    public let id: ComponentID
    public let config: TokenAuditProcessorConfig

    public init(id: ComponentID, config: TokenAuditProcessorConfig) {
        self.id = id
        self.config = config
    }

    public func process(_ batch: TelemetryBatch) async -> TelemetryBatch {
        batch
    }
}
