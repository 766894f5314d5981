import Dispatch
import GRDB
import Synchronization

/// Checkpoints the queue file's write-ahead log off the write path.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold, so one request in a few waited for the copy and the sync (in
/// `synchronous = NORMAL`, commits themselves never sync). Here a second
/// connection runs a PASSIVE checkpoint once enough has been written since
/// the last one, on a queue of its own: writers go on appending meanwhile,
/// and what survives a crash is unchanged (a checkpoint only copies
/// committed pages into the main file).
///
/// Invariant: at most one checkpoint is running or scheduled at a time.
/// The store's own automatic checkpoint stays on with a far larger
/// threshold, so the log stays bounded even if these checkpoints cannot
/// complete (a reader holding an old snapshot).
final class WALCheckpointer: Sendable {
    /// Bytes written between checkpoints (SQLite's default cadence: 1,000 pages).
    static let interval = 4 << 20

    private let connection: DatabaseQueue
    private let worker = DispatchQueue(label: "tokenaudit.queue.checkpoint", qos: .utility)
    private let state = Mutex(State())

    private struct State {
        var writtenSinceCheckpoint = 0
        var scheduled = false
        var completed = 0
    }

    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "tokenaudit.queue.checkpointer"
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Checkpoints run so far (for tests).
    var completedCheckpoints: Int { state.withLock { $0.completed } }

    /// Records `bytes` committed; schedules a checkpoint when due.
    func noteWritten(bytes: Int) {
        let due = state.withLock { s -> Bool in
            s.writtenSinceCheckpoint += bytes
            guard s.writtenSinceCheckpoint >= Self.interval, !s.scheduled else { return false }
            s.writtenSinceCheckpoint = 0
            s.scheduled = true
            return true
        }
        guard due else { return }
        worker.async { [self] in
            // PASSIVE never blocks writers or readers; whatever it cannot copy
            // now is copied by the next one.
            try? connection.writeWithoutTransaction { db in
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            }
            state.withLock { s in
                s.scheduled = false
                s.completed += 1
            }
        }
    }
}
