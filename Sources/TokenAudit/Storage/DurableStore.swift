import Foundation
import GRDB
import NIOCore

/// Accepted batches on disk: one SQLite file (WAL) under the storage path,
/// one row per batch, in named queues (`pipeline/traces`,
/// `exporter/otlp_http`, ...). Rows are deleted once their queue is done with
/// them, so whatever is in the file at start was accepted and not yet
/// delivered: it is delivered again (at least once, in order per queue).
///
/// Bodies up to `inlineLimit` bytes are blobs in their row; larger ones are
/// files beside the queue file (`BodyFiles`), written before their row
/// commits and removed after it is deleted.
public final class DurableStore: Sendable {
    /// How hard each commit is pushed to disk (SQLite `synchronous` in WAL mode).
    public enum Durability: String, Sendable, CaseIterable {
        /// Survives the daemon being killed; a power loss may lose the last commits.
        case normal
        /// Survives an operating-system crash or power loss too; slower.
        case full
        /// Left to the operating system.
        case off
    }

    let path: String
    private let database: DatabaseQueue
    let checkpointer: WALCheckpointer
    /// The file's page size: what a commit writes to the log per page it changes.
    private let filePageSize: Int
    /// Pages a commit writes to the log per row, as counted for checkpoints:
    /// the table's leaf, the index's leaf, and for an insert the
    /// AUTOINCREMENT counter (interior pages change rarely). The log takes
    /// these even when every body is a file; counted, they keep the
    /// checkpoints coming (uncounted, the log grew to the 256 MiB bound and
    /// one commit in a few thousand stalled ~200 ms checkpointing it).
    static let pagesPerInsert = 3, pagesPerDelete = 2
    let bodyFiles: BodyFiles
    private let durability: Durability
    /// Bodies larger than this are files, not blobs. SQLite's own
    /// measurements ("Internal Versus External BLOBs") put files ahead from
    /// about 100 kB with large pages; here a blob also costs its checkpoint
    /// copy, while a file costs a create and an unlink. A 1,000-span request
    /// (~560 kB) is a file; a request of a few spans (~6 kB) stays a blob.
    let inlineLimit: Int
    /// Default `inlineLimit`: 64 KiB.
    static let defaultInlineLimit = 64 << 10
    /// Page size of a new queue file, chosen when every body was a blob in
    /// overflow pages, each written to the log as its own frame: 16 KiB
    /// pages wrote a 560 KB request in 34 frames instead of 137 (64 KiB
    /// pages wrote 9, but doubled p99). Blobs are now at most `inlineLimit`
    /// (four such pages). Files created with another size keep it; SQLite
    /// ignores the pragma then.
    static let pageSize = 16_384
    /// Log size after which a commit checkpoints by itself: 256 MiB.
    static let fallbackCheckpointBytes = 256 << 20

    /// The folder of body files that goes with the queue file at `path`.
    static func bodyFolder(for path: String) -> String {
        (path.hasSuffix(".sqlite") ? String(path.dropLast(".sqlite".count)) : path) + "-bodies"
    }

