import OTLPWire

/// The attributes of one GenAI span, read in place: where each key and
/// value sits in the request buffer (so it lives only inside the buffer's
/// scope). A value is decoded when a lookup asks for it, and copied out only
/// when the lookup copies.
///
/// One pass over the span records, besides the keys and values, what every
/// later question needs: a signature of the keys (`KeySignature`), the key
/// families present (`KeyFamilies`) and where the prompt and completion
/// content sits (for redaction). `read` reuses the storage of the span
/// before, so a stage that keeps one instance allocates nothing per span.
///
/// `mayCarryContent` first decides, without allocating, whether the span
/// carries any GenAI key at all: non-LLM spans (the vast majority) cost one
/// pass over their attribute keys.
struct GenAIAttributes {
    /// The buffer every entry's ranges point into.
    private var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Each pair with a value, in wire order: one array of ranges, not views.
    /// Extraction looks up about half of a span's keys, so decoding every
    /// value (and keeping a 48-byte view of each beside its key) cost more
    /// than decoding the ones asked for.
    private var entries: [Entry] = []
    /// One bit per key present (`KeySignature`): a lookup whose bit is clear
    /// is answered without a scan. Extraction asks for every dialect's name
    /// of each fact, so most lookups are for keys a span does not have.
    private var signature = KeySignature()
    /// For each `GenAIKey`, the index in `entries` of its first occurrence, or -1.
    private var known = [Int32](repeating: -1, count: GenAIKey.allCases.count)
    /// The families of every key read, `.content` included.
    private(set) var families: KeyFamilies = []
    /// Content attributes and content events of the span (`ContentRedactor`),
    /// as whole fields (tag to end) in the order they appear.
    private(set) var contentFields: [Range<Int>] = []
    private var contentEvents = false

    /// True when any key starts with a GenAI marker or `traceloop.` (whose
    /// workflow spans carry inputs and outputs): the spans redaction looks
    /// into. Allocation-free.
    static func mayCarryContent(_ span: SpanView) -> Bool {
        // Most spans have no key starting with a marker's first byte: decided
        // from what locating the span noted, without reading a key again.
        span.attributeKeyInitials.mayShare(markerInitials) && span.attributes.containsKey(where: isMarked)
    }

    private static let markerInitials = KeyInitials("gen_ai.", "llm.", "ai.", "openinference.", "traceloop.")

    /// A GenAI marker or `traceloop.`; the first byte rules out most keys
    /// (every span pays this for each of its keys).
    @inline(__always)
    private static func isMarked(_ key: WireString) -> Bool {
        switch key.rawBytes.first {
        case UInt8(ascii: "g"): key.hasPrefix("gen_ai.")
        case UInt8(ascii: "l"): key.hasPrefix("llm.")
        case UInt8(ascii: "a"): key.hasPrefix("ai.")
        case UInt8(ascii: "o"): key.hasPrefix("openinference.")
        case UInt8(ascii: "t"): key.hasPrefix("traceloop.")
        default: false
        }
    }

    /// Where one pair's key and value sit in `bytes`.
    private struct Entry {
        let key: Range<Int>
        let value: LengthFrame
    }

    init() {}

    /// The attributes of a resource or scope (no events, no content kept).
    init(_ attributes: RepeatedMessages<KeyValueView>) {
        bytes = attributes.bytes
        var cursor = ProtoCursor(bytes: attributes.bytes, range: attributes.range)
        while let field = try? cursor.next() {
            guard field.number == attributes.fieldNumber, field.wireType == .lengthDelimited else { continue }
            add(KeyValueView(bytes: attributes.bytes, frame: field.frame, context: ()), extent: field.extent)
        }
    }

    /// Replaces what is held with `span`'s attributes and content events,
    /// in one pass over its fields.
    mutating func read(_ span: SpanView, in raw: UnsafeRawBufferPointer) {
        bytes = raw
        entries.removeAll(keepingCapacity: true)
        contentFields.removeAll(keepingCapacity: true)
        signature = KeySignature()
        known.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
        families = []
        contentEvents = false
        // Only the stretch holding attributes and events (SpanView found it).
        let a = span.attributes.range, e = span.events.range
        let fields = a.isEmpty ? e : e.isEmpty ? a : min(a.lowerBound, e.lowerBound)..<max(a.upperBound, e.upperBound)
        var cursor = ProtoCursor(bytes: raw, range: fields)
        while let field = try? cursor.next() {
            guard field.wireType == .lengthDelimited else { continue }
            switch field.number {
            case SpanView.attributesFieldNumber:
                add(KeyValueView(bytes: raw, frame: field.frame, context: ()), extent: field.extent)
            case SpanView.eventsFieldNumber:
                let name = SpanEventView(bytes: raw, frame: field.frame, context: ()).name
                if name.equals("gen_ai.content.prompt") || name.equals("gen_ai.content.completion") {
                    contentFields.append(field.extent)
                    contentEvents = true
                }
            default:
                break
            }
        }
    }

