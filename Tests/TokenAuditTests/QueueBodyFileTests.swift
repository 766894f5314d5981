import Foundation
import GRDB
import Logging
import NIOCore
import Testing
@testable import TokenAudit

/// Large queued bodies live in files beside the queue file (`BodyFiles`):
/// where each body goes, that it comes back whole, that nothing is left
/// behind, and what happens when a file is lost or the queue file predates them.
@Suite struct QueueBodyFileTests {
    /// A body whose every byte depends on its size and position, so a
    /// truncated, shifted or swapped body cannot compare equal.
    func batch(_ size: Int, items: Int = 1) -> TelemetryBatch {
        var body = ByteBuffer()
        body.writeBytes((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ size) })
        return TelemetryBatch(signal: .traces, request: body, itemCount: items, acceptedAtMilliseconds: 1_700_000_000_000 + Int64(size))
    }

    /// Batches and bytes stored in `queue`.
    func usage(_ store: DurableStore, _ queue: String) throws -> [Int] {
        let (count, bytes) = try store.usage(of: queue)
        return [count, bytes]
    }

    func files(in folder: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder))
    }

    @Test(arguments: [DurableStore.Durability.normal, .full])
    func bodiesOverTheLimitAreFilesTheRestBlobsAndAllComeBackAfterARestart(durability: DurableStore.Durability) async throws {
        let path = "\(TestFiles.temporaryDirectory())/queue.sqlite"
        let folder = DurableStore.bodyFolder(for: path)
        let sizes = [0, 10, 999, 1000, 1001, 300_000]
        var ids: [Int: Int64] = [:]
        do {
            let store = try DurableStore(path: path, durability: durability, inlineLimit: 1000)
            for size in sizes { ids[size] = try await store.append(batch(size, items: size + 1), to: "exporter/otlp_http") }
        }
        #expect(folder.hasSuffix("/queue-bodies"))
        let filed = try [1001, 300_000].map { String(try #require(ids[$0])) }
        #expect(try files(in: folder) == Set(filed), "only bodies over 1000 bytes are files, each named by its row")

        let store = try DurableStore(path: path, durability: durability, inlineLimit: 1000)
        #expect(try usage(store, "exporter/otlp_http") == [sizes.count, sizes.reduce(0, +)], "blobs and files both counted")
        for size in sizes {
            let id = try #require(ids[size])
            let stored = try #require(try await store.batch(id))
            #expect(stored.request == batch(size).request, "body of \(size) bytes")
            #expect(stored.itemCount == size + 1 && stored.signal == .traces)
            #expect(stored.acceptedAtMilliseconds == 1_700_000_000_000 + Int64(size))
        }
        try await store.remove(sizes.map { ids[$0]! })
        #expect(try files(in: folder).isEmpty, "removing a row removes its file")
        #expect(try usage(store, "exporter/otlp_http") == [0, 0])
    }

    /// Files without a row (a commit that failed, a crash between a delete
    /// and its unlink) are removed at start; files of stored rows are kept.
    @Test func leftoversAreSweptAtStart() async throws {
        let path = "\(TestFiles.temporaryDirectory())/queue.sqlite"
        let folder = DurableStore.bodyFolder(for: path)
        let kept: Int64
        do {
            let store = try DurableStore(path: path, durability: .normal, inlineLimit: 100)
            kept = try await store.append(batch(5000), to: "pipeline/traces")
            let gone = try await store.append(batch(6000), to: "pipeline/traces")
            try await store.remove(gone)
        }
        for leftover in ["\(kept + 1)", "\(kept + 40)", "not-a-body"] {
            #expect(FileManager.default.createFile(atPath: "\(folder)/\(leftover)", contents: Data([1, 2, 3])))
        }
        let store = try DurableStore(path: path, durability: .normal, inlineLimit: 100)
        #expect(try files(in: folder) == ["\(kept)"])
        #expect(try await store.batch(kept)?.request == batch(5000).request)
        // The next row may take a swept leftover's id: its file is written whole.
        let next = try await store.append(batch(700), to: "pipeline/traces")
        #expect(try await store.batch(next)?.request == batch(700).request)
    }

    /// With every body a file, the log still takes the rows' pages on every
    /// commit: those are counted, so checkpoints keep coming (uncounted, the
    /// log grew to its 256 MiB bound and one commit then checkpointed all of it).
    @Test func rowsAloneStillBringCheckpoints() async throws {
        let store = try DurableStore(path: "\(TestFiles.temporaryDirectory())/queue.sqlite", durability: .normal, inlineLimit: 100)
        // 100 rows stored and deleted: 500 page writes, 8 MiB of log at 16 KiB pages.
        for _ in 0..<100 {
            let id = try await store.append(batch(200), to: "pipeline/traces")
            try await store.remove(id)
        }
        #expect(try await eventually { store.checkpointer.completedCheckpoints >= 1 }, "a checkpoint ran")
    }

    /// A body file rewritten under the same id holds the new body only.
    @Test func aFileWrittenAgainHoldsOnlyTheNewBody() throws {
        let files = try BodyFiles(folder: TestFiles.temporaryDirectory() + "/bodies")
        try files.save(batch(9000).request, id: 7, sync: false)
        try files.save(batch(300).request, id: 7, sync: true)
        #expect(try files.load(7, count: 300) == batch(300).request)
        #expect(throws: BodyFiles.Failure.self) { try files.load(7, count: 299) }
        #expect(throws: BodyFiles.Failure.self) { try files.load(7, count: 301) }
    }

    /// A lost or damaged body file cannot be delivered: the queue drops that
    /// batch with an error, gives its room back, and delivers the others.
    @Test func aLostBodyIsDroppedAndItsRoomGivenBack() async throws {
        let path = "\(TestFiles.temporaryDirectory())/queue.sqlite"
        let folder = DurableStore.bodyFolder(for: path)
        let store = try DurableStore(path: path, durability: .normal, inlineLimit: 100)
        // No memory for bodies: every batch is read back from disk.
        let queue = try DurableBatchQueue(store: store, name: "pipeline/traces", maxCount: 10, maxBytes: 1 << 20,
                                          memoryLimitBytes: 0, logger: Logger(label: "test"))
        for size in [1000, 2000, 3000, 4000] { #expect(await queue.offer(batch(size, items: size)) == .accepted) }
        let stored = try files(in: folder).compactMap(Int64.init).sorted()
        #expect(stored.count == 4)
        try FileManager.default.removeItem(atPath: "\(folder)/\(stored[1])")
        try Data([0]).write(to: URL(fileURLWithPath: "\(folder)/\(stored[2])"))  // damaged: wrong size
        queue.finish()
        var delivered: [Int] = []
        while let queued = await queue.next() {
            delivered.append(queued.batch.itemCount)
            #expect(queued.batch.request == batch(queued.batch.itemCount).request)
            await queue.complete(queued)
        }
        #expect(delivered == [1000, 4000])
        #expect(queue.count == 0 && queue.bytes == 0, "the lost batches' room is given back")
        #expect(try usage(store, "pipeline/traces") == [0, 0], "their rows are gone")
        #expect(try files(in: folder).isEmpty)
    }

    /// A queue file written before bodies moved to files (every body a
    /// blob, no `file_bytes` column) is upgraded and delivered.
    @Test func aQueueFileFromBeforeBodyFilesIsDelivered() async throws {
        let path = "\(TestFiles.temporaryDirectory())/queue.sqlite"
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1: batches');
                CREATE TABLE batch (id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, signal TEXT NOT NULL,
                                    items INTEGER NOT NULL, body BLOB NOT NULL, accepted_at INTEGER NOT NULL);
                CREATE INDEX batch_by_queue ON batch(queue, id);
                """)
            for size in [200_000, 50] {
                try db.execute(sql: "INSERT INTO batch (queue, signal, items, body, accepted_at) VALUES (?, 'traces', ?, ?, 1)",
                               arguments: ["pipeline/traces", size, Data(batch(size).request.readableBytesView)])
            }
        }
        try old.close()
        let store = try DurableStore(path: path, durability: .normal)
        #expect(try usage(store, "pipeline/traces") == [2, 200_050])
        let queue = try DurableBatchQueue(store: store, name: "pipeline/traces", maxCount: 10, maxBytes: 1 << 20,
                                          logger: Logger(label: "test"))
        queue.finish()
        var delivered: [Int] = []
        while let queued = await queue.next() {
            #expect(queued.batch.request == batch(queued.batch.itemCount).request)
            delivered.append(queued.batch.itemCount)
            await queue.complete(queued)
        }
        #expect(delivered == [200_000, 50])
        #expect(try usage(store, "pipeline/traces") == [0, 0])
    }
}
