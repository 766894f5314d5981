/// One principal's recent calls, in span-time order, and the hours of the
/// day it usually works.
///
/// Invariants: `records` is sorted by `start` and holds at most `capacity`
/// calls (the oldest go first); storage grows with use, so a principal seen
/// twice costs two records, not `capacity`.
///
/// A full window drops its oldest record on every call. Dropped records stay
/// in `storage` before `head` until they are an eighth of the capacity and
/// then go in one move, instead of the whole window moving on every call.
struct PrincipalWindow: Sendable {
    private var storage: [CallRecord] = []
    /// Records before `head` have left the window.
    private var head = 0
    /// The window, oldest first; its indices are `storage`'s.
    var records: ArraySlice<CallRecord> { storage[head...] }
    /// Calls per UTC hour of day, halved when one count nears its limit.
    private(set) var hourCounts = [UInt16](repeating: 0, count: 24)
    /// Outcomes linked to this principal's calls (POST /api/v1/outcomes, `tokenaudit.outcome`).
    var outcomes: UInt32 = 0
    /// Recency for LRU eviction (a counter of the table, not a time).
    var lastUsed: UInt64 = 0

    init() {}

    init(records: [CallRecord], hourCounts: [UInt16], outcomes: UInt32) {
        self.storage = records.sorted { $0.start < $1.start }
        self.hourCounts = hourCounts.count == 24 ? hourCounts : [UInt16](repeating: 0, count: 24)
        self.outcomes = outcomes
    }

    /// Calls that started before `start` and no earlier than `span` before it.
    func history(before start: UInt64, within span: UInt64) -> ArraySlice<CallRecord> {
        let upper = firstIndex(startingAtOrAfter: start)
        let floor = start > span ? start - span : 0
        let lower = firstIndex(startingAtOrAfter: floor, below: upper)
        return storage[lower..<upper]
    }

    mutating func insert(_ record: CallRecord, capacity: Int) {
        let index = firstIndex(startingAtOrAfter: record.start + 1)
        if index == storage.count { storage.append(record) } else { storage.insert(record, at: index) }
        if storage.count - head > capacity {
            head = storage.count - capacity
            if head >= Swift.max(8, capacity / 8) {
                storage.removeFirst(head)
                head = 0
            }
        }
        let hour = Int((record.start / 3_600_000_000_000) % 24)
        if hourCounts[hour] >= UInt16.max - 1 {
            for h in 0..<24 { hourCounts[h] /= 2 }
        }
        hourCounts[hour] += 1
    }

    /// Whether a call of `conversation` started at or after `start`: only the
    /// calls after `start` are looked at (records are in start order).
    func hasCall(in conversation: UInt32, startingAtOrAfter start: UInt64) -> Bool {
        storage[firstIndex(startingAtOrAfter: start)...].contains { $0.conversation == conversation }
    }

    /// The share of this principal's past calls made in `start`'s UTC hour and
    /// the hours either side of it; nil until enough calls have been seen to say.
    func shareOfActivity(near start: UInt64, minimumCalls: Int = 40) -> Double? {
        let total = hourCounts.reduce(0) { $0 + Int($1) }
        guard total >= minimumCalls else { return nil }
        let hour = Int((start / 3_600_000_000_000) % 24)
        let near = (-1...1).reduce(0) { $0 + Int(hourCounts[(hour + $1 + 24) % 24]) }
        return Double(near) / Double(total)
    }

    /// Bytes this window holds (records and histogram), for the memory budget.
    var footprint: Int { storage.capacity * MemoryLayout<CallRecord>.stride + 24 * 2 + MemoryLayout<Self>.size }

    private func firstIndex(startingAtOrAfter time: UInt64, below upper: Int? = nil) -> Int {
        var low = head
        var high = upper ?? storage.count
        while low < high {
            let mid = (low + high) / 2
            if storage[mid].start < time { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
