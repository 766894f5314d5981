import Foundation
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Malformed and hostile requests against a real daemon over a real socket:
/// each gets its expected status (or, for attacks on the connection itself,
/// the daemon keeps serving others), and after the whole catalogue the daemon
/// still accepts a good request and has written nothing it refused.
@Suite(.serialized) struct BadInputCatalogueTests {
    struct Case {
        var name: String
        var request: [UInt8]
        var expected: Int?  // nil: the connection may be closed without an answer
    }

    static let maxBody = 1 << 20

    /// One resource_spans > scope_spans > span with `spanBody`.
    static func traces(spanBody: [UInt8]) -> [UInt8] {
        var w = ProtoWriter()
        w.message(1) { r in r.message(2) { s in s.bytesField(2, spanBody) } }
        return w.bytes
    }

    static func protobuf(_ name: String, _ body: [UInt8], _ status: Int = 400) -> Case {
        Case(name: name, request: RawHTTP.request(body: body), expected: status)
    }

    static func json(_ name: String, _ text: String, _ status: Int = 400, path: String = "/v1/traces") -> Case {
        Case(name: name, request: RawHTTP.request(path: path, headers: ["Content-Type: application/json"], body: Array(text.utf8)), expected: status)
    }

    static func catalogue() throws -> [Case] {
        let id8 = [UInt8](repeating: 1, count: 8)
        var deepValue: [UInt8] = [0x0A, 0x01, 0x78]  // AnyValue string "x"
        for _ in 0..<150 {  // array_value { values { ... } } nested 150 deep
            var array = ProtoWriter()
            array.bytesField(1, deepValue)
            var value = ProtoWriter()
            value.bytesField(5, array.bytes)
            deepValue = value.bytes
        }
        var deepAttribute = ProtoWriter()
        deepAttribute.stringField(1, "deep")
        deepAttribute.bytesField(2, deepValue)
        var deepSpan = ProtoWriter()
        deepSpan.bytesField(2, id8)
        deepSpan.bytesField(9, deepAttribute.bytes)
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        let bomb = try OTLPClient.gzip(zeros)
        let deepJSON = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let manyAttributes: [UInt8] = {
            var span = ProtoWriter()
            span.bytesField(2, id8)
            for i in 0..<20_000 { span.attribute(9, key: "k\(i)", value: .int(Int64(i))) }
            return traces(spanBody: span.bytes)
        }()

        return [
            // Protobuf the validator must refuse, each with a google.rpc.Status naming the field.
            protobuf("truncated tag varint", [0x0A, 0x80]),
            protobuf("length past the end", [0x0A, 0x05, 0x01]),
            protobuf("1 GB declared length", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 0x00]),
            protobuf("resource_spans as a varint", [0x08, 0x01]),
            protobuf("start group wire type", [0x0B, 0x0C]),
            protobuf("wire type 7", [0x0F]),
            protobuf("field number 0", [0x02, 0x00]),
            protobuf("11-byte varint", [0x38] + [UInt8](repeating: 0xFF, count: 10) + [0x01]),
            protobuf("truncated fixed64 start time", traces(spanBody: [0x39, 0x01, 0x02])),
            protobuf("trace id of 15 bytes", traces(spanBody: [0x0A, 0x0F] + [UInt8](repeating: 7, count: 15))),
            protobuf("span id of 9 bytes", traces(spanBody: [0x12, 0x09] + [UInt8](repeating: 7, count: 9))),
            protobuf("invalid UTF-8 span name", traces(spanBody: [0x2A, 0x02, 0xC3, 0x28])),
            protobuf("overlong UTF-8 encoding", traces(spanBody: [0x2A, 0x02, 0xC0, 0xAF])),
            protobuf("UTF-16 surrogate in UTF-8", traces(spanBody: [0x2A, 0x03, 0xED, 0xA0, 0x80])),
            protobuf("AnyValue nested 150 deep", traces(spanBody: deepSpan.bytes)),
            protobuf("span inside scope sent as fixed32", [0x0A, 0x07, 0x12, 0x05, 0x15, 0x01, 0x02, 0x03, 0x04]),
            protobuf("empty body is an empty request", [], 200),
            protobuf("unknown fields everywhere are kept", [0xF8, 0x07, 0x01] + traces(spanBody: id8.isEmpty ? [] : [0x12, 0x08] + id8 + [0xA0, 0x1F, 0x05]), 200),
            protobuf("20,000 attributes on one span", manyAttributes, 200),
            // OTLP/JSON.
            json("not JSON", "{"),
            json("a top-level array", "[]"),
            json("resourceSpans of the wrong type", #"{"resourceSpans": 5}"#),
            json("trace id not hex", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"0102030405060708"}]}]}]}"#),
            json("trace id of the wrong length", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102","spanId":"0102030405060708"}]}]}]}"#),
            json("start time of 1e400", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1e400}]}]}]}"#),
            json("start time past 2^64", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"99999999999999999999999"}]}]}]}"#),
            json("negative uint64", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"-5"}]}]}]}"#),
            json("int value as a float", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"intValue":1.5}}]}]}]}]}"#),
            json("5,000 nested arrays", deepJSON),
            json("unterminated string", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"abc"#),
            json("invalid escape", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"\q"}]}]}]}"#),
            json("lone surrogate escape", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"\udc00"}]}]}]}"#),
            json("trailing garbage", #"{"resourceSpans":[]} x"#),
            json("duplicate keys: the last wins, as in the Collector", #"{"resourceSpans":5,"resourceSpans":[]}"#, 200),
            json("unknown fields are ignored", #"{"resourceSpans":[],"somethingElse":{"a":[1,2,{"b":null}]}}"#, 200),
            json("snake_case keys", #"{"resource_spans":[{"scope_spans":[{"spans":[{"span_id":"0102030405060708"}]}]}]}"#, 200),
            json("logs body on the traces path is just unknown fields", #"{"resourceLogs":[]}"#, 200),
            // Transport.
            Case(name: "text/plain", request: RawHTTP.request(headers: ["Content-Type: text/plain"], body: [1]), expected: 415),
            Case(name: "no content type", request: RawHTTP.request(headers: [], body: [1]), expected: 415),
            Case(name: "brotli encoding", request: RawHTTP.request(headers: ["Content-Type: application/x-protobuf", "Content-Encoding: br"], body: [1]), expected: 415),
            Case(name: "gzip bomb (64 MiB of zeros)", request: RawHTTP.request(headers: ["Content-Type: application/x-protobuf", "Content-Encoding: gzip"], body: bomb), expected: 413),
            Case(name: "corrupt gzip", request: RawHTTP.request(headers: ["Content-Type: application/x-protobuf", "Content-Encoding: gzip"], body: [0x1F, 0x8B, 0x08, 0x00, 0xDE, 0xAD]), expected: 400),
            Case(name: "gzip declared, plain body", request: RawHTTP.request(headers: ["Content-Type: application/x-protobuf", "Content-Encoding: gzip"], body: traces(spanBody: id8)), expected: 400),
            Case(name: "body over the limit", request: RawHTTP.request(body: [UInt8](repeating: 0, count: maxBody + 1)), expected: 413),
            Case(name: "declared length over the limit", request: Array("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 5000000000\r\n\r\n".utf8), expected: 413),
            protobuf("two resources in one resource group (a hidden second claim)", {
                var w = ProtoWriter()
                w.message(1) { r in
                    r.message(1) { $0.attribute(1, key: "service.name", value: .string("a")) }
                    r.message(1) { $0.attribute(1, key: "tokenaudit.tenant", value: .string("someone-else")) }
                }
                return w.bytes
            }()),
            protobuf("a span's status twice", traces(spanBody: [0x12, 0x08] + id8 + [0x7A, 0x00, 0x7A, 0x00])),
            Case(name: "GET", request: RawHTTP.request("GET"), expected: 405),
            Case(name: "DELETE", request: RawHTTP.request("DELETE"), expected: 405),
            Case(name: "unknown path", request: RawHTTP.request(path: "/v1/nothing"), expected: 404),
            Case(name: "metrics path", request: RawHTTP.request(path: "/v1/metrics"), expected: 404),
            Case(name: "garbage request line", request: Array("HELLO THERE\r\n\r\n".utf8), expected: 400),
            Case(name: "binary garbage", request: [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03, 0x0D, 0x0A, 0x0D, 0x0A], expected: nil),
            Case(name: "100 KiB header", request: RawHTTP.request(headers: ["Content-Type: application/x-protobuf", "X-Big: " + String(repeating: "a", count: 100 << 10)]), expected: nil),
        ]
    }

    @Test func everyHostileRequestGetsItsStatusAndTheDaemonKeepsServing() async throws {
        let yaml = TestDaemon.yaml(exporters: "  file: { path: {dir}/out.jsonl }", exporterIDs: ["file"],
                                   receiverExtra: "        max_request_body_size: \(Self.maxBody)\n        read_timeout: 1s\n        idle_timeout: 2s")
        let daemon = try await TestDaemon(yaml: yaml)
        let port = await daemon.httpPort
        let cases = try Self.catalogue()
        #expect(cases.count >= 40)
        var accepted = 0
        for c in cases {
            let client = try #require(RawHTTP(port: port, timeout: 5), "\(c.name): could not connect")
            client.send(c.request)
            // A daemon that waited for bytes that never come would answer 408
            // at read_timeout (or nothing), so the status alone shows it
            // answered at once; no clock is needed.
            let status = await client.status()
            if let expected = c.expected {
                #expect(status == expected, "\(c.name): got \(status.map(String.init) ?? "no answer"), expected \(expected)")
            } else {
                #expect(status == nil || (400..<500).contains(status ?? 0), "\(c.name): got \(status ?? 0)")
            }
            if status == 200 { accepted += 1 }
        }

        // Attacks on the connection itself: a chunked body that never ends,
        // a body shorter than declared, and slowloris headers; a good request
        // is answered while they hang.
        let neverEnding = try #require(RawHTTP(port: port, timeout: 5))
        neverEnding.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n\u{0A}\u{00}\u{00}\u{00}\u{00}\r\n")
        let shortBody = try #require(RawHTTP(port: port, timeout: 5))
        shortBody.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\n\u{0A}\u{00}")
        var slow: [RawHTTP] = []
        for _ in 0..<50 {
            let c = try #require(RawHTTP(port: port, timeout: 2))
            c.send("POST /v1/traces HTTP/1.1\r\nHo")
            slow.append(c)
        }
        let good = try await OTLPClient.post(await daemon.url("/v1/traces"), body: Self.traces(spanBody: [0x12, 0x08] + [UInt8](repeating: 2, count: 8)))
        #expect(good.status == 200, "a good request is served while bad connections hang")
        // Stalled uploads get 408 once read_timeout passes; nothing of them is kept.
        #expect(await neverEnding.status() == 408)
        #expect(await shortBody.status() == 408)
        withExtendedLifetime(slow) {}

        // Shutdown is not held up by the slowloris connections (idle_timeout closes them).
        try await daemon.stop()
        // Only spans of accepted requests were written: two protobuf cases,
        // the snake_case JSON one and the good request hold one span each.
        var written = 0
        for line in TestFiles.lines(daemon.directory + "/out.jsonl") {
            let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: Array(line.utf8), as: OTLPSchema.exportTraceRequest)
            written += protobuf.withUnsafeBytes { ExportTraceRequestView(bytes: $0).spanCount }
        }
        #expect(accepted == 7)
        #expect(written == 4)
    }
}