    init(path: String, durability: Durability, inlineLimit: Int = DurableStore.defaultInlineLimit) throws {
        self.path = path
        self.durability = durability
        self.inlineLimit = max(0, inlineLimit)
        var configuration = Configuration()
        configuration.label = "tokenaudit.queue"
        configuration.prepareDatabase { db in
            // Before WAL: a new file takes its page size at its first write.
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = \(durability.rawValue.uppercased())")
            // Debian's SQLite zeroes deleted content by default, which rewrote
            // every delivered body (a second 560 KB write per row, then its
            // checkpoint). FAST still clears b-tree pages; freed overflow
            // pages keep old bytes until the next body reuses them, as the
            // log's old frames do anyway.
            try db.execute(sql: "PRAGMA secure_delete = FAST")
            // Checkpoints are the checkpointer's job; this one, inside a
            // commit, is only the bound on the log should those fall behind.
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.fallbackCheckpointBytes / max(pageSize, 512))")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: batches") { db in
            try db.create(table: "batch") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("queue", .text).notNull()
                t.column("signal", .text).notNull()
                t.column("items", .integer).notNull()
                t.column("body", .blob).notNull()
                t.column("accepted_at", .integer).notNull()
            }
            try db.create(index: "batch_by_queue", on: "batch", columns: ["queue", "id"])
        }
        // NULL: the body is the row's blob (every row stored before this);
        // otherwise the body's size, in the file named by the row's id.
        migrator.registerMigration("v2: bodies in files") { db in
            try db.alter(table: "batch") { t in t.add(column: "file_bytes", .integer) }
        }
        try migrator.migrate(database)
        checkpointer = try WALCheckpointer(path: path)
        filePageSize = try database.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } ?? Self.pageSize
        bodyFiles = try BodyFiles(folder: Self.bodyFolder(for: path))
        let named = try database.read { db in
            try Set(Int64.fetchAll(db, sql: "SELECT id FROM batch WHERE file_bytes IS NOT NULL"))
        }
        try bodyFiles.sweep(keeping: named)
    }

    /// Stores `batch` at the end of `queue` and returns its id, suspending
    /// (not blocking a thread of the cooperative pool) while the connection
    /// is busy. `committed` runs once the row is committed and before any
    /// other access to the store (accesses are serialised), so what it
    /// records is in place before a reader can see the row, and calls to it
    /// come in id order.
    @discardableResult
    func append(_ batch: TelemetryBatch, to queue: String, committed: @escaping @Sendable (Int64) -> Void = { _ in }) async throws -> Int64 {
        try await append([batch], to: queue, committed: [committed])[0]
    }

    /// `append` for several batches in one transaction; `committed[i]` gets
    /// the id of `batches[i]`, in order, after the commit.
    @discardableResult
    func append(_ batches: [TelemetryBatch], to queue: String, committed: [@Sendable (Int64) -> Void]) async throws -> [Int64] {
        let (files, sync, limit) = (bodyFiles, durability == .full, inlineLimit)
        let ids = try await database.writeWithoutTransaction { db in
            var ids: [Int64] = []
            try db.inTransaction {
                var filed = false
                for batch in batches {
                    let size = batch.request.readableBytes
                    let inline = size <= limit
                    try db.execute(
                        sql: "INSERT INTO batch (queue, signal, items, body, accepted_at, file_bytes) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [queue, batch.signal.rawValue, batch.itemCount, inline ? Data(batch.request.readableBytesView) : Data(),
                                    batch.acceptedAtMilliseconds, inline ? nil : size])
                    let id = db.lastInsertedRowID
                    if !inline {
                        try files.save(batch.request, id: id, sync: sync)
                        filed = true
                    }
                    ids.append(id)
                }
                if filed, sync { try files.syncFolder() }
                return .commit
            }
            for (id, record) in zip(ids, committed) { record(id) }
            return ids
        }
        let blobBytes = batches.reduce(0) { $0 + ($1.request.readableBytes <= limit ? $1.request.readableBytes : 0) }
        checkpointer.noteWritten(bytes: blobBytes + batches.count * Self.pagesPerInsert * filePageSize)
        return ids
    }

    /// A row whose body file is gone (removed by hand, a damaged disk): the
    /// row is deleted, since its data cannot be delivered; `bytes` is what
    /// it counted for.
    struct MissingBody: Error, CustomStringConvertible {
        var id: Int64
        var bytes: Int
        var failure: BodyFiles.Failure
        var description: String { "batch \(id) cannot be read and is dropped: \(failure)" }
    }

    func remove(_ id: Int64) async throws {
        try await remove([id])
    }

    /// Removes every batch in `ids`, in one transaction, then their body files.
    func remove(_ ids: [Int64]) async throws {
        let files = bodyFiles
        try await database.writeWithoutTransaction { db in
            var filed: [Int64] = []
            try db.inTransaction {
                for id in ids {
                    let fileBytes = try Int.fetchOne(db, sql: "DELETE FROM batch WHERE id = ? RETURNING file_bytes", arguments: [id])
                    if fileBytes != nil { filed.append(id) }
                }
                return .commit
            }
            // After the commit: a crash in between leaves files that the next start sweeps.
            for id in filed { files.remove(id) }
        }
        checkpointer.noteWritten(bytes: ids.count * Self.pagesPerDelete * filePageSize)
    }

    /// The batch stored under `id`, nil when it is gone; `MissingBody` when
    /// its row is there and its body file is not (the row is then deleted).
    func batch(_ id: Int64) async throws -> TelemetryBatch? {
        let files = bodyFiles
        return try await database.writeWithoutTransaction { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT signal, items, body, accepted_at, file_bytes FROM batch WHERE id = ?", arguments: [id])
            else { return nil }
            let body: ByteBuffer
            if let fileBytes: Int = row["file_bytes"] {
                do {
                    body = try files.load(id, count: fileBytes)
                } catch let failure as BodyFiles.Failure where failure.isLoss {
                    try db.execute(sql: "DELETE FROM batch WHERE id = ?", arguments: [id])
                    files.remove(id)
                    throw MissingBody(id: id, bytes: fileBytes, failure: failure)
                }
            } else {
                body = ByteBuffer(bytes: row["body"] as Data)
            }
            return TelemetryBatch(signal: Signal(rawValue: row["signal"]) ?? .traces, request: body, itemCount: row["items"],
                                  acceptedAtMilliseconds: row["accepted_at"])
        }
    }

    /// The batches stored in `queue`, in id (commit) order, with when each
    /// was accepted (Unix ms). Read once at start: `accepted_at` sits after
    /// the body in each row, so SQLite reads through every body to reach it.
    func storedBatches(in queue: String) throws -> [(id: Int64, acceptedAt: Int64)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, accepted_at FROM batch WHERE queue = ? ORDER BY id", arguments: [queue])
                .map { (id: $0["id"], acceptedAt: $0["accepted_at"]) }
        }
    }

    /// Batches and body bytes waiting in `queue`.
    func usage(of queue: String) throws -> (count: Int, bytes: Int) {
        try database.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(COALESCE(file_bytes, LENGTH(body))), 0) AS bytes FROM batch WHERE queue = ?",
                arguments: [queue])
            return (row?["n"] ?? 0, row?["bytes"] ?? 0)
        }
    }
}
