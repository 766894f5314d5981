import Synchronization
import TestSupport
import Testing
@testable import TokenAudit

/// The pipeline's ordered hand-off from concurrent preparation to the
/// in-order holder.
@Suite struct ReorderBufferTests {
    final class Count: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var current: Int { value.withLock { $0 } }
    }

    /// `nextIfReady` takes only the next result in sequence, only when it is
    /// there and accepted, and taking it makes room for the producer.
    @Test func nextIfReadyTakesOnlyTheNextInSequence() async {
        let buffer = ReorderBuffer<Int>(limit: 3)
        for _ in 0..<3 { _ = await buffer.reserve() }
        buffer.put(12, at: 2)
        buffer.put(11, at: 1)
        #expect(buffer.nextIfReady { _ in true } == nil, "0 is not there; 1 and 2 wait behind it")
        buffer.put(10, at: 0)
        #expect(buffer.nextIfReady { $0 < 10 } == nil, "refused by the predicate: stays next")
        #expect(buffer.nextIfReady { _ in true } == 10)
        #expect(await buffer.reserve() == 3, "taking one made room")
        #expect(buffer.nextIfReady { _ in true } == 11)
        #expect(await buffer.next() == 12)
        buffer.finish()
        buffer.put(13, at: 3)
        #expect(buffer.nextIfReady { _ in true } == 13)
        #expect(await buffer.next() == nil)
    }

    @Test func resultsFinishedInAnyOrderComeOutInSequence() async {
        let buffer = ReorderBuffer<Int>(limit: 4)
        let taken = Count()
        var tooFarAhead = 0
        await withDiscardingTaskGroup { group in
            group.addTask {
                var expected = 0
                while let value = await buffer.next() {
                    #expect(value == expected, "in sequence")
                    expected += 1
                    taken.add()
                }
                #expect(expected == 500, "every result, then nil")
            }
            var random = SeededRandom(seed: 3)
            for index in 0..<500 {
                let sequence = await buffer.reserve()
                #expect(sequence == index)
                // The consumer records a take just after the buffer counts it: one may be in between.
                if index - taken.current > buffer.limit + 1 { tooFarAhead += 1 }
                let spin = Int.random(in: 0..<200, using: &random)
                group.addTask {
                    // Uneven work, so later sequence numbers often finish first.
                    var x = 0
                    for i in 0..<spin * 50 { x &+= i }
                    for _ in 0..<(x & 3) { await Task.yield() }
                    buffer.put(sequence, at: sequence)
                }
            }
            buffer.finish()
        }
        #expect(tooFarAhead == 0, "reserve waits while `limit` results are outstanding")
    }

    @Test func finishWithNothingOutstandingEndsAWaitingConsumer() async {
        let buffer = ReorderBuffer<String>(limit: 2)
        let consumer = Task { await buffer.next() }
        let sequence = await buffer.reserve()
        buffer.put("only", at: sequence)
        #expect(await consumer.value == "only")
        let ending = Task { await buffer.next() }
        buffer.finish()
        #expect(await ending.value == nil)
    }

    @Test func resultsPutAfterFinishAreStillHandedOut() async {
        let buffer = ReorderBuffer<Int>(limit: 3)
        let first = await buffer.reserve()
        let second = await buffer.reserve()
        buffer.finish()
        buffer.put(2, at: second)
        buffer.put(1, at: first)
        #expect(await buffer.next() == 1)
        #expect(await buffer.next() == 2)
        #expect(await buffer.next() == nil)
    }
}
