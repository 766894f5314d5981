/// Accepts a `KeyValue` in the layout encoders write — a key with a one-byte
/// length, then a value with a one-byte length holding one string, bool,
/// int or double — in a few byte reads plus the UTF-8 checks, where the
/// schema walk would validate two nested messages.
///
/// It only ever says yes for a pair the walk accepts; "no" means "not this
/// layout", and the walk decides (and names the error).
enum KeyValueShortcut {
    @inline(__always)
    static func accepts(_ bytes: UnsafeRawBufferPointer, _ pair: Range<Int>) -> Bool {
        guard let layout = KeyValueView.encoderLayout(bytes, pair), UTF8Validation.isValid(bytes, layout.key) else { return false }
        return acceptsScalar(bytes, layout.value.payload)
    }

    /// An `AnyValue` that is empty or holds exactly one scalar member.
    @inline(__always)
    static func acceptsScalar(_ bytes: UnsafeRawBufferPointer, _ value: Range<Int>) -> Bool {
        let start = value.lowerBound, end = value.upperBound
        guard start < end else { return true }
        switch bytes[start] {
        case 0x0A:  // string_value
            guard end - start >= 2, bytes[start + 1] < 0x80, start + 2 + Int(bytes[start + 1]) == end else { return false }
            return UTF8Validation.isValid(bytes, (start + 2)..<end)
        case 0x10, 0x18:  // bool_value, int_value: one varint of at most 10 bytes ending the value
            let length = end - start - 1
            guard length >= 1, length <= 10, bytes[end - 1] < 0x80 else { return false }
            for index in (start + 1)..<(end - 1) where bytes[index] < 0x80 { return false }
            return true
        case 0x21:  // double_value
            return end - start == 9
        default:
            return false
        }
    }
}
