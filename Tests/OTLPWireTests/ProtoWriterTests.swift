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
}
