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
    }
}
