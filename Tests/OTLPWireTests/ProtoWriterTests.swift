import OTLPWire
import Testing

@Suite struct ProtoWriterTests {
    /// `message` reserves one length byte and widens it when the body is
    /// longer; the result must equal tag + varint(length) + body written
    /// separately, at every varint width and when nested.
    @Test(arguments: [0, 1, 127, 128, 300, 16_383, 16_384, 70_000, 2_097_152])
    func nestedMessagesOfEveryLengthGetTheirVarintPrefix(length: Int) {
        let body = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        var written = ProtoWriter()
        written.varintField(1, 7)
        written.message(2) { outer in
            outer.message(3) { $0.append(raw: body) }
            outer.varintField(4, 1)
        }

        var inner = ProtoWriter()
        inner.bytesField(3, body)
        inner.varintField(4, 1)
        var expected = ProtoWriter()
        expected.varintField(1, 7)
        expected.bytesField(2, inner.bytes)

        #expect(written.bytes.count == expected.bytes.count)
        #expect(written.bytes == expected.bytes)
    }

    /// `attribute` and `stringArrayAttribute` write a pair front to back from
    /// sizes computed up front; the bytes must equal the nested, length-patched encoding for
    /// keys and values on both sides of every one/two/three-byte length.
    @Test(arguments: [0, 1, 100, 115, 116, 117, 125, 126, 127, 128, 200, 16_370, 16_384, 20_000])
    func scalarAttributesEqualTheNestedEncoding(length: Int) {
        let text = String(repeating: "é", count: length / 2) + String(repeating: "k", count: length % 2)
        let values: [AttributeValue] = [
            .string(text), .string(""), .bool(true), .bool(false), .int(0), .int(-1), .int(Int64.max), .int(300),
            .double(0.25), .double(-.infinity), .stringArray([text, "x"]), .stringArray([]),
            .stringArray((0..<60).map { String(repeating: "w", count: $0 * 7) + text }), .bytes(Array(text.utf8)),
        ]
        // 9 on a span, 6 on a log record; wider tags too (the size of the tag is computed, not assumed).
        for field in [9, 6, 16, 2048] as [UInt32] {
            for key in [text, "tokenaudit.verdict", ""] {
                for value in values {
                    var fast = ProtoWriter()
                    fast.attribute(field, key: key, value: value)
                    var nested = ProtoWriter()
                    nested.message(field) { kv in
                        kv.stringField(1, key)
                        kv.message(2) { $0.anyValue(value) }
                    }
                    let same = fast.bytes == nested.bytes  // not the bytes themselves in a failure: some are 100 kB
                    #expect(same, "field \(field), key of \(key.utf8.count) bytes, value of \(nested.bytes.count) bytes encoded")
                }
            }
        }
    }

    /// A numeric attribute with its key encoded once writes what
    /// `attribute` writes, at every varint width and at the limits of the
    /// one-byte layout (field 15, a 100-byte key).
    @Test func numericAttributesEqualTheGeneralEncoding() {
        let ints: [Int64] = [0, 1, 127, 128, 16_383, 16_384, -1, .min, .max, 1 << 35, 4_096_000]
        let doubles: [Double] = [0, -0.0, 0.125, 1e300, -.infinity, .nan, .leastNonzeroMagnitude]
        for field in [1, 6, 9, 15] as [UInt32] {
            for key in ["", "k", "tokenaudit.tokens.input", String(repeating: "é", count: 50)] {
                let numeric = NumericAttribute(field, key: key)
                for value in ints {
                    var fast = ProtoWriter(), general = ProtoWriter()
                    fast.append(numeric, int: value)
                    general.attribute(field, key: key, value: .int(value))
                    #expect(fast.bytes == general.bytes, "field \(field), key \(key.utf8.count) bytes, \(value)")
                }
                for value in doubles {
                    var fast = ProtoWriter(), general = ProtoWriter()
                    fast.append(numeric, double: value)
                    general.attribute(field, key: key, value: .double(value))
                    #expect(fast.bytes == general.bytes, "field \(field), key \(key.utf8.count) bytes, \(value)")
                }
            }
        }
    }
}
