import Logging
import NIOCore
import GRDB
import Testing
@testable import TokenAudit

@Suite struct DurableQueueTests {
    func batch(_ size: Int, items: Int = 1) -> TelemetryBatch {
        TelemetryBatch(signal: .logs, request: ByteBuffer(repeating: UInt8(size % 251), count: size), itemCount: items,
                       acceptedAtMilliseconds: 1_700_000_000_000 + Int64(size))
    }

    func open(_ path: String, count: Int = 100, bytes: Int = 1 << 20, memory: Int = 32 << 20) throws -> DurableBatchQueue {
        try DurableBatchQueue(store: try DurableStore(path: path, durability: .normal), name: "pipeline/logs",
                              maxCount: count, maxBytes: bytes, memoryLimitBytes: memory, logger: Logger(label: "test"))
    }

    /// Batches kept in memory and batches read back from disk come out the
    /// same and in the order they were stored, also with producers racing.
    @Test func batchesFromMemoryAndFromDiskComeOutIdenticalAndInStoredOrder() async throws {
        // 300 bytes of memory: a few batches are kept, the rest are read back.
        let queue = try open("\(TestFiles.temporaryDirectory())/m.sqlite", count: 1000, bytes: 1 << 20, memory: 300)
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<4 {
                group.addTask {
                    for index in 0..<50 { _ = await queue.push(batch(1 + producer * 50 + index, items: 1 + producer * 50 + index)) }
                }
            }
        }
        queue.finish()
        #expect(queue.oldestAcceptedAt == 1_700_000_000_001, "the queue's age, kept without reading bodies back")
        var sizes: Set<Int> = []
        var lastTicket: Int64 = 0
        while let queued = await queue.next() {
            let size = queued.batch.request.readableBytes
            #expect(queued.batch.request.readableBytesView.allSatisfy { $0 == UInt8(size % 251) }, "body of batch \(size)")
            #expect(queued.batch.itemCount == size && queued.batch.signal == .logs)
            #expect(queued.batch.acceptedAtMilliseconds == 1_700_000_000_000 + Int64(size))
            let ticket = try #require(queued.ticket)
            #expect(ticket > lastTicket, "handed out in the order stored")
            lastTicket = ticket
            sizes.insert(size)
            await queue.complete(queued)
        }
        #expect(sizes == Set(1...200), "each batch exactly once")
        #expect(queue.count == 0 && queue.bytes == 0 && queue.oldestAcceptedAt == nil)
    }

    /// The write-ahead log is checkpointed by the store's second connection
    /// once enough was written, not inside a commit, and what is stored
    /// reads back the same afterwards, also through a fresh connection.
    @Test func checkpointsRunOffTheWritePathAndLoseNothing() async throws {
        let path = "\(TestFiles.temporaryDirectory())/checkpoint.sqlite"
        // Bodies stay blobs (they go through the log) up to this limit.
        let inline = 512 << 10
        let store = try DurableStore(path: path, durability: .normal, inlineLimit: inline)
        let size = 256 << 10
        var kept: [Int64: Int] = [:]
        // 48 batches of 256 KiB (12 MiB, three checkpoint intervals), most removed
        // soon after, as a flowing queue does; every fourth one is kept.
        for index in 0..<48 {
            let id = try await store.append(batch(size + index, items: index), to: "pipeline/logs")
            if index % 4 == 0 { kept[id] = index } else { try await store.remove(id) }
        }
        #expect(store.checkpointer.completedCheckpoints <= 3, "at most one per interval written")
        #expect(try await eventually { store.checkpointer.completedCheckpoints >= 1 }, "a checkpoint ran")
        for reader in [store, try DurableStore(path: path, durability: .normal, inlineLimit: inline)] {
            for (id, index) in kept {
                let stored = try #require(try await reader.batch(id))
                #expect(stored.itemCount == index)
                #expect(stored.request.readableBytes == size + index)
                #expect(stored.request.readableBytesView.allSatisfy { $0 == UInt8((size + index) % 251) })
            }
            #expect(try reader.usage(of: "pipeline/logs").count == kept.count)
        }
    }

    /// New queue files take large pages (a body is a few log frames, not
    /// hundreds); a file made with SQLite's default keeps its pages and works.
    @Test func newFilesTakeLargePagesAndOldFilesKeepTheirs() async throws {
        let directory = TestFiles.temporaryDirectory()
        let old = "\(directory)/old.sqlite"
        try await DatabaseQueue(path: old).write { try $0.execute(sql: "CREATE TABLE before (x)") }
        for (path, pageSize) in [("\(directory)/new.sqlite", DurableStore.pageSize), (old, 4096)] {
            let store = try DurableStore(path: path, durability: .normal)
            let id = try await store.append(batch(300_000, items: 7), to: "pipeline/traces")
            let stored = try #require(try await store.batch(id))
            #expect(stored.request.readableBytes == 300_000 && stored.itemCount == 7)
            let reader = try DatabaseQueue(path: path)
            let actual = try await reader.read { try Int.fetchOne($0, sql: "PRAGMA page_size") }
            #expect(actual == pageSize, "\(path)")
        }
    }

    @Test func whatWasNotCompletedIsHandedOutAgainAfterARestartInOrder() async throws {
        let path = "\(TestFiles.temporaryDirectory())/queue.sqlite"
        do {
            let queue = try open(path)
            for size in [10, 20, 30, 40] { #expect(await queue.offer(batch(size, items: size)) == .accepted) }
            let first = try #require(await queue.next())
            await queue.complete(first)
            _ = await queue.next()  // handed out, never completed: the process "dies" here
        }
        let reopened = try open(path)
        #expect(reopened.count == 3)
        #expect(reopened.oldestAcceptedAt == 1_700_000_000_020, "acceptance times survive a restart")
        #expect(reopened.bytes == 90)
        // Stored after the restart: handed out after what the last run left.
        #expect(await reopened.offer(batch(50, items: 50)) == .accepted)
        var seen: [Int] = []
        reopened.finish()
        while let queued = await reopened.next() {
            seen.append(queued.batch.itemCount)
            #expect(queued.batch.signal == .logs)
            #expect(queued.batch.request.readableBytes == queued.batch.itemCount)
            await reopened.complete(queued)
        }
        #expect(seen == [20, 30, 40, 50])
        #expect(try open(path).count == 0)
    }

    @Test func boundsRefuseAndCompletionMakesRoom() async throws {
        let queue = try open("\(TestFiles.temporaryDirectory())/q.sqlite", count: 2, bytes: 100)
        #expect(await queue.offer(batch(60)) == .accepted)
        #expect(await queue.offer(batch(60)) == .full, "bytes")
        #expect(await queue.offer(batch(30)) == .accepted)
        #expect(await queue.offer(batch(1)) == .full, "count")
        let pusher = Task { await queue.push(batch(5)) }
        let first = try #require(await queue.next())
        await queue.complete(first)
        #expect(await pusher.value)
        #expect(queue.count == 2)
        queue.finish()
        #expect(await queue.offer(batch(1)) == .closed)
    }

    /// A group is stored in one commit, comes out in order as separate
    /// batches, waits for room as a whole, and is forgotten as a whole.
    @Test func groupsAreStoredAndForgottenTogether() async throws {
        let path = "\(TestFiles.temporaryDirectory())/group.sqlite"
        do {
            let queue = try open(path, count: 4, bytes: 1000)
            #expect(await queue.push([batch(10, items: 10), batch(20, items: 20), batch(30, items: 30)]))
            #expect(queue.count == 3 && queue.bytes == 60)
            // Two more do not fit beside three (bound 4): the group waits for room as a whole.
            let pusher = Task { await queue.push([batch(40, items: 40), batch(50, items: 50)]) }
            var out: [QueuedBatch] = []
            for _ in 0..<3 { out.append(try #require(await queue.next())) }
            #expect(out.map(\.batch.itemCount) == [10, 20, 30])
            #expect(queue.count == 3, "the waiting group took no room yet")
            await queue.complete(Array(out.prefix(2)))
            #expect(await pusher.value)
            #expect(queue.count == 3 && queue.bytes == 30 + 40 + 50)
        }
        let reopened = try open(path, count: 4, bytes: 1000)
        reopened.finish()
        var seen: [Int] = []
        while let queued = await reopened.next() { seen.append(queued.batch.itemCount) }
        #expect(seen == [30, 40, 50], "the completed pair is gone from disk; the group came after what was there")
    }

    @Test func aWaitingConsumerWakesForNewBatches() async throws {
        let queue = try open("\(TestFiles.temporaryDirectory())/w.sqlite")
        let consumer = Task { await queue.next()?.batch.itemCount }
        for _ in 0..<100 { await Task.yield() }
        #expect(await queue.offer(batch(8, items: 8)) == .accepted)
        #expect(await consumer.value == 8)
    }
}
