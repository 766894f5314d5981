import OTLPWire
import TestSupport
import Testing

/// Our views must see exactly what libprotobuf-c sees.
@Suite struct ReaderDifferentialTests {
    @Test func everyFixtureReadsAsLibprotobufCReadsIt() throws {
        let captures = try Fixtures.all()
        #expect(captures.count >= 25, "fixtures missing under \(Fixtures.root.path)")
        for capture in captures {
            let reference = capture.isTraces ? Reference.traces(capture.protobuf) : Reference.logs(capture.protobuf)
            let ours = capture.protobuf.withUnsafeBytes { raw -> String in
                #expect(throws: Never.self, "\(capture.name)") {
                    try OTLPValidator.validate(raw, as: capture.isTraces ? OTLPSchema.exportTraceRequest : OTLPSchema.exportLogsRequest)
                }
                return capture.isTraces ? CanonicalDump.traces(raw) : CanonicalDump.logs(raw)
            }
            #expect(reference != nil, "libprotobuf-c rejected \(capture.name)")
            #expect(ours == reference, "\(capture.name)")
            #expect(ours.contains("alice@example.com"), "\(capture.name): resource identity not seen")
        }
    }

    @Test(arguments: [false, true])
    func generatedTracesReadAsLibprotobufCReadsThem(unknownFields: Bool) throws {
        var spansSeen = 0
        for seed in 1...150 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            let bytes = random.traces().encode(unknownFields: unknownFields)
            let reference = try #require(Reference.traces(bytes), "seed \(seed)")
            try bytes.withUnsafeBytes { raw in
                try OTLPValidator.validate(raw, as: OTLPSchema.exportTraceRequest)
                #expect(CanonicalDump.traces(raw) == reference, "seed \(seed)")
                spansSeen += ExportTraceRequestView(bytes: raw).spanCount
            }
        }
        #expect(spansSeen > 1000)
    }

    @Test func generatedLogsReadAsLibprotobufCReadsThem() throws {
        for seed in 1...150 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            let bytes = random.logs().encode()
            let reference = try #require(Reference.logs(bytes), "seed \(seed)")
            try bytes.withUnsafeBytes { raw in
                try OTLPValidator.validate(raw, as: OTLPSchema.exportLogsRequest)
                #expect(CanonicalDump.logs(raw) == reference, "seed \(seed)")
            }
        }
    }

    @Test func attributeLookupFindsValuesWithoutCopying() throws {
        var model = TracesModel()
        var span = SpanModel()
        span.spanID = Array(repeating: 7, count: 8)
        span.attributes = [
            KeyValueModel(key: "gen_ai.request.model", value: .string("gpt-4o-mini")),
            KeyValueModel(key: "gen_ai.usage.input_tokens", value: .int(42)),
            KeyValueModel(key: "llm.token_count.total", value: .double(63.5)),
        ]
        model.resourceSpans = [ResourceSpansModel(scopeSpans: [ScopeSpansModel(spans: [span])])]
        let bytes = model.encode()
        bytes.withUnsafeBytes { raw in
            ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                #expect(span.attributes["gen_ai.request.model"]?.stringValue?.equals("gpt-4o-mini") == true)
                #expect(span.attributes["gen_ai.usage.input_tokens"]?.intValue == 42)
                #expect(span.attributes["llm.token_count.total"]?.doubleValue == 63.5)
                #expect(span.attributes["gen_ai.usage.output_tokens"] == nil)
                #expect(span.spanID.hex == "0707070707070707")
            }
        }
    }
}
