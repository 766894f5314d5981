import OTLPWire
import TestSupport
import Testing

/// `JSONValueView` reads JSON in place after `JSONParser.check`: it must
/// accept exactly what the parser accepts and find the same tree.
@Suite struct JSONValueViewTests {
    /// A tree without offsets, comparable from both sides (numbers as written).
    indirect enum Tree: Equatable {
        case null, bool, number(String), string(String)
        case array([Tree])
        case object([Member])
        struct Member: Equatable { var key: String; var value: Tree }

        init(_ value: JSONValue) {
            switch value {
            case .null: self = .null
            case .bool: self = .bool
            case .number(let n): self = .number(n)
            case .string(let s): self = .string(s)
            case .array(let items): self = .array(items.map { Tree($0.value) })
            case .object(let members): self = .object(members.map { Member(key: $0.key, value: Tree($0.node.value)) })
            }
        }

        init(_ view: JSONValueView) {
            switch view.kind {
            case .null: self = .null
            case .bool: self = .bool
            case .number: self = .number(view.number ?? "<no number>")
            case .string: self = .string(view.string ?? "<no string>")
            case .array:
                var items: [Tree] = []
                view.forEachElement { items.append(Tree($0)) }
                self = .array(items)
            case .object:
                var members: [Member] = []
                view.forEachMember { key, value in members.append(Member(key: key.string ?? "<no key>", value: Tree(value))) }
                self = .object(members)
            }
        }
    }

    /// Random documents: every kind, escapes (surrogate pairs included), raw
    /// non-ASCII, strings long enough for the eight-bytes-at-a-time skip,
    /// quotes and backslashes at every offset, whitespace everywhere.
    struct Documents {
        var rng: SeededRandom

        mutating func space() -> String {
            ["", "", " ", "\n  ", "\t", "\r\n", "\r"][Int.random(in: 0..<7, using: &rng)]
        }

        mutating func string() -> String {
            let pieces = ["a", "hello world", "\\\"", "\\\\", "\\n", "\\u00e9", "\\ud83d\\ude00", "\\/", "é", "名", "🙂",
                          String(repeating: "x", count: Int.random(in: 0...20, using: &rng)), "]", "}", ",", ":", "{", "["]
            var s = "\""
            for _ in 0..<Int.random(in: 0...8, using: &rng) { s += pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
            return s + "\""
        }

        mutating func value(depth: Int) -> String {
            let choice = Int.random(in: 0..<(depth > 4 ? 5 : 8), using: &rng)
            switch choice {
            case 0: return "null"
            case 1: return Bool.random(using: &rng) ? "true" : "false"
            case 2: return ["0", "-12", "3.25", "1e9", "-0.5E-3", "123456789012345678901234567890"][Int.random(in: 0..<6, using: &rng)]
            case 3, 4: return string()
            case 5, 6:
                let members = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                    space() + string() + space() + ":" + space() + value(depth: depth + 1) + space()
                }
                return "{" + space() + members.joined(separator: ",") + "}"
            default:
                let items = (0..<Int.random(in: 0...4, using: &rng)).map { _ in space() + value(depth: depth + 1) + space() }
                return "[" + space() + items.joined(separator: ",") + "]"
            }
        }
    }

    @Test func aViewWalksToTheTreeTheParserBuilds() throws {
        var documents = Documents(rng: SeededRandom(seed: 0x15_0A))
        var containers = 0
        for _ in 0..<3000 {
            let text = documents.space() + documents.value(depth: 0) + documents.space()
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBytes { raw in
                let parsed = try JSONParser.parse(raw)
                let view = try #require(JSONValueView.parse(raw), "\(text)")
                #expect(Tree(view) == Tree(parsed.value), "\(text)")
                if view.kind == .object || view.kind == .array { containers += 1 }
            }
        }
        #expect(containers > 1000)
    }

    /// Broken documents (cut short, a byte changed, bad UTF-8, too deep) are
    /// refused by the check, and so by the view, exactly when the parser refuses them.
    @Test func theCheckRefusesWhatTheParserRefuses() {
        var documents = Documents(rng: SeededRandom(seed: 0xBAD))
        let replacements: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x0A, 0x41, 0x80, 0xC3, 0xFF, 0x30, 0x2D]
        var refused = 0, accepted = 0
        for _ in 0..<4000 {
            var bytes = Array(documents.value(depth: 0).utf8)
            switch Int.random(in: 0..<4, using: &documents.rng) {
            case 0 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &documents.rng))
            case 1 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &documents.rng)] = replacements.randomElement(using: &documents.rng) ?? 0
            case 2: bytes.insert(replacements.randomElement(using: &documents.rng) ?? 0, at: Int.random(in: 0...bytes.count, using: &documents.rng))
            default: break
            }
            let maxDepth = Int.random(in: 1...6, using: &documents.rng)
            bytes.withUnsafeBytes { raw in
                let parses = (try? JSONParser.parse(raw, maxDepth: maxDepth)) != nil
                let checks = (try? JSONParser.check(raw, maxDepth: maxDepth)) != nil
                #expect(checks == parses, "\(String(decoding: raw, as: UTF8.self).debugDescription) at depth \(maxDepth)")
                #expect((JSONValueView.parse(raw, maxDepth: maxDepth) != nil) == parses)
                if parses { accepted += 1 } else { refused += 1 }
            }
        }
        #expect(refused > 1000 && accepted > 1000)
    }

    @Test func stringsAreReadInPlaceUnlessEscaped() throws {
        let text = #"{"plain": "a long enough plain string", "escaped": "tab\there \u00e9"}"#
        try Array(text.utf8).withUnsafeBytes { raw in
            let view = try #require(JSONValueView.parse(raw))
            var read: [String: String] = [:]
            view.forEachMember { key, value in
                read[key.string ?? ""] = value.withString { String(decoding: $0, as: UTF8.self) }
                let insideDocument = value.withString { raw.baseAddress! <= $0.baseAddress! && $0.baseAddress! < raw.baseAddress! + raw.count }
                #expect(insideDocument == (key.string == "plain"))
            }
            #expect(read == ["plain": "a long enough plain string", "escaped": "tab\there é"])
        }
    }
}
