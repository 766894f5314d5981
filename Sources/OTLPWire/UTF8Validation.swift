/// UTF-8 well-formedness (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF)
/// without materialising a String.
public enum UTF8Validation {
    /// Whether `bytes[range]` is well-formed UTF-8. Eight ASCII bytes are
    /// checked per step, since OTLP keys and most values are ASCII.
    public static func isValid(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        let end = range.upperBound
        var i = asciiPrefixEnd(bytes, range)
        if i == end { return true }
        while i < end {
            if end - i >= 8,
               bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; upper = 0x9F
            case 0xF0: need = 3; lower = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; upper = 0x8F
            default: return false
            }
            guard end - i > need else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= lower, b1 <= upper else { return false }
            var k = 2
            while k <= need {
                guard bytes[i + k] & 0xC0 == 0x80 else { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }

    /// Where the ASCII words at the start of `bytes[range]` end: the end of
    /// the range when every byte is below 0x80, found in word loads only
    /// (whole words, then the last word again, overlapping; for fewer than
    /// 8 bytes, the bytes ORed together). Otherwise where the byte loop
    /// must start: every byte before it is ASCII. Keys and most values of
    /// OTLP are short ASCII strings, which the byte loop would finish one
    /// byte at a time.
    @inline(__always)
    static func asciiPrefixEnd(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = range.lowerBound
        let end = range.upperBound
        guard end - i >= 8 else {
            var any: UInt8 = 0
            while i < end {
                any |= bytes[i]
                i += 1
            }
            return any < 0x80 ? end : range.lowerBound
        }
        while end - i > 8 {
            guard bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & high == 0 else { return i }
            i += 8
        }
        return bytes.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) & high == 0 ? end : i
    }
}