    private mutating func add(_ pair: KeyValueView, extent: Range<Int>) {
        let key = pair.key
        let hash = KeyHash.of(key.rawBytes)
        let name = GenAIKey.classified(key, hash: hash)
        // A known key's families come with it; any other is compared by prefix.
        let keyFamilies = name?.families ?? KeyFamilies.includingContent(of: key)
        families.formUnion(keyFamilies)
        if keyFamilies.contains(.content) { contentFields.append(extent) }
        guard let value = pair.valueFrame else { return }
        if let name = name?.key, known[name.rawValue] < 0 { known[name.rawValue] = Int32(entries.count) }
        entries.append(Entry(key: key.range, value: value))
        signature.insert(hash: hash)
    }

    private func key(at index: Int) -> WireString { WireString(bytes: bytes, range: entries[index].key) }

    private func value(at index: Int) -> AnyValueView { AnyValueView(bytes: bytes, frame: entries[index].value, context: ()) }

    /// Whether any key belongs to any of `families`.
    func has(_ families: KeyFamilies) -> Bool { !self.families.isDisjoint(with: families) }

    /// Any key starting with a GenAI marker (`KeyFamilies.genAIMarkers`).
    var mentionsGenAI: Bool { has(.genAIMarkers) }

    /// Prompt or completion content in an attribute or a semconv ≤ 1.27 event.
    var carriesContent: Bool { families.contains(.content) || contentEvents }

    // MARK: lookups by GenAIKey: array reads

    /// The first attribute named `key`, copied out.
    subscript(key: GenAIKey) -> AttributeScalar? {
        view(key).map(AttributeScalar.init)
    }

    /// The first attribute named `key`, in place (valid while the request's buffer is).
    func view(_ key: GenAIKey) -> AnyValueView? {
        index(of: key).map(value(at:))
    }

    /// The first of `keys` present, in place.
    func firstView(_ keys: GenAIKey...) -> AnyValueView? {
        firstPresent(keys).map { value(at: $0.index) }
    }

    private func firstPresent(_ keys: [GenAIKey]) -> (key: GenAIKey, index: Int)? {
        for key in keys { if let index = index(of: key) { return (key, index) } }
        return nil
    }

    @inline(__always)
    private func index(of key: GenAIKey) -> Int? {
        let index = known[key.rawValue]
        return index < 0 ? nil : Int(index)
    }

    func hasKey(_ key: GenAIKey) -> Bool { known[key.rawValue] >= 0 }

    /// The first of `keys` present (new conventions first, old ones after).
    func first(_ keys: GenAIKey...) -> (key: GenAIKey, value: AttributeScalar)? {
        firstPresent(keys).map { ($0.key, AttributeScalar(value(at: $0.index))) }
    }

    /// The attribute named `key` as a token count (`AttributeScalar.count`),
    /// nil when absent. An int, the common case, is checked as it is, without
    /// an `AttributeScalar` (same result).
    func count(_ key: GenAIKey) -> Result<Int, CountProblem>? {
        guard let view = view(key) else { return nil }
        if case .int(let i) = view.value { return AttributeScalar.check(i) }
        return AttributeScalar(view).count
    }

    /// The first of `keys` with a non-empty text.
    func string(_ keys: GenAIKey...) -> String? {
        for key in keys { if let s = self[key]?.text, !s.isEmpty { return s } }
        return nil
    }

    /// `string(_:)` for names a request repeats (models, providers,
    /// operations): made once per distinct name through `names`, not once
    /// per span.
    func name(_ keys: GenAIKey..., reusing names: inout RecentNames) -> String? {
        for key in keys {
            guard let index = index(of: key) else { continue }
            let view = value(at: index)
            if case .string(let wire) = view.value {
                if wire.count > 0 { return names.string(for: wire) }
            } else if let text = AttributeScalar(view).text, !text.isEmpty {
                return text
            }
        }
        return nil
    }

    /// The finish reasons of the first of `keys` present: a string array
    /// read in place, or a single string.
    func finishReasons(_ keys: GenAIKey...) -> FinishReasons {
        for key in keys {
            guard let index = index(of: key) else { continue }
            switch value(at: index).value {
            case .string(let s): return FinishReasons(s)
            case .array(let items):
                var reasons: FinishReasons = []
                for item in items { if case .string(let s) = item.value { reasons.insert(FinishReasons(s)) } }
                return reasons
            default: return []
            }
        }
        return []
    }

    // MARK: lookups by name: configured names and indexed families

    /// The first attribute named `key`, copied out.
    subscript(named key: String) -> AttributeScalar? {
        firstIndex(of: key).map { AttributeScalar(value(at: $0)) }
    }

