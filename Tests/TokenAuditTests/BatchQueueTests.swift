import NIOCore
import Testing
@testable import TokenAudit

@Suite struct BatchQueueTests {
    func batch(_ size: Int) -> TelemetryBatch {
        TelemetryBatch(signal: .traces, request: ByteBuffer(repeating: 1, count: size), itemCount: 1)
    }

    @Test func refusesPastItsCountAndByteBoundsButAlwaysTakesOneBatch() {
        let byCount = BatchQueue(maxCount: 2, maxBytes: 1 << 20)
        #expect(byCount.offer(batch(10)) == .accepted)
        #expect(byCount.offer(batch(10)) == .accepted)
        #expect(byCount.offer(batch(10)) == .full)

        let byBytes = BatchQueue(maxCount: 100, maxBytes: 100)
        #expect(byBytes.offer(batch(60)) == .accepted)
        #expect(byBytes.offer(batch(60)) == .full)
        #expect(byBytes.bytes == 60)

        // A single request larger than the byte bound cannot wedge an empty queue.
        let small = BatchQueue(maxCount: 4, maxBytes: 10)
        #expect(small.offer(batch(1000)) == .accepted)
    }

    @Test func deliversInOrderAndFreesRoom() async {
        let queue = BatchQueue(maxCount: 3, maxBytes: 1 << 20)
        for size in [1, 2, 3] { #expect(queue.offer(batch(size)) == .accepted) }
        #expect(queue.offer(batch(4)) == .full)
        #expect(await queue.nextBatch()?.request.readableBytes == 1)
        #expect(queue.offer(batch(4)) == .accepted)
        for expected in [2, 3, 4] { #expect(await queue.nextBatch()?.request.readableBytes == expected) }
    }

    @Test func pushWaitsForRoomAndNextWaitsForData() async {
        let queue = BatchQueue(maxCount: 1, maxBytes: 1 << 20)
        #expect(queue.offer(batch(1)) == .accepted)
        let pusher = Task { await queue.push(batch(2)) }
        while queue.waiters.producers == 0 { await Task.yield() }
        #expect(await queue.nextBatch()?.request.readableBytes == 1)
        #expect(await pusher.value == true)
        #expect(await queue.nextBatch()?.request.readableBytes == 2)

        let consumer = Task { await queue.nextBatch()?.request.readableBytes }
        while !queue.waiters.consumer { await Task.yield() }
        #expect(queue.offer(batch(7)) == .accepted)
        #expect(await consumer.value == 7)
    }

    @Test func finishRefusesNewBatchesButDrainsQueuedOnes() async {
        let queue = BatchQueue(maxCount: 2, maxBytes: 1 << 20)
        #expect(queue.offer(batch(1)) == .accepted)
        #expect(queue.offer(batch(2)) == .accepted)
        let blocked = Task { await queue.push(batch(3)) }
        while queue.waiters.producers == 0 { await Task.yield() }
        queue.finish()
        #expect(await blocked.value == false, "a waiting producer is told the queue closed")
        #expect(queue.offer(batch(4)) == .closed)
        #expect(await queue.nextBatch()?.request.readableBytes == 1)
        #expect(await queue.nextBatch()?.request.readableBytes == 2)
        #expect(await queue.nextBatch() == nil)

        let idle = BatchQueue(maxCount: 1, maxBytes: 1)
        let waiting = Task { await idle.nextBatch() }
        while !idle.waiters.consumer { await Task.yield() }
        idle.finish()
        #expect(await waiting.value == nil, "a waiting consumer is released by finish")
    }
}
