import OTLPWire
import TestSupport
import Testing

/// Every malformed input gives a typed error naming the field path and byte
/// offset, never a trap.
@Suite struct MalformedInputTests {
    func validate(_ bytes: [UInt8], _ schema: MessageSchema = OTLPSchema.exportTraceRequest) -> WireError? {
        bytes.withUnsafeBytes { raw -> WireError? in
            do {
                try OTLPValidator.validate(raw, as: schema)
                return nil
            } catch {
                return error as? WireError
            }
        }
    }

    /// One resource_spans > scope_spans > span holding `spanBody`.
    func request(spanBody: [UInt8]) -> [UInt8] {
        var w = ProtoWriter()
        w.message(1) { r in r.message(2) { s in s.bytesField(2, spanBody) } }
        return w.bytes
    }

    @Test func truncatedVarint() throws {
        let error = try #require(validate(request(spanBody: [0x38, 0xFF, 0xFF])))
        #expect(error.kind == .truncatedVarint)
        #expect(error.path == "resource_spans[0].scope_spans[0].spans[0].Span")
        #expect(error.offset == 7)
    }

    @Test func lengthPastTheEnd() throws {
        // A 1 GB declared name inside a small span.
        let error = try #require(validate(request(spanBody: [0x2A, 0x80, 0x80, 0x80, 0x80, 0x04, 0x41])))
        #expect(error.kind == .lengthPastEnd(declared: 1 << 30, available: 1))
        #expect(error.path.hasPrefix("resource_spans[0].scope_spans[0].spans[0]"))
        #expect(String(describing: error).contains("runs past the end"))
    }

    @Test func wrongWireType() throws {
        // start_time_unix_nano (fixed64) sent as a varint.
        let error = try #require(validate(request(spanBody: [0x38, 0x05])))
        #expect(error.kind == .wrongWireType(expected: .fixed64, found: .varint))
        #expect(error.path == "resource_spans[0].scope_spans[0].spans[0].start_time_unix_nano")
    }

    @Test func aSingularMessageSentTwiceIsRefusedNotMerged() throws {
        // Two `resource` fields in one ResourceSpans: the second could claim
        // another tenant while a reader of the first sees none.
        var w = ProtoWriter()
        w.message(1) { r in
            r.message(1) { $0.attribute(1, key: "service.name", value: .string("a")) }
            r.message(1) { $0.attribute(1, key: "tokenaudit.tenant", value: .string("someone-else")) }
        }
        let error = try #require(validate(w.bytes))
        #expect(error.kind == .repeatedSingularMessage)
        #expect(error.path == "resource_spans[0].resource")
        // A span's status twice, likewise; repeated fields (attributes) may repeat.
        #expect(validate(request(spanBody: [0x7A, 0x00, 0x7A, 0x00]))?.kind == .repeatedSingularMessage)
        #expect(validate(request(spanBody: [0x4A, 0x00, 0x4A, 0x00])) == nil)
    }

    @Test func aNULByteInAStringIsKeptWhole() throws {
        // libprotobuf-c sees C strings (up to the NUL); we keep every byte.
        var span = ProtoWriter()
        span.stringField(5, "a\u{0}b")
        let bytes = request(spanBody: span.bytes)
        #expect(validate(bytes) == nil)
        let name = bytes.withUnsafeBytes { raw in
            var name: [UInt8] = []
            ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in name = span.name.array }
            return name
        }
        #expect(name == [0x61, 0x00, 0x62])
    }

    @Test func invalidUTF8InAStringField() throws {
        var span = ProtoWriter()
        span.bytesField(2, [UInt8](repeating: 1, count: 8))
        span.message(9) { kv in kv.stringField(1, "ok"); kv.message(2) { v in v.bytesField(1, [0x61, 0xC3, 0x28]) } }
        let error = try #require(validate(request(spanBody: span.bytes)))
        #expect(error.kind == .invalidUTF8)
        #expect(error.path == "resource_spans[0].scope_spans[0].spans[0].attributes[0].value.string_value")
    }

    @Test func nestingTooDeep() throws {
        var value = ProtoWriter()
        value.stringField(1, "leaf")
        for _ in 0..<200 {
            var outer = ProtoWriter()
            outer.message(5) { array in array.bytesField(1, value.bytes) }
            value = outer
        }
        var span = ProtoWriter()
        span.message(9) { kv in kv.stringField(1, "deep"); kv.bytesField(2, value.bytes) }
        let error = try #require(validate(request(spanBody: span.bytes)))
        #expect(error.kind == .nestingTooDeep(limit: OTLPValidator.defaultMaxDepth))
        #expect(error.path.hasPrefix("resource_spans[0].scope_spans[0].spans[0].attributes[0].value.array_value.values[0]"))
    }

    @Test func invalidIDLength() throws {
        let error = try #require(validate(request(spanBody: [0x0A, 0x03, 1, 2, 3])))
        #expect(error.kind == .invalidIDLength(expected: 16, found: 3))
        #expect(error.path == "resource_spans[0].scope_spans[0].spans[0].trace_id")
    }

    @Test func groupsAndUndefinedWireTypesAreRejected() throws {
        #expect(validate([0x0B])?.kind == .unsupportedWireType(3))
        #expect(validate([0x0F])?.kind == .unsupportedWireType(7))
        #expect(validate([0x00, 0x01])?.kind == .invalidFieldNumber(0))
    }

    @Test func indexOfTheFailingRepeatedElementIsReported() throws {
        var w = ProtoWriter()
        w.message(1) { _ in }
        w.message(1) { _ in }
        w.message(1) { r in r.bytesField(3, [0xFF]) }
        let error = try #require(validate(w.bytes))
        #expect(error.path == "resource_spans[2].schema_url")
    }

    @Test func unknownFieldsAreSkippedAndEmptyRequestsAreValid() {
        #expect(validate([]) == nil)
        var w = ProtoWriter()
        w.varintField(4000, 12)
        w.bytesField(5, [0xFF, 0xFE])  // unknown at this level: not checked as a string
        w.message(1) { r in r.fixed64Field(99, 1) }
        #expect(validate(w.bytes) == nil)
    }

    @Test func randomTruncationsAndBitFlipsNeverTrap() {
        var random = RandomRequests(seed: 99)
        let bytes = random.traces().encode()
        var rejected = 0
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            var damaged = Array(bytes[0..<cut])
            if !damaged.isEmpty { damaged[cut / 2] ^= 0xA5 }
            if validate(damaged) != nil { rejected += 1 }
            // Views over any bytes stay memory-safe.
            damaged.withUnsafeBytes { _ = CanonicalDump.traces($0) }
        }
        #expect(rejected > 0)
    }
}
