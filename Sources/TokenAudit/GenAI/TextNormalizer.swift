/// Text normalisation before hashing: case folded, punctuation dropped,
/// volatile tokens (numbers, dates, ids) masked, so that "summarise ticket
/// 4821" and "Summarise ticket #4822." fingerprint alike.
///
/// The normalised text is written once into scratch memory, words joined by
/// single spaces, so every word and every run of neighbouring words is one
/// contiguous byte range: a prompt is hashed and shingled without a `String`
/// per word (it was ~60 allocations per message).
enum TextNormalizer {
    /// Calls `body` with the text (valid UTF-8, read in place) normalised.
    /// The memory lives only for the call.
    static func withNormalized<R>(utf8: UnsafeRawBufferPointer, _ body: (NormalizedText) -> R) -> R {
        if isASCII(utf8) { return normalize(ascii: utf8, body) }
        // Full Unicode case folding, as `String.lowercased()` defines it; the
        // folded text bounds the normalised one (a word is a subset of its scalars,
        // a separator stands for at least one scalar, `#` for a whole word).
        let folded = String(decoding: utf8, as: UTF8.self).lowercased()
        return withScratch(bytes: folded.utf8.count, sourceIsASCII: false) { writer in
            for scalar in folded.unicodeScalars {
                if isWordCharacter(scalar) { writer.append(scalar) } else { writer.endWord() }
            }
            writer.endWord()
            return body(writer.normalized)
        }
    }

    /// Letters and digits. ASCII (most prompts) is decided without the
    /// Unicode property tables, which cost more than the rest of the walk.
    @inline(__always)
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        guard v >= 0x80 else { return isASCIIWordByte(UInt8(truncatingIfNeeded: v)) }
        return scalar.properties.isAlphabetic
    }

    @inline(__always)
    static func isASCIIWordByte(_ b: UInt8) -> Bool {
        (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) || (0x30...0x39).contains(b)
    }

    /// Numbers, and hex-ish ids (uuids, hashes, request ids) of 8+ characters.
    /// Counted in bytes: a word with a non-ASCII letter is never all digits
    /// and hex letters, whichever way its length is counted.
    static func isVolatile(_ word: UnsafeRawBufferPointer) -> Bool {
        var digits = 0
        var hexLetters = 0
        for byte in word {
            if (0x30...0x39).contains(byte) { digits += 1 } else if (0x61...0x66).contains(byte) { hexLetters += 1 }
        }
        if digits == word.count { return true }
        return word.count >= 8 && digits > 0 && digits + hexLetters == word.count
    }

    /// The words of `text`, as strings: for tests and diagnostics, not the hot path.
    static func words(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { utf8 in
            withNormalized(utf8: UnsafeRawBufferPointer(utf8)) { normalized in
                (0..<normalized.wordCount).map { String(decoding: normalized.bytes(ofWords: $0..<($0 + 1)), as: UTF8.self) }
            }
        }
    }

    private static func normalize<R>(ascii utf8: UnsafeRawBufferPointer, _ body: (NormalizedText) -> R) -> R {
        withScratch(bytes: utf8.count, sourceIsASCII: true) { writer in
            for byte in utf8 {
                if isASCIIWordByte(byte) {
                    writer.append(byte: (0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
                } else {
                    writer.endWord()
                }
            }
            writer.endWord()
            return body(writer.normalized)
        }
    }

    private static func isASCII(_ utf8: UnsafeRawBufferPointer) -> Bool {
        var any: UInt8 = 0
        for byte in utf8 { any |= byte }
        return any < 0x80
    }

    /// Scratch memory for a text of `count` bytes: on the stack when small.
    private static func withScratch<R>(bytes count: Int, sourceIsASCII: Bool, _ body: (inout NormalizedText.Writer) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, count)) { bytes in
            // A word takes at least one byte and a separator: at most ⌈count/2⌉ words.
            withUnsafeTemporaryAllocation(of: Int.self, capacity: count / 2 + 1) { starts in
                var writer = NormalizedText.Writer(bytes: bytes, starts: starts, sourceIsASCII: sourceIsASCII)
                return body(&writer)
            }
        }
    }
}

/// A normalised text: its words joined by single spaces, and where each starts.
struct NormalizedText {
    let bytes: UnsafeRawBufferPointer
    private let starts: UnsafeBufferPointer<Int>
    /// Whether the text it came from was all ASCII (known from normalising it).
    let sourceIsASCII: Bool

    var wordCount: Int { starts.count }

    /// Words `range` with the single spaces between them: the text that
    /// `words[range].joined(separator: " ")` would be.
    func bytes(ofWords range: Range<Int>) -> UnsafeRawBufferPointer {
        let start = starts[range.lowerBound]
        let end = range.upperBound < starts.count ? starts[range.upperBound] - 1 : bytes.count
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Writes words into scratch memory sized by `TextNormalizer`. Bounds are
    /// checked on every write anyway: the text came from the network, and a
    /// sizing mistake must cost a truncated fingerprint, not memory safety.
    struct Writer {
        private let buffer: UnsafeMutableBufferPointer<UInt8>
        private let starts: UnsafeMutableBufferPointer<Int>
        private var count = 0
        private var words = 0
        /// Where the word being written starts; nil between words.
        private var wordStart: Int?
        private let sourceIsASCII: Bool

        init(bytes: UnsafeMutableBufferPointer<UInt8>, starts: UnsafeMutableBufferPointer<Int>, sourceIsASCII: Bool) {
            self.buffer = bytes
            self.starts = starts
            self.sourceIsASCII = sourceIsASCII
        }

        var normalized: NormalizedText {
            NormalizedText(bytes: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count])),
                           starts: UnsafeBufferPointer(rebasing: starts[..<words]), sourceIsASCII: sourceIsASCII)
        }

        @inline(__always)
        mutating func append(byte: UInt8) {
            if wordStart == nil {
                guard words < starts.count, count + (words > 0 ? 1 : 0) < buffer.count else { return }
                if words > 0 { buffer[count] = 0x20; count += 1 }
                wordStart = count
            }
            guard count < buffer.count else { return }
            buffer[count] = byte
            count += 1
        }

        mutating func append(_ scalar: Unicode.Scalar) {
            for byte in scalar.utf8 { append(byte: byte) }
        }

        /// Ends the word being written, if any, masking it as `#` when volatile.
        @inline(__always)
        mutating func endWord() {
            guard let start = wordStart else { return }
            wordStart = nil
            if TextNormalizer.isVolatile(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[start..<count]))) {
                buffer[start] = UInt8(ascii: "#")
                count = start + 1
            }
            starts[words] = start
            words += 1
        }
    }
}
