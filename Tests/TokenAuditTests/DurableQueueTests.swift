import Logging
import NIOCore
import Testing
@testable import TokenAudit

@Suite struct DurableQueueTests {
    func batch(_ size: Int, items: Int = 1) -> TelemetryBatch {
        TelemetryBatch(signal: .logs, request: ByteBuffer(repeating: UInt8(size % 251), count: size), itemCount: items,
                       acceptedAtMilliseconds: 1_700_000_000_000 + Int64(size))
    }

    func open(_ path: String, count: Int = 100, bytes: Int = 1 << 20) throws -> DurableBatchQueue {
        try DurableBatchQueue(store: try DurableStore(path: path, durability: .normal), name: "pipeline/logs",
                              maxCount: count, maxBytes: bytes, logger: Logger(label: "test"))
    }

    @Test func whatWasNotCompletedIsHandedOutAgainAfterARestartInOrder() async throws {
        let path = "\(TestFiles.temporaryDirectory())/queue.sqlite"
        do {
            let queue = try open(path)
            for size in [10, 20, 30, 40] { #expect(queue.offer(batch(size, items: size)) == .accepted) }
            let first = try #require(await queue.next())
            queue.complete(first)
            _ = await queue.next()  // handed out, never completed: the process "dies" here
        }
        let reopened = try open(path)
        #expect(reopened.count == 3)
        #expect(reopened.oldestAcceptedAt == 1_700_000_000_020, "acceptance times survive a restart")
        #expect(reopened.bytes == 90)
        var seen: [Int] = []
        reopened.finish()
        while let queued = await reopened.next() {
            seen.append(queued.batch.itemCount)
            #expect(queued.batch.signal == .logs)
            #expect(queued.batch.request.readableBytes == queued.batch.itemCount)
            reopened.complete(queued)
        }
        #expect(seen == [20, 30, 40])
        #expect(try open(path).count == 0)
    }

    @Test func boundsRefuseAndCompletionMakesRoom() async throws {
        let queue = try open("\(TestFiles.temporaryDirectory())/q.sqlite", count: 2, bytes: 100)
        #expect(queue.offer(batch(60)) == .accepted)
        #expect(queue.offer(batch(60)) == .full, "bytes")
        #expect(queue.offer(batch(30)) == .accepted)
        #expect(queue.offer(batch(1)) == .full, "count")
        let pusher = Task { await queue.push(batch(5)) }
        let first = try #require(await queue.next())
        queue.complete(first)
        #expect(await pusher.value)
        #expect(queue.count == 2)
        queue.finish()
        #expect(queue.offer(batch(1)) == .closed)
    }

    @Test func aWaitingConsumerWakesForNewBatches() async throws {
        let queue = try open("\(TestFiles.temporaryDirectory())/w.sqlite")
        let consumer = Task { await queue.next()?.batch.itemCount }
        for _ in 0..<100 { await Task.yield() }
        #expect(queue.offer(batch(8, items: 8)) == .accepted)
        #expect(await consumer.value == 8)
    }
}
