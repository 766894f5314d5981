/// A strict RFC 8259 JSON reader over raw bytes, bounded in nesting depth.
/// Errors say what was expected and at which byte.
public struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private let maxDepth: Int
    /// False when only checking: the same grammar is walked, nothing is
    /// built (strings, numbers and containers come back empty).
    private let materialises: Bool

    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 128) throws(WireError) -> JSONNode {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth, materialises: true)
        return try parser.document()
    }

    /// Throws what `parse` would throw, without allocating.
    public static func check(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 128) throws(WireError) {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth, materialises: false)
        _ = try parser.document()
    }

    /// The string value whose opening quote is at `offset`, unescaped; nil when there is none.
    public static func string(in bytes: UnsafeRawBufferPointer, at offset: Int) -> String? {
        guard offset >= 0, offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
        var parser = JSONParser(bytes: bytes, maxDepth: 1, materialises: true)
        parser.position = offset
        return try? parser.string()
    }

    private init(bytes: UnsafeRawBufferPointer, maxDepth: Int, materialises: Bool) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.materialises = materialises
    }

    private mutating func document() throws(WireError) -> JSONNode {
        skipWhitespace()
        let node = try value(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected data after the JSON value") }
        return node
    }

    private func error(_ why: String) -> WireError { WireError(.invalidJSON(why), at: position) }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(WireError) -> JSONNode {
        guard depth < maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
        guard position < bytes.count else { throw error("unexpected end of input") }
        let start = position
        let value: JSONValue
        switch bytes[position] {
        case UInt8(ascii: "{"): value = try object(depth: depth)
        case UInt8(ascii: "["): value = try array(depth: depth)
        case UInt8(ascii: "\""): let s = try string(); value = made(.string(s))
        case UInt8(ascii: "t"): try literal("true"); value = made(.bool(true))
        case UInt8(ascii: "f"): try literal("false"); value = made(.bool(false))
        case UInt8(ascii: "n"): try literal("null"); value = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): let n = try number(); value = made(.number(n))
        default: throw error("expected a JSON value")
        }
        return JSONNode(value: value, offset: start)
    }

    /// `JSONValue` is indirect: every payload is a heap box, so a check builds none.
    @inline(__always)
    private func made(_ value: @autoclosure () -> JSONValue) -> JSONValue { materialises ? value() : .null }

    private mutating func literal(_ word: StaticString) throws(WireError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw error("expected \(word)") }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] { throw error("expected \(word)") }
        position += count
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(WireError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { throw error("expected \(what)") }
        position += 1
    }

    private mutating func object(depth: Int) throws(WireError) -> JSONValue {
        position += 1
        var members: [(key: String, node: JSONNode)] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return made(.object(members))
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected an object key") }
            let key = try string()
            try expect(UInt8(ascii: ":"), "':' after an object key")
            skipWhitespace()
            let node = try value(depth: depth + 1)
            if materialises { members.append((key, node)) }
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return made(.object(members)) }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func array(depth: Int) throws(WireError) -> JSONValue {
        position += 1
        var items: [JSONNode] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return made(.array(items))
        }
        while true {
            skipWhitespace()
            let node = try value(depth: depth + 1)
            if materialises { items.append(node) }
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return made(.array(items)) }
            throw error("expected ',' or ']' in an array")
        }
    }

    private mutating func number() throws(WireError) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return materialises ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) : ""
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func string() throws(WireError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                guard UTF8Validation.isValid(bytes, start..<position) else { throw WireError(.invalidUTF8, at: start) }
                let s = materialises ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) : ""
                position += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            position += 1
        }
        position = start
        var out: [UInt8] = []
        let materialises = materialises
        func put(_ byte: UInt8) { if materialises { out.append(byte) } }
        while position < bytes.count {
            let b = bytes[position]
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                guard materialises else {
                    // Escapes decode to whole scalars, so the unescaped text is valid
                    // UTF-8 exactly when the bytes between the escapes are.
                    guard UTF8Validation.isValid(bytes, start..<(position - 1)) else { throw WireError(.invalidUTF8, at: start) }
                    return ""
                }
                var copy = out
                guard copy.withUnsafeMutableBytes({ UTF8Validation.isValid(UnsafeRawBufferPointer($0), 0..<$0.count) })
                else { throw WireError(.invalidUTF8, at: start) }
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw error("unterminated string") }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""): put(0x22)
                case UInt8(ascii: "\\"): put(0x5C)
                case UInt8(ascii: "/"): put(0x2F)
                case UInt8(ascii: "b"): put(0x08)
                case UInt8(ascii: "f"): put(0x0C)
                case UInt8(ascii: "n"): put(0x0A)
                case UInt8(ascii: "r"): put(0x0D)
                case UInt8(ascii: "t"): put(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                              bytes[position + 1] == UInt8(ascii: "u") else { throw error("unpaired surrogate in \\u escape") }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    for byte in unicode.utf8 { put(byte) }
                default: throw error("invalid escape in string")
                }
            default:
                guard b >= 0x20 else { throw error("control character in string") }
                put(b)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(WireError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = HexCoding.digitValue(bytes[position]) else { throw error("invalid \\u escape") }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
