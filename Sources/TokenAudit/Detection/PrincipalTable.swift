/// Every tracked principal's window, bounded: past `maxPrincipals`, the
/// least recently used eighth is evicted at once (amortised O(1) per call).
///
/// Not thread-safe on its own: `DetectionEngine` owns it under its lock.
struct PrincipalTable: Sendable {
    let maxPrincipals: Int
    let historyPerPrincipal: Int
    private(set) var windows: [String: PrincipalWindow] = [:]
    private var clock: UInt64 = 0
    private(set) var evictions = 0

    init(maxPrincipals: Int, historyPerPrincipal: Int) {
        self.maxPrincipals = max(1, maxPrincipals)
        self.historyPerPrincipal = max(2, historyPerPrincipal)
    }

    var count: Int { windows.count }

    /// Runs `body` on `principal`'s window, creating it (and evicting others) as needed.
    mutating func withWindow<R>(_ principal: String, _ body: (inout PrincipalWindow) -> R) -> R {
        clock += 1
        // One hash of the principal for a known one (every call but its first).
        if let index = windows.index(forKey: principal) {
            windows.values[index].lastUsed = clock
            return body(&windows.values[index])
        }
        if windows.count >= maxPrincipals { evictLeastRecentlyUsed() }
        var window = PrincipalWindow()
        window.lastUsed = clock
        defer { windows[principal] = window }
        return body(&window)
    }

    func window(_ principal: String) -> PrincipalWindow? { windows[principal] }

    /// Whether `principal` made a call of `conversation` that started at or
    /// after `end` (a follow-up turn), read in place.
    func continues(_ principal: String, conversation: UInt32, after end: UInt64) -> Bool {
        guard let index = windows.index(forKey: principal) else { return false }
        return windows.values[index].hasCall(in: conversation, startingAtOrAfter: end)
    }

    mutating func restore(_ principal: String, _ window: PrincipalWindow) {
        clock += 1
        var window = window
        window.lastUsed = clock
        windows[principal] = window
    }

    /// Bytes held by all windows (records, histograms and the keys).
    var footprint: Int {
        windows.reduce(0) { $0 + $1.value.footprint + $1.key.utf8.count + 16 }
    }

    private mutating func evictLeastRecentlyUsed() {
        let drop = max(1, windows.count / 8)
        let cutoff = windows.values.map(\.lastUsed).sorted()[drop - 1]
        var removed = 0
        for (key, window) in windows where window.lastUsed <= cutoff && removed < drop {
            windows[key] = nil
            removed += 1
        }
        evictions += removed
    }
}
