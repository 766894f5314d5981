import Foundation
import GRDB
import NIOCore

/// Accepted batches on disk: one SQLite file (WAL) under the storage path,
/// one row per batch, in named queues (`pipeline/traces`,
/// `exporter/otlp_http`, ...). Rows are deleted once their queue is done with
/// them, so whatever is in the file at start was accepted and not yet
/// delivered: it is delivered again (at least once, in order per queue).
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
    /// Page size of a new queue file. Bodies are 0.1-4 MiB blobs stored in
    /// overflow pages, each written to the log as its own frame: 16 KiB
    /// pages write a 560 KB request in 34 frames instead of 137 (64 KiB
    /// pages wrote 9, but doubled p99). Files created with another size
    /// keep it; SQLite ignores the pragma then.
    static let pageSize = 16_384
    /// Log size after which a commit checkpoints by itself: 256 MiB.
    static let fallbackCheckpointBytes = 256 << 20

    init(path: String, durability: Durability) throws {
        self.path = path
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
        try migrator.migrate(database)
        checkpointer = try WALCheckpointer(path: path)
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
        let bodies = batches.map { Data($0.request.readableBytesView) }
        let ids = try await database.writeWithoutTransaction { db in
            var ids: [Int64] = []
            try db.inTransaction {
                for (batch, body) in zip(batches, bodies) {
                    try db.execute(
                        sql: "INSERT INTO batch (queue, signal, items, body, accepted_at) VALUES (?, ?, ?, ?, ?)",
                        arguments: [queue, batch.signal.rawValue, batch.itemCount, body, batch.acceptedAtMilliseconds])
                    ids.append(db.lastInsertedRowID)
                }
                return .commit
            }
            for (id, record) in zip(ids, committed) { record(id) }
            return ids
        }
        checkpointer.noteWritten(bytes: bodies.reduce(0) { $0 + $1.count })
        return ids
    }

    private static func batch(_ id: Int64, in db: Database) throws -> TelemetryBatch? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT signal, items, body, accepted_at FROM batch WHERE id = ?", arguments: [id])
        else { return nil }
        let signal = Signal(rawValue: row["signal"]) ?? .traces
        let body: Data = row["body"]
        return TelemetryBatch(
            signal: signal, request: ByteBuffer(bytes: body), itemCount: row["items"], acceptedAtMilliseconds: row["accepted_at"])
    }

    func remove(_ id: Int64) async throws {
        try await remove([id])
    }

    /// Removes every batch in `ids`, in one transaction.
    func remove(_ ids: [Int64]) async throws {
        try await database.write { db in
            for id in ids { try db.execute(sql: "DELETE FROM batch WHERE id = ?", arguments: [id]) }
        }
    }

    /// The batch stored under `id`, nil when it is gone.
    func batch(_ id: Int64) async throws -> TelemetryBatch? {
        try await database.read { db in try Self.batch(id, in: db) }
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
                db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(body)), 0) AS bytes FROM batch WHERE queue = ?",
                arguments: [queue])
            return (row?["n"] ?? 0, row?["bytes"] ?? 0)
        }
    }
}
