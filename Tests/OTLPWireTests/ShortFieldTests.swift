import OTLPWire
import Testing

/// `ProtoCursor.nextShortField` takes only a field `next` would read the
/// same way, and leaves the cursor where it was for anything else.
@Suite struct ShortFieldTests {
    private static func read(_ bytes: [UInt8], tag: UInt8 = 0x4A) -> (taken: (extent: Range<Int>, payload: Range<Int>)?, position: Int) {
        bytes.withUnsafeBytes { raw in
            var cursor = ProtoCursor(bytes: raw)
            let taken = cursor.nextShortField(tag: tag)
            return (taken, cursor.position)
        }
    }

    @Test func aShortFieldIsReadAsTheGeneralReaderReadsIt() throws {
        for length in [0, 1, 5, 127] {
            let bytes: [UInt8] = [0x4A, UInt8(length)] + Array(repeating: 0x41, count: length) + [0x08, 0x01]
            let (taken, position) = Self.read(bytes)
            let field = try bytes.withUnsafeBytes { raw in
                var cursor = ProtoCursor(bytes: raw)
                return try #require(try cursor.next())
            }
            #expect(taken?.extent == field.extent, "length \(length)")
            #expect(taken?.payload == field.payload, "length \(length)")
            #expect(position == 2 + length)
        }
    }

    @Test func anythingElseLeavesTheCursorWhereItWas() {
        let refused: [(String, [UInt8])] = [
            ("another tag", [0x42, 0x01, 0x41]),
            ("two-byte length", [0x4A, 0x80, 0x01] + Array(repeating: 0x41, count: 128)),
            ("length past the end", [0x4A, 0x05, 0x41, 0x41]),
            ("length one past the end", [0x4A, 0x03, 0x41, 0x41]),
            ("tag alone", [0x4A]),
            ("empty", []),
        ]
        for (name, bytes) in refused {
            let (taken, position) = Self.read(bytes)
            #expect(taken == nil, "\(name)")
            #expect(position == 0, "\(name)")
        }
    }
}
