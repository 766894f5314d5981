import OTLPWire

/// The last few distinct names a request used (model names, mostly), so a
/// name that recurs span after span becomes a `String` once per request
/// instead of once per span.
///
/// Swift keeps strings of up to 15 UTF-8 bytes inline, so only longer ones
/// (`gpt-4o-mini-2024-07-18`, `claude-3-5-sonnet-20241022`) cost an
/// allocation; shorter names are made directly and never compared.
struct RecentNames {
    static let capacity = 4
    /// Longest string Swift stores without an allocation (64-bit platforms).
    static let inlineLimit = 15

    private var names: [String] = []
    /// The slot the next new name replaces, once all are taken.
    private var next = 0

    init() {}

    mutating func string(for wire: WireString) -> String {
        guard wire.count > Self.inlineLimit else { return wire.string }
        // Native strings are contiguous; compared as memory, not through the UTF-8 view's iterator.
        for name in names where name.utf8.count == wire.count {
            if name.withBorrowedUTF8({ wire.equals($0) }) { return name }
        }
        let name = wire.string
        if names.count < Self.capacity {
            names.append(name)
        } else {
            names[next] = name
            next = (next + 1) % Self.capacity
        }
        return name
    }
}
