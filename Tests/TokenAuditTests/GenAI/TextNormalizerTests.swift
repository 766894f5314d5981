import TestSupport
import Testing
@testable import TokenAudit

/// Normalisation before fingerprinting: what counts as a word character,
/// and which words are masked as volatile.
@Suite struct TextNormalizerTests {
    @Test func theASCIIShortcutAgreesWithUnicodeProperties() {
        for value in 0..<0x80 as Range<UInt32> {
            let scalar = Unicode.Scalar(value)!
            let expected = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            #expect(TextNormalizer.isWordCharacter(scalar) == expected, "U+\(String(value, radix: 16))")
        }
        for text in ["é", "ß", "ж", "中", "١"] {
            let scalar = text.unicodeScalars.first!
            #expect(TextNormalizer.isWordCharacter(scalar) == scalar.properties.isAlphabetic, "\(text)")
        }
    }

    @Test func wordsAreFoldedSplitAndVolatileOnesMasked() {
        #expect(TextNormalizer.words("Summarise ticket #4821, please!") == ["summarise", "ticket", "#", "please"])
        #expect(TextNormalizer.words("Résumé of request 3f2a9c1e7b") == ["résumé", "of", "request", "#"])
        #expect(TextNormalizer.words("Summarise ticket 4821") == TextNormalizer.words("summarise   TICKET 4822."))
        // "İ" folds to "i" and a combining dot, which is no letter; Arabic-Indic digits are neither letters nor 0-9.
        #expect(TextNormalizer.words("İSTANBUL ١٢٣ Straße") == ["i", "stanbul", "straße"])
        #expect(TextNormalizer.words(" ,.!? ").isEmpty)
    }

    /// Fingerprints are stored (principal snapshots, summaries) and compared
    /// across restarts, so the byte-level normaliser must give exactly what
    /// the word-list definition below gives, for any text: same words, same
    /// prompt hash, same SimHash sketch.
    @Test func theByteLevelNormaliserAgreesWithTheWordListDefinition() {
        var rng = SeededRandom(seed: 0x7E47)
        let pieces = ["Hello", "world", "ÉCOLE", "straße", "İstanbul", "中文", "١٢٣", "4821", "3f2a9c1e7b", "deadbeef",
                      "ABCDEF12", "abc123", "x", "e\u{301}", "👍🏽", "Ǆemal", "ΣΊΣΥΦΟΣ", ",", ".", "!", "#", "—", "\n", "\t", "  ", " "]
        for round in 0..<400 {
            var text = ""
            for _ in 0..<Int.random(in: 0...(round % 7 == 0 ? 3 : 40), using: &rng) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
                if Bool.random(using: &rng) { text += " " }
            }
            let expected = Reference.words(text)
            #expect(TextNormalizer.words(text) == expected, "\(text.debugDescription)")
            var digest = PromptDigest()
            digest.add(.input, text: text)
            guard !text.isEmpty else { #expect(digest.fingerprint == nil); continue }
            let fingerprint = digest.fingerprint
            #expect(fingerprint?.prompt == PromptDigest.combine([StableHash.of(expected.joined(separator: " "))]), "\(text.debugDescription)")
            #expect(fingerprint?.promptSketch == Reference.sketch(expected), "\(text.debugDescription)")
        }
    }

    /// The definition the normaliser implements, spelled as plainly as possible.
    private enum Reference {
        static func words(_ text: String) -> [String] {
            var words: [String] = []
            var current = ""
            func flush() {
                guard !current.isEmpty else { return }
                let scalars = current.unicodeScalars
                let digits = scalars.filter { ("0"..."9").contains($0) }.count
                let hex = scalars.filter { ("a"..."f").contains($0) }.count
                let volatile = digits == scalars.count || (scalars.count >= 8 && digits > 0 && digits + hex == scalars.count)
                words.append(volatile ? "#" : current)
                current = ""
            }
            for scalar in text.lowercased().unicodeScalars {
                if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { current.unicodeScalars.append(scalar) } else { flush() }
            }
            flush()
            return words
        }

        static func sketch(_ words: [String]) -> UInt64 {
            let width = min(3, max(1, words.count))
            guard words.count >= width else { return 0 }
            var votes = [Int](repeating: 0, count: 64)
            for start in 0...(words.count - width) {
                let h = StableHash.of(words[start..<(start + width)].joined(separator: " "))
                for bit in 0..<64 { votes[bit] += (h >> UInt64(bit)) & 1 == 1 ? 1 : -1 }
            }
            return (0..<64).reduce(0) { votes[$1] > 0 ? $0 | 1 << UInt64($1) : $0 }
        }
    }
}
