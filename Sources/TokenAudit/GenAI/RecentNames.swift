import OTLPWire

/// The last few distinct names a request used (models, providers,
/// operations), so a name that recurs span after span becomes a `String`
/// once per request instead of once per span.
///
/// Short names are kept too, although Swift stores them without an
/// allocation: making any `String` validates its bytes (about 200
/// instructions for `chat` or `openai`), comparing with a kept one costs a
/// fraction of that.
struct RecentNames {
    /// Two model names, a provider and an operation per request, with room.
    static let capacity = 8

    private var names: [String] = []
    /// Each kept name's bytes on the wire, at its name's index: compared as
    /// memory (borrowing a short string's UTF-8 copies it out first). Two
    /// arrays, not one of (bytes, name) pairs: searching pairs retained both
    /// per element (200–350 instructions more per span, measured).
    private var spellings: [[UInt8]] = []
    /// The slot the next new name replaces, once all are taken.
    private var next = 0

    init() {}

    mutating func string(for wire: WireString) -> String {
        let kept = spellings.firstIndex { spelling in
            spelling.count == wire.count && spelling.withUnsafeBytes { wire.equals($0) }
        }
        if let kept { return names[kept] }
        let name = wire.string
        // The bytes as they came: a name with invalid UTF-8 (repaired in
        // the `String`) is still recognised the next time.
        let spelling = Array(wire.rawBytes)
        if names.count < Self.capacity {
            names.append(name)
            spellings.append(spelling)
        } else {
            names[next] = name
            spellings[next] = spelling
            next = (next + 1) % Self.capacity
        }
        return name
    }
}