    /// The text of the attribute named `key`, when present and not empty.
    func string(named key: String) -> String? {
        guard let s = self[named: key]?.text, !s.isEmpty else { return nil }
        return s
    }

    private func firstIndex(of name: String) -> Int? {
        name.withBorrowedUTF8 { wanted in
            guard signature.mayContain(wanted) else { return nil }
            return entries.indices.first { key(at: $0).equals(wanted) }
        }
    }

    func hasKey(_ key: StaticString) -> Bool {
        key.withUTF8Buffer { signature.mayContain(UnsafeRawBufferPointer($0)) } && entries.indices.contains { self.key(at: $0).equals(key) }
    }

    /// Values of the `prefix{i}suffix` family, in index order, in place.
    /// `family` is the `KeyFamilies` member `prefix` belongs to: without it, no scan.
    func indexed(_ family: KeyFamilies, _ prefix: StaticString, _ suffix: StaticString) -> [(index: Int, value: AnyValueView)] {
        guard families.contains(family) else { return [] }
        // Counted first, so the array is made once at its size; instrumentations
        // write a family in index order, so sorting is the exception.
        let count = entries.indices.reduce(0) { $0 + (Self.familyIndex(of: key(at: $1), prefix, suffix) == nil ? 0 : 1) }
        guard count > 0 else { return [] }
        var found: [(index: Int, value: AnyValueView)] = []
        found.reserveCapacity(count)
        for index in entries.indices {
            if let position = Self.familyIndex(of: key(at: index), prefix, suffix) { found.append((position, value(at: index))) }
        }
        if zip(found, found.dropFirst()).contains(where: { $0.index > $1.index }) { found.sort { $0.index < $1.index } }
        return found
    }

    /// The first attribute named `prefix{index}suffix` (a message's role
    /// beside its content), found without spelling the name.
    func member(_ prefix: StaticString, _ index: Int, _ suffix: StaticString) -> AnyValueView? {
        entries.indices.first { Self.familyIndex(of: key(at: $0), prefix, suffix) == index }.map(value(at:))
    }

    /// The `i` of a key spelled `prefix{i}suffix` (decimal digits), or nil.
    static func familyIndex(of key: WireString, _ prefix: StaticString, _ suffix: StaticString) -> Int? {
        let digitsStart = prefix.utf8CodeUnitCount, digitsEnd = key.count - suffix.utf8CodeUnitCount
        guard digitsEnd > digitsStart, digitsEnd - digitsStart <= 9, key.hasPrefix(prefix), key.hasSuffix(suffix) else { return nil }
        var value = 0
        for byte in key.rawBytes[digitsStart..<digitsEnd] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

/// An attribute value as an owned Swift value.
enum AttributeScalar: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Arrays, key-value lists and empty values: message structures are
    /// read in place (`MessageContent`), so none is copied out.
    case structured
    case bytes(Int)

    init(_ view: AnyValueView) {
        switch view.value {
        case .string(let s): self = .string(s.string)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .bool(let b): self = .bool(b)
        case .bytes(let b): self = .bytes(b.count)
        case .empty, .array, .keyValueList: self = .structured
        }
    }

    /// A string value (numbers rendered), or nil for structured values.
    var text: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        case .structured, .bytes: nil
        }
    }

    /// The value as a token count: ints, integral doubles, and numeric
    /// strings ("42") are accepted; anything else is a problem to report.
    var count: Result<Int, CountProblem> {
        switch self {
        case .int(let i):
            return Self.check(i)
        case .double(let d):
            guard d.isFinite, d.rounded() == d, abs(d) < 1e15 else { return .failure(.notANumber("\(d)")) }
            return Self.check(Int64(d))
        case .string(let s):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if let i = Int64(trimmed) { return Self.check(i) }
            if let d = Double(trimmed), d.isFinite, d.rounded() == d, abs(d) < 1e15 { return Self.check(Int64(d)) }
            return .failure(.notANumber(String(s.prefix(40))))
        case .bool, .structured, .bytes:
            return .failure(.notANumber("a non-numeric value"))
        }
    }

    /// One call above 100 million tokens is not a real count.
    static let absurdCount: Int64 = 100_000_000

    static func check(_ i: Int64) -> Result<Int, CountProblem> {
        if i < 0 { return .failure(.negative(i)) }
        if i > absurdCount { return .failure(.absurd(i)) }
        return .success(Int(i))
    }
}

enum CountProblem: Error, Equatable, CustomStringConvertible {
    case notANumber(String)
    case negative(Int64)
    case absurd(Int64)

    var description: String {
        switch self {
        case .notANumber(let v): "not a number: \(v)"
        case .negative(let v): "negative: \(v)"
        case .absurd(let v): "implausibly large: \(v)"
        }
    }
}

import Foundation
