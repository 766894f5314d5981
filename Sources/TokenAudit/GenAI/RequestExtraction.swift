import OTLPWire

/// One traces request going through `GenAIStage.extract`, span by span:
/// what the request has produced so far and what carries from one span to
/// the next (the attributes' storage, the resource group's identity, the
/// last names, price and identity attributes).
///
/// A struct with a mutating `visit`, not a closure capturing variables: a
/// closure handed its captured `GenAIAttributes` to extraction as a copy
/// (five arrays retained and released, twice per span); a stored property
/// of `self` is lent in place.
///
/// Valid only inside the request buffer's `withUnsafeReadableBytes` (`raw`).
struct RequestExtraction {
    private let stage: GenAIStage
    /// The stage's, held here: read through the stage (a class) on every
    /// span, the struct was copied out each time (a retain per array and string).
    private let extractor: LLMCallExtractor
    private let raw: UnsafeRawBufferPointer
    private(set) var extracted: ExtractedRequest
    private(set) var tally = GenAIStats.ExtractionTally()
    /// One instance for the whole request: its storage is reused span after span.
    private var attributes = GenAIAttributes()
    /// Spans arrive grouped by resource: its identity is read once per group.
    private var identity: (group: Int, value: PrincipalResolver.ResourceIdentity)?
    /// A request's spans repeat a model or two: the last price is kept at hand.
    private var lastPrice: (model: String, price: ModelPrice?)?
    /// And a group or two: the last baseline key likewise (it hashes three strings).
    private var lastBaseline: (team: String?, model: String?, operation: LLMOperation, key: UInt64)?
    private var names = RecentNames()
    private var identities = IdentityAttributes()

    private static let inputTokens = NumericAttribute(SpanView.attributesFieldNumber, key: "tokenaudit.tokens.input")
    private static let outputTokens = NumericAttribute(SpanView.attributesFieldNumber, key: "tokenaudit.tokens.output")
    private static let cost = NumericAttribute(SpanView.attributesFieldNumber, key: "tokenaudit.cost.usd")

    init(_ batch: TelemetryBatch, in raw: UnsafeRawBufferPointer, by stage: GenAIStage) {
        self.stage = stage
        extractor = stage.extractor
        self.raw = raw
        extracted = ExtractedRequest(batch: batch)
    }

    mutating func visit(_ span: SpanView, of resourceSpans: ResourceSpansView) {
        // Every span but a leaf model call is trace evidence (a tool
        // run, a write, the next step), noted here, off the ordered path.
        var leafCall = false
        defer {
            if !leafCall {
                if extracted.evidence.isEmpty { extracted.evidence.reserveCapacity(extracted.batch.itemCount) }
                extracted.evidence.append(SpanEvidence(span))
            }
        }
        // One scan of the keys decides for both redaction and
        // extraction: most spans carry no GenAI key and cost only this.
        guard GenAIAttributes.mayCarryContent(span) else { return }
        attributes.read(span, in: raw)
        if stage.redactContent, !attributes.contentFields.isEmpty {
            let target = span.spliceTarget
            for extent in attributes.contentFields { extracted.writer.remove(extent, from: target) }
            extracted.writer.appendAttribute(to: target, key: "tokenaudit.content_redacted", value: .bool(true))
            stage.stats.recordRedaction(fields: attributes.contentFields.count)
        }
        let group = resourceSpans.frame.payload.lowerBound
        if identity?.group != group {
            identity = (group, extractor.principals.identity(of: resourceSpans.resource))
        }
        guard let call = extractor.extract(span, attributes: attributes, resource: identity?.value ?? .none, names: &names)
        else { return }
        var modelPrice: ModelPrice?
        if !call.isAggregate, let model = call.model {
            if let last = lastPrice, last.model == model {
                modelPrice = last.price
            } else {
                modelPrice = stage.price(of: model)
                lastPrice = (model, modelPrice)
            }
        }
        let cost = modelPrice?.cost(of: call.usage)
        let co2 = stage.emissions.grams(for: call.usage)
        tally.add(call, priced: cost != nil, co2Grams: co2)
        stage.observer(call, cost)
        // Idempotent across chained instances: an upstream tokenaudit
        // already annotated this span, and keys must not repeat.
        guard !attributes.hasKey("tokenaudit.principal") else { return }
        let target = span.spliceTarget
        let leaf = !call.isAggregate && call.operation.callsModel
        if extracted.calls.isEmpty, leaf {
            // Room for a request of LLM calls at the first one, so the
            // calls and the spliced bytes (attribution here, verdicts
            // at release) grow twice instead of eight times, each
            // growth a copy; capped, so a request of pass-through spans
            // with a few calls does not hold room for a thousand.
            let expected = min(extracted.batch.itemCount, 256)
            extracted.calls.reserveCapacity(expected)
            extracted.writer.reserveCapacity(
                bytes: (GenAIStage.attributionBytesPerCall + ObservedRequest.verdictBytesPerCall) * expected, insertions: 2 * expected)
        }
        let identity = identities.fields(principal: call.principal.id, team: call.team)
        // One insertion per span: the splice writer's cost grows with insertions, not bytes.
        extracted.writer.append(to: target) { w in
            w.append(raw: identity)
            guard leaf else { return }
            if let input = call.usage.input { w.append(Self.inputTokens, int: Int64(input)) }
            if let output = call.usage.output { w.append(Self.outputTokens, int: Int64(output)) }
            if let cost { w.append(Self.cost, double: cost) }
        }
        guard leaf else { return }  // tools and agent spans are trace evidence
        leafCall = true
        let baselineKey: UInt64
        if let last = lastBaseline, last.team == call.team, last.model == call.model, last.operation == call.operation {
            baselineKey = last.key
        } else {
            baselineKey = BaselineTable.key(team: call.team, model: call.model, operation: call.operation)
            lastBaseline = (call.team, call.model, call.operation, baselineKey)
        }
        let observable = ObservableCall(call, summary: CallSummary(call, cost: cost, co2Grams: co2), baselineKey: baselineKey)
        extracted.calls.append(ExtractedCall(target: target, call: observable))
    }
}
