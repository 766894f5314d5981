import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Principal windows on disk (`detection.sqlite` under the storage path), so
/// a restart does not blind the detectors. Saved periodically and once the
/// pipelines have drained at shutdown; loaded at start. A file from a newer
/// or damaged layout is reported and skipped, never trusted.
final class PrincipalSnapshotStore: Sendable {
    private let database: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "tokenaudit.detection"
        database = try DatabaseQueue(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: principal windows") { db in
            try db.create(table: "principal_window") { t in
                t.primaryKey("principal", .text)
                t.column("records", .blob).notNull()
                t.column("hours", .blob).notNull()
                t.column("outcomes", .integer).notNull()
            }
        }
        try migrator.migrate(database)
    }

    func save(_ windows: [String: PrincipalWindow]) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM principal_window")
            let statement = try db.makeStatement(sql: "INSERT INTO principal_window (principal, records, hours, outcomes) VALUES (?, ?, ?, ?)")
            for (principal, window) in windows {
                try statement.execute(arguments: [
                    principal, PrincipalRecordCoding.encode(window.records), PrincipalRecordCoding.encode(hours: window.hourCounts),
                    Int64(window.outcomes),
                ])
            }
        }
    }

    /// The saved windows; rows that do not decode are left out and counted.
    func load() throws -> (windows: [String: PrincipalWindow], skipped: Int) {
        try database.read { db in
            var windows: [String: PrincipalWindow] = [:]
            var skipped = 0
            for row in try Row.fetchAll(db, sql: "SELECT principal, records, hours, outcomes FROM principal_window") {
                let principal: String = row["principal"]
                guard let records = PrincipalRecordCoding.decodeRecords(row["records"]),
                      let hours = PrincipalRecordCoding.decodeHours(row["hours"]),
                      let outcomes = UInt32(exactly: row["outcomes"] as Int64)
                else {
                    skipped += 1
                    continue
                }
                windows[principal] = PrincipalWindow(records: records, hourCounts: hours, outcomes: outcomes)
            }
            return (windows, skipped)
        }
    }
}

/// `CallRecord`s as fixed 53-byte little-endian rows.
enum PrincipalRecordCoding {
    static let recordSize = 53

    static func encode(_ records: some Collection<CallRecord>) -> Data {
        var data = Data(capacity: records.count * recordSize)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        for r in records {
            put(r.start); put(r.prompt); put(r.sketch)
            put(r.context); put(r.system); put(r.inputTokens); put(r.outputTokens)
            put(r.agent); put(r.conversation); put(r.durationMilliseconds)
            put(r.flags.rawValue)
        }
        return data
    }

    static func decodeRecords(_ data: Data?) -> [CallRecord]? {
        guard let data, data.count % recordSize == 0 else { return nil }
        let bytes = [UInt8](data)
        var records: [CallRecord] = []
        records.reserveCapacity(bytes.count / recordSize)
        var offset = 0
        func take<T: FixedWidthInteger>(_: T.Type) -> T {
            var value: T = 0
            for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
            offset += MemoryLayout<T>.size
            return value
        }
        while offset < bytes.count {
            records.append(CallRecord(
                start: take(UInt64.self), prompt: take(UInt64.self), sketch: take(UInt64.self),
                context: take(UInt32.self), system: take(UInt32.self), inputTokens: take(UInt32.self), outputTokens: take(UInt32.self),
                agent: take(UInt32.self), conversation: take(UInt32.self), durationMilliseconds: take(UInt32.self),
                flags: CallRecord.Flags(rawValue: take(UInt8.self))))
        }
        return records
    }

    static func encode(hours: [UInt16]) -> Data {
        var data = Data(capacity: 48)
        for h in hours { withUnsafeBytes(of: h.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func decodeHours(_ data: Data?) -> [UInt16]? {
        guard let data, data.count == 48 else { return nil }
        let bytes = [UInt8](data)
        return (0..<24).map { UInt16(bytes[2 * $0]) | UInt16(bytes[2 * $0 + 1]) << 8 }
    }
}

/// Saves every tokenaudit processor's principal state every `interval` and
/// at shutdown. Listed before the pipelines in the service group, so it
/// stops after they have drained (the last verdicts are in the snapshot).
struct PrincipalSnapshotKeeper: Service {
    let store: PrincipalSnapshotStore
    let engines: [String: DetectionEngine]
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            save()
        }
    }

    func save() {
        var windows: [String: PrincipalWindow] = [:]
        for (processor, engine) in engines {
            for (principal, window) in engine.snapshot() { windows[processor + "\u{1F}" + principal] = window }
        }
        do {
            try store.save(windows)
            logger.debug("principal state saved", metadata: ["principals": "\(windows.count)"])
        } catch {
            logger.error("could not save principal state; a restart will start the detectors cold", metadata: ["error": "\(error)"])
        }
    }

    /// Loads what the last run saved into each engine.
    static func restore(from store: PrincipalSnapshotStore, into engines: [String: DetectionEngine], logger: Logger) {
        do {
            let (windows, skipped) = try store.load()
            var byProcessor: [String: [String: PrincipalWindow]] = [:]
            for (key, window) in windows {
                guard let split = key.firstIndex(of: "\u{1F}") else { continue }
                byProcessor[String(key[..<split]), default: [:]][String(key[key.index(after: split)...])] = window
            }
            for (processor, engine) in engines { engine.restore(byProcessor[processor] ?? [:]) }
            if !windows.isEmpty || skipped > 0 {
                logger.info("principal state restored", metadata: ["principals": "\(windows.count)", "skipped": "\(skipped)"])
            }
        } catch {
            logger.error("could not read saved principal state; detectors start cold", metadata: ["error": "\(error)"])
        }
    }
}
