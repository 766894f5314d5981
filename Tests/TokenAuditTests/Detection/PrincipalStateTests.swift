import Foundation
import TestSupport
import Testing
@testable import TokenAudit

@Suite struct PrincipalStateTests {
    @Test func windowsKeepSpanTimeOrderAndTheirCap() {
        var window = PrincipalWindow()
        var f = CallFactory()
        for t in [50.0, 10, 30, 20, 40] { window.insert(CallRecord(f.call(at: t)), capacity: 4) }
        #expect(window.records.map(\.start) == [20.0, 30, 40, 50].map { f.origin + UInt64($0 * 1e9) })
        let history = window.history(before: f.origin + 45_000_000_000, within: 20_000_000_000)
        #expect(history.map(\.start) == [30.0, 40].map { f.origin + UInt64($0 * 1e9) })
    }

    /// A full window drops its oldest record per call without moving the
    /// rest each time; it must still answer like a plain capped array
    /// (records, history, a conversation's later calls), and what it dropped
    /// must not stay in memory.
    @Test func aFullWindowAnswersLikeACappedArrayAndReleasesWhatItDrops() {
        let capacity = 64
        var window = PrincipalWindow()
        var plain: [CallRecord] = []
        var f = CallFactory()
        var random = SeededRandom(seed: 3)
        for index in 0..<(capacity * 20) {
            // Mostly in order, one in eight late by up to a minute (out-of-order arrival).
            let late = index % 8 == 0 ? Double.random(in: 0...60, using: &random) : 0
            let record = CallRecord(f.call(at: 100 + Double(index) * 10 - late, conversation: "c\(index % 3)"))
            window.insert(record, capacity: capacity)
            plain.insert(record, at: plain.firstIndex { $0.start > record.start } ?? plain.endIndex)
            if plain.count > capacity { plain.removeFirst(plain.count - capacity) }
            #expect(Array(window.records) == plain, "after \(index + 1) calls")
            let now = f.origin + UInt64(100 + index * 10) * 1_000_000_000
            #expect(Array(window.history(before: now, within: 300_000_000_000)) == plain.filter { $0.start < now && $0.start >= now - 300_000_000_000 })
            for since in [record.start, now - 50_000_000_000] {  // a start itself counts
                for conversation in [record.conversation, record.conversation &+ 1] {
                    #expect(window.hasCall(in: conversation, startingAtOrAfter: since)
                            == plain.contains { $0.conversation == conversation && $0.start >= since })
                }
            }
        }
        // Growth as an array of the cap would have (one doubling), not twenty caps' worth.
        #expect(window.footprint <= 2 * capacity * MemoryLayout<CallRecord>.stride + 256)
    }

    @Test func theLeastRecentlySeenPrincipalsAreEvicted() {
        var table = PrincipalTable(maxPrincipals: 80, historyPerPrincipal: 8)
        for i in 0..<80 { table.withWindow("p\(i)") { _ in } }
        table.withWindow("p0") { _ in }  // p0 is recent again
        table.withWindow("new") { _ in }
        #expect(table.count == 71)
        #expect(table.window("p0") != nil && table.window("new") != nil)
        #expect(table.window("p1") == nil && table.window("p10") == nil)
        #expect(table.window("p79") != nil)
        // A window made by `withWindow` keeps what its first call put in.
        var f = CallFactory()
        let record = CallRecord(f.call(at: 1))
        table.withWindow("fresh") { $0.insert(record, capacity: 8) }
        #expect(table.window("fresh")?.records.count == 1)
    }

    /// `settle` answers a verdict's three questions about a trace and gives
    /// one hold back: the entry outlives the first of two holders only.
    @Test func settlingATraceAnswersForTheCallAndReleasesOneHold() {
        var traces = TraceTable()
        let trace: UInt64 = 42
        traces.retain(trace)
        traces.retain(trace)
        traces.record(.init(span: 1, start: 100, prompt: 7), in: trace)   // the call itself
        traces.record(.init(span: 2, start: 50, prompt: nil), in: trace)  // started before the call ended
        traces.record(.init(span: 3, start: 300, prompt: 7), in: trace)   // the same prompt sent again
        let first = traces.settle(span: 1, endingAt: 200, prompt: 7, in: trace)
        #expect(first.outcome == nil && !first.consumed && first.otherSpans == 2)
        #expect(traces.contains(trace))

        traces.recordOutcome("commit", in: trace)
        traces.record(.init(span: 4, start: 250, prompt: nil), in: trace)  // a tool run after the call
        let second = traces.settle(span: 1, endingAt: 200, prompt: 7, in: trace)
        #expect(second.outcome == "commit" && second.consumed && second.otherSpans == 3)
        #expect(!traces.contains(trace) && traces.isEmpty)

        let unknown = traces.settle(span: 1, endingAt: 0, prompt: 0, in: 7)
        #expect(unknown.outcome == nil && !unknown.consumed && unknown.otherSpans == 0)

        // A trace remembers its first `maxSpansPerTrace` spans, the first of them inline.
        traces.retain(trace)
        for span in 1...300 { traces.record(.init(span: UInt64(span), start: 1, prompt: nil), in: trace) }
        #expect(traces.settle(span: 0, endingAt: 10, prompt: 7, in: trace).otherSpans == traces.maxSpansPerTrace)
    }

    /// The budget: at most 2 KiB per active principal on average,
    /// measured on a realistic mix (most principals light, some at the cap).
    @Test func principalStateStaysUnderTwoKiBPerPrincipal() {
        let engine = DetectionEngine()
        var f = CallFactory()
        for p in 0..<5_000 {
            f.principal = "user-\(p)@example.com"
            let calls = p % 10 == 0 ? 60 : 1 + p % 12
            for c in 0..<calls { _ = engine.judge(f.call(at: Double(c * 60), prompt: UInt64(p * 100 + c))) }
        }
        let perPrincipal = Double(engine.principalStateBytes) / Double(engine.trackedPrincipals)
        #expect(engine.trackedPrincipals == 5_000)
        #expect(MemoryLayout<CallRecord>.stride == 56)
        #expect(perPrincipal <= 2048, "\(perPrincipal) bytes per principal")
    }

    @Test func snapshotsRoundTripThroughARealSQLiteFile() throws {
        let path = TestFiles.temporaryDirectory() + "/detection.sqlite"
        let engine = DetectionEngine()
        var f = CallFactory()
        for i in 0..<40 { _ = engine.judge(f.call(at: Double(i) * 30, prompt: 5, content: true, failed: i % 7 == 0, conversation: "c")) }
        let store = try PrincipalSnapshotStore(path: path)
        try store.save(engine.snapshot())

        let restored = DetectionEngine()
        let (windows, skipped) = try PrincipalSnapshotStore(path: path).load()
        #expect(skipped == 0)
        restored.restore(windows)
        #expect(restored.snapshot()["alice"]?.records == engine.snapshot()["alice"]?.records)
        #expect(restored.snapshot()["alice"]?.hourCounts == engine.snapshot()["alice"]?.hourCounts)
        // The restored engine is not blind: the next loop iteration is already a repeat.
        #expect(restored.judge(f.call(at: 1300, prompt: 5, content: true)).labels.contains(.repeatedPrompt))
        #expect(!DetectionEngine().judge(f.call(at: 1300, prompt: 5, content: true)).labels.contains(.repeatedPrompt))
    }

    @Test func damagedSnapshotRowsAreSkippedNotTrusted() {
        #expect(PrincipalRecordCoding.decodeRecords(Data([1, 2, 3])) == nil)
        #expect(PrincipalRecordCoding.decodeHours(Data(count: 47)) == nil)
        let records = [CallRecord(start: 1, prompt: 2, sketch: 3, context: 4, system: 5, inputTokens: 6, outputTokens: 7,
                                  agent: 8, conversation: 9, durationMilliseconds: 10, flags: [.failed, .content])]
        #expect(PrincipalRecordCoding.decodeRecords(PrincipalRecordCoding.encode(records)) == records)
    }
}
