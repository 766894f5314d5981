import OTLPWire

/// SplitMix64: a small seeded generator so every failure reproduces.
public struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random OTLP requests covering every AnyValue kind, nesting, events, links,
/// status, empty messages, non-ASCII strings and long (multi-byte-length) values.
public struct RandomRequests {
    public var rng: SeededRandom

    public init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    public mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) } }

    public mutating func string(maxLength: Int = 24) -> String {
        let pieces = ["gen_ai", ".", "usage", "é", "名前", "🙂", " ", "\"", "\\", "\n", "a", "Z", "0", "tokens", "\u{7f}"]
        var s = ""
        for _ in 0..<int(0...maxLength) { s += pieces[int(0...(pieces.count - 1))] }
        if chance(0.03) { s += String(repeating: "x", count: int(100...400)) }
        return s
    }

    public mutating func anyValue(depth: Int) -> AnyModel {
        switch int(0...(depth > 2 ? 4 : 7)) {
        case 0: return .string(string())
        case 1: return .bool(chance(0.5))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &rng) >> UInt64(int(0...62)))
        case 3: return .double(chance(0.1) ? -0.0 : Double.random(in: -1e9...1e9, using: &rng))
        case 4: return .bytes(bytes(int(0...12)))
        case 5: return .array((0..<int(0...4)).map { _ in anyValue(depth: depth + 1) })
        case 6: return .kvlist(attributes(depth: depth + 1, max: 3))
        default: return .empty
        }
    }

    public mutating func attributes(depth: Int = 0, max: Int = 12) -> [KeyValueModel] {
        (0..<int(0...max)).map { _ in
            KeyValueModel(key: chance(0.05) ? "" : string(maxLength: 6), value: chance(0.05) ? nil : anyValue(depth: depth))
        }
    }

    public mutating func span() -> SpanModel {
        var s = SpanModel()
        s.traceID = chance(0.05) ? [] : bytes(16)
        s.spanID = bytes(8)
        s.parentSpanID = chance(0.3) ? [] : bytes(8)
        s.traceState = chance(0.2) ? "vendor=\(int(0...99))" : ""
        s.name = string()
        s.kind = UInt32(int(0...5))
        s.start = UInt64.random(in: 1...UInt64.max, using: &rng)
        s.end = chance(0.1) ? 0 : s.start &+ UInt64(int(0...1_000_000_000))
        s.attributes = attributes()
        s.droppedAttributes = chance(0.1) ? UInt32(int(1...300)) : 0
        s.events = (0..<int(0...2)).map { _ in EventModel(time: UInt64(int(0...1 << 40)), name: string(), attributes: attributes(max: 3)) }
        s.links = (0..<int(0...2)).map { _ in
            LinkModel(traceID: bytes(16), spanID: bytes(8), traceState: chance(0.5) ? "k=v" : "",
                      attributes: attributes(max: 2), flags: chance(0.5) ? 0x301 : 0)
        }
        if chance(0.6) { s.status = (chance(0.5) ? string() : "", UInt32(int(0...2))) }
        s.flags = chance(0.7) ? 0x101 : 0
        return s
    }

    public mutating func traces(maxSpans: Int = 8) -> TracesModel {
        var model = TracesModel()
        for _ in 0..<int(0...3) {
            var rs = ResourceSpansModel()
            if chance(0.9) { rs.resource = ResourceModel(attributes: attributes(max: 6), dropped: chance(0.1) ? 3 : 0) }
            for _ in 0..<int(0...3) {
                var ss = ScopeSpansModel()
                if chance(0.8) { ss.scope = ScopeModel(name: string(), version: chance(0.5) ? "1.2.3" : "", attributes: attributes(max: 2)) }
                ss.spans = (0..<int(0...maxSpans)).map { _ in span() }
                ss.schemaURL = chance(0.3) ? "https://opentelemetry.io/schemas/1.26.0" : ""
                rs.scopeSpans.append(ss)
            }
            rs.schemaURL = chance(0.3) ? "https://opentelemetry.io/schemas/1.21.0" : ""
            model.resourceSpans.append(rs)
        }
        return model
    }

    public mutating func logs() -> LogsModel {
        var model = LogsModel()
        for _ in 0..<int(0...3) {
            var scopes: [(scope: ScopeModel?, records: [LogRecordModel])] = []
            for _ in 0..<int(0...2) {
                let records = (0..<int(0...6)).map { _ in
                    LogRecordModel(
                        time: chance(0.8) ? UInt64(int(1...1 << 50)) : 0, observed: UInt64(int(0...1 << 50)),
                        severity: UInt32(int(0...24)), severityText: chance(0.5) ? "INFO" : "",
                        body: chance(0.8) ? anyValue(depth: 0) : nil, attributes: attributes(max: 5),
                        flags: chance(0.5) ? 1 : 0, traceID: chance(0.7) ? bytes(16) : [], spanID: chance(0.7) ? bytes(8) : [],
                        eventName: chance(0.5) ? "gen_ai.user.message" : "")
                }
                scopes.append((chance(0.8) ? ScopeModel(name: "scope") : nil, records))
            }
            model.resourceLogs.append((chance(0.9) ? ResourceModel(attributes: attributes(max: 4)) : nil, scopes))
        }
        return model
    }
}
