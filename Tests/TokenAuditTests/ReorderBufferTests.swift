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
