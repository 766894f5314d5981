import OTLPWire
import TestSupport
import Testing

/// The validator's UTF-8 check against the standard library's decoder.
@Suite struct UTF8ValidationTests {
    /// One byte ≥ 0x80 at every position of every length 0–40, inside an
    /// ASCII string: the word-at-a-time ASCII pass must see it wherever it
    /// falls (whole words, the overlapping last word, short strings).
    @Test func aNonASCIIByteIsSeenAtEveryPositionOfEveryLength() {
        for length in 0...40 {
            for position in 0..<max(length, 1) where position < length {
                for byte: UInt8 in [0x80, 0xC3, 0xFF] {
                    var bytes = [UInt8](repeating: 0x61, count: length)
                    bytes[position] = byte
                    #expect(Self.check(bytes) == false, "length \(length), \(byte) at \(position)")
                }
            }
            #expect(Self.check([UInt8](repeating: 0x7F, count: length)), "ASCII of length \(length)")
        }
    }

    /// Random mixes of ASCII, well-formed sequences and malformed ones
    /// (overlongs, surrogates, truncations, stray continuations, > U+10FFFF).
    @Test func randomBytesAreJudgedAsTheStandardLibraryJudgesThem() {
        var random = SeededRandom(seed: 53)
        let pieces: [[UInt8]] = [
            [0x61], [0x7F], Array("é".utf8), Array("名".utf8), Array("🙂".utf8), [0x80], [0xC0, 0xAF], [0xC2],
            [0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x99], [0xFF],
        ]
        var invalid = 0
        for _ in 0..<5000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                bytes += Int.random(in: 0..<3, using: &random) == 0
                    ? pieces.randomElement(using: &random) ?? []
                    : [UInt8](repeating: 0x61, count: Int.random(in: 0...9, using: &random))
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            if !expected { invalid += 1 }
            #expect(Self.check(bytes) == expected, "\(bytes)")
        }
        #expect(invalid > 1000)
    }

    static func check(_ bytes: [UInt8]) -> Bool {
        // Inside a larger buffer, so that reads past the range would be caught as wrong answers.
        let padded = [UInt8](repeating: 0xFF, count: 9) + bytes + [UInt8](repeating: 0xFF, count: 9)
        return padded.withUnsafeBytes { UTF8Validation.isValid($0, 9..<(9 + bytes.count)) }
    }
}
