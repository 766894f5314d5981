import Foundation
import OTLPWire
import TestSupport
import Testing

@Suite struct JSONTranscoderTests {
    func schema(_ capture: Fixtures.Capture) -> MessageSchema {
        capture.isTraces ? OTLPSchema.exportTraceRequest : OTLPSchema.exportLogsRequest
    }

    func reference(_ capture: Fixtures.Capture, _ bytes: [UInt8]) -> String? {
        capture.isTraces ? Reference.traces(bytes) : Reference.logs(bytes)
    }

    /// Objects with sorted keys, so documents compare regardless of key order.
    func normalised(_ node: JSONNode) -> JSONValue {
        switch node.value {
        case .object(let members):
            return .object(members.sorted { $0.key < $1.key }.map { ($0.key, JSONNode(value: normalised($0.node), offset: 0)) })
        case .array(let items):
            return .array(items.map { JSONNode(value: normalised($0), offset: 0) })
        case .number(let text):
            return .number(Double(text).map { String($0) } ?? text)
        default:
            return node.value
        }
    }

    func parse(_ bytes: [UInt8]) throws -> JSONNode {
        try bytes.withUnsafeBytes { try JSONParser.parse($0) }
    }

    @Test func fixtureJSONTranscodesToTheCapturedProtobufByteForByte() throws {
        for capture in try Fixtures.all() {
            let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: capture.json, as: schema(capture))
            #expect(reference(capture, protobuf) == reference(capture, capture.protobuf), "\(capture.name)")
            #expect(protobuf == capture.protobuf, "\(capture.name)")
        }
    }

    @Test func fixtureProtobufRendersToTheCapturedJSON() throws {
        for capture in try Fixtures.all() {
            let json = capture.protobuf.withUnsafeBytes { OTLPJSONEncoder.json(fromProtobuf: $0, as: schema(capture)) }
            #expect(normalised(try parse(json)) == normalised(try parse(capture.json)), "\(capture.name)")
        }
    }

    @Test func generatedRequestsRoundTripThroughJSON() throws {
        for seed in 1...150 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            let traces = random.traces().encode()
            let json = traces.withUnsafeBytes { OTLPJSONEncoder.json(fromProtobuf: $0, as: OTLPSchema.exportTraceRequest) }
            // Every document we write is valid JSON to Foundation's independent parser too.
            #expect((try? JSONSerialization.jsonObject(with: Data(json))) != nil, "seed \(seed)")
            let back = try OTLPJSONDecoder.protobuf(fromJSON: json, as: OTLPSchema.exportTraceRequest)
            #expect(Reference.traces(back) == Reference.traces(traces), "seed \(seed)")

            let logs = random.logs().encode()
            let logsJSON = logs.withUnsafeBytes { OTLPJSONEncoder.json(fromProtobuf: $0, as: OTLPSchema.exportLogsRequest) }
            let logsBack = try OTLPJSONDecoder.protobuf(fromJSON: logsJSON, as: OTLPSchema.exportLogsRequest)
            #expect(Reference.logs(logsBack) == Reference.logs(logs), "seed \(seed)")
        }
    }

    @Test func snakeCaseKeysNumericInt64AndUnknownFieldsAreAccepted() throws {
        let json = """
        {"resource_spans":[{"scope_spans":[{"spans":[{
          "trace_id":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
          "name":"chat","kind":3,"startTimeUnixNano":1700000000000000000,
          "end_time_unix_nano":"1700000000500000000",
          "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"42"}},
                        {"key":"big","value":{"intValue":9007199254740993}},
                        {"key":"ratio","value":{"doubleValue":"NaN"}}],
          "somethingNew":{"nested":[1,2,3]},
          "status":{"code":2,"message":"rate limited"}}]}]}]}
        """
        let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: Array(json.utf8), as: OTLPSchema.exportTraceRequest)
        let dump = try #require(Reference.traces(protobuf))
        #expect(dump.contains("trace_id: 5b8efff798038103d269b633813fc60c"))
        #expect(dump.contains("start_time_unix_nano: 1700000000000000000"))
        #expect(dump.contains("end_time_unix_nano: 1700000000500000000"))
        #expect(dump.contains("int_value: 42"))
        #expect(dump.contains("int_value: 9007199254740993"), "int64 beyond 2^53 must survive exactly")
        #expect(dump.contains("double_value: d7ff8000000000000"))
        #expect(dump.contains("code: 2"))
    }

    @Test(arguments: [
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abc"}]}]}]}"#, "resource_spans[0].scope_spans[0].spans[0].trace_id"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"fast"}]}]}]}"#, "resource_spans[0].scope_spans[0].spans[0].kind"),
        (#"{"resourceSpans":{"not":"an array"}}"#, "resource_spans"),
        (#"{"resourceSpans":[{"resource":{"droppedAttributesCount":-1}}]}"#, "resource_spans[0].resource.dropped_attributes_count"),
        (#"{"resourceSpans":[{"schemaUrl":7}]}"#, "resource_spans[0].schema_url"),
        (#"{"resourceSpans":[}"#, ""),
        (#"[1,2]"#, ""),
    ])
    func invalidDocumentsNameTheFieldAndOffset(json: String, path: String) throws {
        do {
            _ = try OTLPJSONDecoder.protobuf(fromJSON: Array(json.utf8), as: OTLPSchema.exportTraceRequest)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.path == path, "\(error)")
            #expect(error.offset >= 0 && error.offset < json.utf8.count)
        }
    }

    @Test func escapesAndSurrogatesDecode() throws {
        let json = #"{"resourceSpans":[{"schemaUrl":"a\"b\\c\n\u00e9\ud83d\ude42"}]}"#
        let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: Array(json.utf8), as: OTLPSchema.exportTraceRequest)
        protobuf.withUnsafeBytes { raw in
            for rs in ExportTraceRequestView(bytes: raw).resourceSpans {
                #expect(rs.schemaURL.string == "a\"b\\c\né🙂")
            }
        }
        #expect(throws: WireError.self) {
            try OTLPJSONDecoder.protobuf(fromJSON: Array(#"{"resourceSpans":[{"schemaUrl":"\ud83d"}]}"#.utf8), as: OTLPSchema.exportTraceRequest)
        }
    }
}

/// Found by fuzzing: a value with two oneof members written to JSON as both.
@Suite struct JSONOneofTests {
    @Test func onlyTheLastOneofMemberOnTheWireIsWritten() throws {
        var w = ProtoWriter()
        w.message(1) { rl in
            rl.message(2) { sl in
                sl.message(2) { record in
                    // body: string_value, then int_value: protobuf keeps the int.
                    record.message(5) { v in
                        v.stringField(1, "first")
                        v.varintField(3, 42)
                    }
                }
            }
        }
        let json = w.bytes.withUnsafeBytes { String(decoding: OTLPJSONEncoder.json(fromProtobuf: $0, as: OTLPSchema.exportLogsRequest), as: UTF8.self) }
        #expect(json.contains(#""body":{"intValue":"42"}"#), "\(json)")
        #expect(!json.contains("first"))
        let back = try OTLPJSONDecoder.protobuf(fromJSON: Array(json.utf8), as: OTLPSchema.exportLogsRequest)
        #expect(Reference.logs(back) == Reference.logs(w.bytes))
    }
}
