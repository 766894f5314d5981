import Foundation
import GRDB

/// The aggregates behind reports, the API and the dashboard:
/// `summaries.sqlite` under the storage path (GRDB, WAL, versioned
/// migrations). Rows are per UTC hour of span time, principal, team and
/// model, so any period sums exactly; findings are per principal and label.
public final class SummaryStore: Sendable {
    let path: String
    private let database: DatabasePool

    /// Opens (creating and migrating) the store at `path`. `readOnly` opens an
    /// existing file for reports, without a running daemon.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var configuration = Configuration()
        configuration.label = "tokenaudit.summaries"
        configuration.readonly = readOnly
        // A replay may write beside a serving daemon; wait for the lock rather than fail.
        configuration.busyMode = .timeout(10)
        database = try DatabasePool(path: path, configuration: configuration)
        if !readOnly { try Self.migrator.migrate(database) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: usage and findings") { db in
            try db.create(table: "usage") { t in
                t.column("hour", .integer).notNull()
                t.column("principal", .text).notNull()
                t.column("team", .text).notNull()
                t.column("model", .text).notNull()
                for column in ["calls", "input_tokens", "output_tokens", "cache_read_tokens", "unpriced_calls",
                               "genuine_tokens", "suspect_tokens", "performative_tokens",
                               "genuine_calls", "suspect_calls", "performative_calls", "outcomes"] {
                    t.column(column, .integer).notNull().defaults(to: 0)
                }
                for column in ["cost_usd", "co2_grams", "genuine_cost_usd", "suspect_cost_usd", "performative_cost_usd"] {
                    t.column(column, .double).notNull().defaults(to: 0)
                }
                t.primaryKey(["hour", "principal", "team", "model"])
            }
            try db.create(index: "usage_by_principal", on: "usage", columns: ["principal", "hour"])
            try db.create(table: "finding") { t in
                t.column("principal", .text).notNull()
                t.column("label", .text).notNull()
                t.column("team", .text).notNull()
                t.column("first_hour", .integer).notNull()
                t.column("last_hour", .integer).notNull()
                t.column("calls", .integer).notNull()
                t.column("tokens", .integer).notNull()
                t.column("cost_usd", .double).notNull()
                t.column("reason", .text).notNull()
                t.column("examples", .text).notNull()
                t.primaryKey(["principal", "label"])
            }
        }
        migrator.registerMigration("v2: usage per label") { db in
            try db.create(table: "label_usage") { t in
                t.column("hour", .integer).notNull()
                t.column("principal", .text).notNull()
                t.column("team", .text).notNull()
                t.column("label", .text).notNull()
                t.column("calls", .integer).notNull()
                t.column("tokens", .integer).notNull()
                t.column("cost_usd", .double).notNull()
                t.primaryKey(["hour", "principal", "team", "label"])
            }
        }
        return migrator
    }

    // MARK: writing

    /// Adds a batch in one transaction.
    func write(_ batch: SummaryBatch) throws {
        guard !batch.isEmpty else { return }
        try database.write { db in
            let usage = try db.makeStatement(sql: """
                INSERT INTO usage (hour, principal, team, model, calls, input_tokens, output_tokens, cache_read_tokens, cost_usd,
                    co2_grams, unpriced_calls, genuine_tokens, suspect_tokens, performative_tokens, genuine_cost_usd,
                    suspect_cost_usd, performative_cost_usd, genuine_calls, suspect_calls, performative_calls, outcomes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (hour, principal, team, model) DO UPDATE SET
                    calls = calls + excluded.calls, input_tokens = input_tokens + excluded.input_tokens,
                    output_tokens = output_tokens + excluded.output_tokens,
                    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cost_usd = cost_usd + excluded.cost_usd,
                    co2_grams = co2_grams + excluded.co2_grams, unpriced_calls = unpriced_calls + excluded.unpriced_calls,
                    genuine_tokens = genuine_tokens + excluded.genuine_tokens, suspect_tokens = suspect_tokens + excluded.suspect_tokens,
                    performative_tokens = performative_tokens + excluded.performative_tokens,
                    genuine_cost_usd = genuine_cost_usd + excluded.genuine_cost_usd,
                    suspect_cost_usd = suspect_cost_usd + excluded.suspect_cost_usd,
                    performative_cost_usd = performative_cost_usd + excluded.performative_cost_usd,
                    genuine_calls = genuine_calls + excluded.genuine_calls, suspect_calls = suspect_calls + excluded.suspect_calls,
                    performative_calls = performative_calls + excluded.performative_calls, outcomes = outcomes + excluded.outcomes
                """)
            for (key, u) in batch.usage {
                try usage.execute(arguments: [
                    key.hour, key.principal, key.team, key.model, u.calls, u.inputTokens, u.outputTokens, u.cacheReadTokens, u.cost,
                    u.co2Grams, u.unpricedCalls, u.verdictTokens[0], u.verdictTokens[1], u.verdictTokens[2], u.verdictCost[0],
                    u.verdictCost[1], u.verdictCost[2], u.verdictCalls[0], u.verdictCalls[1], u.verdictCalls[2], u.outcomes,
                ])
            }
            let labels = try db.makeStatement(sql: """
                INSERT INTO label_usage (hour, principal, team, label, calls, tokens, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (hour, principal, team, label) DO UPDATE SET
                    calls = calls + excluded.calls, tokens = tokens + excluded.tokens, cost_usd = cost_usd + excluded.cost_usd
                """)
            for (key, l) in batch.labels {
                try labels.execute(arguments: [key.hour, key.principal, key.team, key.label.rawValue, l.calls, l.tokens, l.cost])
            }
            for (key, f) in batch.findings {
                let existing = try Row.fetchOne(db, sql: "SELECT first_hour, last_hour, examples FROM finding WHERE principal = ? AND label = ?",
                                                arguments: [key.principal, key.label.rawValue])
                var examples = (existing?["examples"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
                for id in f.examples where examples.count < 5 && !examples.contains(id) { examples.append(id) }
                let encoded = String(decoding: (try? JSONEncoder().encode(examples)) ?? Data("[]".utf8), as: UTF8.self)
                if let existing {
                    let lastHour: Int64 = existing["last_hour"]
                    try db.execute(sql: """
                        UPDATE finding SET first_hour = MIN(first_hour, ?), last_hour = MAX(last_hour, ?), calls = calls + ?,
                            tokens = tokens + ?, cost_usd = cost_usd + ?, reason = CASE WHEN ? >= ? THEN ? ELSE reason END,
                            examples = ?, team = ? WHERE principal = ? AND label = ?
                        """, arguments: [f.firstHour, f.lastHour, f.calls, f.tokens, f.cost, f.lastHour, lastHour, f.reason,
                                         encoded, f.team, key.principal, key.label.rawValue])
                } else {
                    try db.execute(sql: """
                        INSERT INTO finding (principal, label, team, first_hour, last_hour, calls, tokens, cost_usd, reason, examples)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [key.principal, key.label.rawValue, f.team, f.firstHour, f.lastHour, f.calls, f.tokens,
                                         f.cost, f.reason, encoded])
                }
            }
        }
    }

    /// Deletes hours older than `retention` before the newest hour stored.
    func applyRetention(_ retention: Duration) throws {
        let hours = Int64(retention.components.seconds / 3600)
        try database.write { db in
            guard let newest = try Int64.fetchOne(db, sql: "SELECT MAX(hour) FROM usage") else { return }
            try db.execute(sql: "DELETE FROM usage WHERE hour < ?", arguments: [newest - hours])
            try db.execute(sql: "DELETE FROM finding WHERE last_hour < ?", arguments: [newest - hours])
            try db.execute(sql: "DELETE FROM label_usage WHERE hour < ?", arguments: [newest - hours])
        }
    }

    // MARK: reading

    /// The `hours` up to and including the newest hour stored (span time: a
    /// replayed week reads like a live one); nil when the store is empty.
    public func period(lastHours hours: Int64) throws -> SummaryPeriod? {
        try database.read { db in
            guard let newest = try Int64.fetchOne(db, sql: "SELECT MAX(hour) FROM usage") else { return nil }
            return SummaryPeriod(fromHour: newest - max(1, hours) + 1, toHour: newest)
        }
    }

    static let totalsColumns = """
        SUM(calls) AS calls, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
        SUM(cache_read_tokens) AS cache_read_tokens, SUM(cost_usd) AS cost_usd, SUM(co2_grams) AS co2_grams,
        SUM(genuine_tokens) AS genuine_tokens, SUM(suspect_tokens) AS suspect_tokens, SUM(performative_tokens) AS performative_tokens,
        SUM(suspect_cost_usd) AS suspect_cost_usd, SUM(performative_cost_usd) AS performative_cost_usd,
        SUM(performative_calls) AS performative_calls, SUM(outcomes) AS outcomes, SUM(unpriced_calls) AS unpriced_calls
        """

    static func totals(_ row: Row) -> UsageTotals {
        var t = UsageTotals()
        t.calls = row["calls"] ?? 0
        t.inputTokens = row["input_tokens"] ?? 0
        t.outputTokens = row["output_tokens"] ?? 0
        t.cacheReadTokens = row["cache_read_tokens"] ?? 0
        t.costUSD = row["cost_usd"] ?? 0
        t.co2Grams = row["co2_grams"] ?? 0
        t.genuineTokens = row["genuine_tokens"] ?? 0
        t.suspectTokens = row["suspect_tokens"] ?? 0
        t.performativeTokens = row["performative_tokens"] ?? 0
        t.suspectCostUSD = row["suspect_cost_usd"] ?? 0
        t.performativeCostUSD = row["performative_cost_usd"] ?? 0
        t.performativeCalls = row["performative_calls"] ?? 0
        t.outcomes = row["outcomes"] ?? 0
        t.unpricedCalls = row["unpriced_calls"] ?? 0
        return t
    }

    public func principals(in period: SummaryPeriod, team: String? = nil, order: PrincipalOrder = .performativeShare,
                           limit: Int = 50, offset: Int = 0) throws -> [PrincipalSummary] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT principal, MAX(team) AS team, \(Self.totalsColumns) FROM usage
                WHERE hour BETWEEN ? AND ? AND (? IS NULL OR team = ?)
                GROUP BY principal ORDER BY \(order.sql), principal LIMIT ? OFFSET ?
                """, arguments: [period.fromHour, period.toHour, team, team, limit, offset])
            .map { PrincipalSummary(principal: $0["principal"], team: $0["team"], totals: Self.totals($0)) }
        }
    }

    public func principalCount(in period: SummaryPeriod, team: String? = nil) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT principal) FROM usage WHERE hour BETWEEN ? AND ? AND (? IS NULL OR team = ?)",
                             arguments: [period.fromHour, period.toHour, team, team]) ?? 0
        }
    }

    public func teams(in period: SummaryPeriod) throws -> [TeamSummary] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT team, COUNT(DISTINCT principal) AS principals, \(Self.totalsColumns) FROM usage
                WHERE hour BETWEEN ? AND ? GROUP BY team ORDER BY SUM(performative_tokens) DESC, team
                """, arguments: [period.fromHour, period.toHour])
            .map { TeamSummary(team: $0["team"], principals: $0["principals"], totals: Self.totals($0)) }
        }
    }

    public func totals(in period: SummaryPeriod, team: String? = nil, principal: String? = nil) throws -> UsageTotals {
        try database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.totalsColumns) FROM usage WHERE hour BETWEEN ? AND ? AND (? IS NULL OR team = ?) AND (? IS NULL OR principal = ?)
                """, arguments: [period.fromHour, period.toHour, team, team, principal, principal]).map(Self.totals) ?? UsageTotals()
        }
    }

    public func daily(in period: SummaryPeriod, team: String? = nil, principal: String? = nil) throws -> [DailyUsage] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT hour / 24 AS day, SUM(genuine_tokens) AS g, SUM(suspect_tokens) AS s, SUM(performative_tokens) AS p,
                    SUM(cost_usd) AS c, SUM(performative_cost_usd) AS pc FROM usage
                WHERE hour BETWEEN ? AND ? AND (? IS NULL OR team = ?) AND (? IS NULL OR principal = ?)
                GROUP BY hour / 24 ORDER BY day
                """, arguments: [period.fromHour, period.toHour, team, team, principal, principal])
            .map { row in
                let day: Int64 = row["day"]
                return DailyUsage(day: SummaryPeriod.day(day * 24), genuineTokens: row["g"], suspectTokens: row["s"],
                                  performativeTokens: row["p"], costUSD: row["c"], performativeCostUSD: row["pc"])
            }
        }
    }

    public func findings(in period: SummaryPeriod, team: String? = nil, principal: String? = nil, limit: Int = 50) throws -> [FindingSummary] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM finding WHERE last_hour >= ? AND first_hour <= ? AND (? IS NULL OR team = ?) AND (? IS NULL OR principal = ?)
                ORDER BY tokens DESC, principal, label LIMIT ?
                """, arguments: [period.fromHour, period.toHour, team, team, principal, principal, limit])
            .map { row in
                let examples: String = row["examples"]
                return FindingSummary(
                    principal: row["principal"], team: row["team"], label: row["label"],
                    firstSeen: SummaryPeriod.iso(row["first_hour"]), lastSeen: SummaryPeriod.iso((row["last_hour"] as Int64) + 1),
                    calls: row["calls"], tokens: row["tokens"], costUSD: row["cost_usd"], reason: row["reason"],
                    exampleTraceIDs: (try? JSONDecoder().decode([String].self, from: Data(examples.utf8))) ?? [])
            }
        }
    }

    public func unknownModels(in period: SummaryPeriod) throws -> [String: Int] {
        try database.read { db in
            var models: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT model, SUM(unpriced_calls) AS n FROM usage WHERE hour BETWEEN ? AND ? AND unpriced_calls > 0 GROUP BY model
                """, arguments: [period.fromHour, period.toHour]) {
                models[row["model"] as String == "" ? "(none)" : row["model"]] = row["n"]
            }
            return models
        }
    }

    /// Calls, tokens and cost per label in the period.
    public func labels(in period: SummaryPeriod, team: String? = nil, principal: String? = nil) throws -> [String: LabelTotals] {
        try database.read { db in
            var labels: [String: LabelTotals] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT label, SUM(calls) AS calls, SUM(tokens) AS tokens, SUM(cost_usd) AS cost FROM label_usage
                WHERE hour BETWEEN ? AND ? AND (? IS NULL OR team = ?) AND (? IS NULL OR principal = ?) GROUP BY label
                """, arguments: [period.fromHour, period.toHour, team, team, principal, principal]) {
                labels[row["label"]] = LabelTotals(calls: row["calls"], tokens: row["tokens"], costUSD: row["cost"])
            }
            return labels
        }
    }

    public func summary(in period: SummaryPeriod, team: String? = nil) throws -> OrgSummary {
        OrgSummary(
            from: period.from, to: period.to, totals: try totals(in: period, team: team),
            principals: try principalCount(in: period, team: team), daily: try daily(in: period, team: team),
            labels: try labels(in: period, team: team),
            topFindings: try findings(in: period, team: team, limit: 10), unknownModels: try unknownModels(in: period))
    }

    public func principal(_ id: String, in period: SummaryPeriod) throws -> PrincipalDetail? {
        let totals = try totals(in: period, principal: id)
        guard totals.calls > 0 else { return nil }
        let team = try database.read { db in
            try String.fetchOne(db, sql: "SELECT MAX(team) FROM usage WHERE principal = ?", arguments: [id])
        } ?? ""
        return PrincipalDetail(principal: id, team: team, totals: totals, daily: try daily(in: period, principal: id),
                               findings: try findings(in: period, principal: id))
    }
}
