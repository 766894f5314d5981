import OTLPWire
import Testing

/// `equals` and `hasPrefix` compare short strings as overlapping words: a
/// difference at any position of any length must still be seen.
@Suite struct WireStringTests {
    @Test func comparisonsSeeADifferenceAtEveryPositionOfEveryLength() {
        for length in 0...40 {
            let base = (0..<length).map { UInt8(0x61 + $0 % 26) }
            base.withUnsafeBytes { raw in
                let string = WireString(bytes: raw, range: 0..<raw.count)
                #expect(string.equals(raw))
                for position in 0..<length {
                    var other = base
                    other[position] ^= 0x20
                    other.withUnsafeBytes { otherRaw in
                        #expect(!string.equals(otherRaw), "length \(length), position \(position)")
                    }
                }
                // A prefix of every length matches; one with a changed byte does not.
                for prefixLength in 0...length {
                    let prefix = Array(base[..<prefixLength])
                    prefix.withUnsafeBytes { p in
                        #expect(WireString(bytes: raw, range: 0..<prefixLength).equals(p))
                    }
                }
            }
        }
        let key: [UInt8] = Array("gen_ai.usage.input_tokens".utf8)
        key.withUnsafeBytes { raw in
            let string = WireString(bytes: raw, range: 0..<raw.count)
            #expect(string.hasPrefix("gen_ai."))
            #expect(string.hasPrefix("gen_ai.usage."))
            #expect(!string.hasPrefix("gen_ai.usagE."))
            #expect(!string.hasPrefix("gen_ai.usage.input_tokens.x"))
            #expect(string.equals("gen_ai.usage.input_tokens"))
            #expect(!string.equals("gen_ai.usage.input_tokenz"))
        }
    }

    /// Suffixes are compared in place at the slice's end, also for a slice
    /// that starts and ends inside a larger buffer; every length class of
    /// the word-wise comparison is met.
    @Test func suffixesAreComparedAtTheSlicesEnd() {
        let buffer: [UInt8] = Array("xx gen_ai.usage.input_tokens yy".utf8)
        buffer.withUnsafeBytes { raw in
            let key = WireString(bytes: raw, range: 3..<28)
            #expect(key.string == "gen_ai.usage.input_tokens")
            for suffix: StaticString in ["", "s", "ns", "ens", "okens", "_tokens", "input_tokens", ".usage.input_tokens",
                                          "gen_ai.usage.input_tokens"] {
                #expect(key.hasSuffix(suffix), "\(suffix)")
            }
            for suffix: StaticString in ["y", "S", "tokenS", "_tokenz", "Input_tokens", "x.usage.input_tokens", "s yy",
                                          " gen_ai.usage.input_tokens", "xgen_ai.usage.input_tokens"] {
                #expect(!key.hasSuffix(suffix), "\(suffix)")
            }
        }
    }
}
