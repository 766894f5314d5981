/// A JSON value read in place: members, elements and strings are found when
/// asked for and nothing is built until a string is taken. Like the wire
/// views, it is valid only while the bytes it was parsed from are.
///
/// Invariant: a view exists only inside a document that `JSONParser.check`
/// accepted (`JSONValueView.parse`), so walking it meets no bad syntax and
/// can skip values by structure alone. Every read is still bounds-checked:
/// a broken invariant ends a walk early, it never reads outside the bytes.
public struct JSONValueView {
    public enum Kind: Sendable { case object, array, string, number, bool, null }

    private let document: UnsafeRawBufferPointer
    /// The value's first byte.
    private let start: Int
    public let kind: Kind

    /// The document's value, or nil when `bytes` is not exactly one JSON
    /// value under the strict grammar `JSONParser.parse` applies.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 128) -> JSONValueView? {
        do { try JSONParser.check(bytes, maxDepth: maxDepth) } catch { return nil }
        return JSONValueView(document: bytes, at: skipWhitespace(bytes, from: 0))
    }

    private init?(document: UnsafeRawBufferPointer, at start: Int) {
        guard start < document.count else { return nil }
        let kind: Kind
        switch document[start] {
        case UInt8(ascii: "{"): kind = .object
        case UInt8(ascii: "["): kind = .array
        case UInt8(ascii: "\""): kind = .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): kind = .bool
        case UInt8(ascii: "n"): kind = .null
        default: kind = .number
        }
        self.document = document
        self.start = start
        self.kind = kind
    }

    /// A string value, unescaped; nil for other kinds.
    public var string: String? {
        kind == .string ? JSONParser.string(in: document, at: start) : nil
    }

    /// A number as written; nil for other kinds.
    public var number: String? {
        guard kind == .number else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: document[start..<Self.skipValue(document, from: start)]), as: UTF8.self)
    }

    /// Calls `body` with a string value's UTF-8, unescaped: in place when it
    /// holds no escapes. Nil for other kinds.
    public func withString<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard kind == .string else { return nil }
        let (end, escaped) = Self.stringEnd(document, from: start)
        let raw = UnsafeRawBufferPointer(rebasing: document[(start + 1)..<max(start + 1, end - 1)])
        guard escaped, var unescaped = string else { return body(raw) }
        return unescaped.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// Calls `body` with each element of an array, in order; nothing for other kinds.
    public func forEachElement(_ body: (JSONValueView) -> Void) {
        guard kind == .array else { return }
        forEachEntry { _, value in body(value) }
    }

    /// Calls `body` with each member of an object, in order (duplicates
    /// included); nothing for other kinds.
    public func forEachMember(_ body: (_ key: JSONValueView, _ value: JSONValueView) -> Void) {
        guard kind == .object else { return }
        forEachEntry { key, value in
            if let key { body(key, value) }
        }
    }

    /// Elements of an array, or key–value members of an object.
    private func forEachEntry(_ body: (JSONValueView?, JSONValueView) -> Void) {
        var position = Self.skipWhitespace(document, from: start + 1)
        while position < document.count, document[position] != UInt8(ascii: "}"), document[position] != UInt8(ascii: "]") {
            var key: JSONValueView?
            if kind == .object {
                key = JSONValueView(document: document, at: position)
                position = Self.skipWhitespace(document, from: Self.skipString(document, from: position))
                guard position < document.count, document[position] == UInt8(ascii: ":") else { return }
                position = Self.skipWhitespace(document, from: position + 1)
            }
            guard let value = JSONValueView(document: document, at: position) else { return }
            body(key, value)
            position = Self.skipWhitespace(document, from: Self.skipValue(document, from: position))
            guard position < document.count, document[position] == UInt8(ascii: ",") else { return }
            position = Self.skipWhitespace(document, from: position + 1)
        }
    }

    // MARK: skipping by structure (the grammar was checked before)

    private static func skipWhitespace(_ bytes: UnsafeRawBufferPointer, from position: Int) -> Int {
        var position = position
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09 {
            position += 1
        }
        return position
    }

    /// Past the closing quote of the string starting at `position`.
    private static func skipString(_ bytes: UnsafeRawBufferPointer, from position: Int) -> Int {
        stringEnd(bytes, from: position).end
    }

    /// Past the closing quote of the string starting at `position`, and
    /// whether it holds escapes. Eight bytes are tested at a time for a quote
    /// or a backslash: message text is most of what a walk skips, and often
    /// more than once (once per level).
    private static func stringEnd(_ bytes: UnsafeRawBufferPointer, from position: Int) -> (end: Int, escaped: Bool) {
        var position = position + 1
        var escaped = false
        while position < bytes.count {
            if bytes.count - position >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                let special = hasByte(word, 0x22) | hasByte(word, 0x5C)
                if special == 0 { position += 8; continue }
                position += special.trailingZeroBitCount / 8
            }
            switch bytes[position] {
            case UInt8(ascii: "\""): return (position + 1, escaped)
            case UInt8(ascii: "\\"): position += 2; escaped = true
            default: position += 1
            }
        }
        return (bytes.count, escaped)
    }

    /// The high bit of each byte of `word` that equals `byte` is set; others are
    /// clear up to the first match (bits past it may be set by borrows, so only
    /// the lowest set bit is meaningful).
    @inline(__always)
    private static func hasByte(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// Past the value starting at `position`.
    private static func skipValue(_ bytes: UnsafeRawBufferPointer, from position: Int) -> Int {
        guard position < bytes.count else { return bytes.count }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return skipString(bytes, from: position)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var position = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    position = skipString(bytes, from: position)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return position + 1 }
                default:
                    break
                }
                position += 1
            }
            return bytes.count
        default:  // number or literal: runs to the next delimiter
            var position = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return position
                default: position += 1
                }
            }
            return position
        }
    }
}
