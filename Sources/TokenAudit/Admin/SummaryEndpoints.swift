import Foundation
import Hummingbird
import HummingbirdCore

/// The read side of the summaries on the admin endpoint: the JSON API
/// (`/api/v1/summary`, `/principals`, `/principals/{id}`, `/teams`,
/// `/findings`; see `openapi.yaml`) and the dashboard pages (`/`,
/// `/principals/{id}`, `/teams`). Periods are the last `since` of span time
/// (default 7d) up to the newest data.
struct SummaryEndpoints: Sendable {
    let store: SummaryStore
    /// Writes pending verdicts first, so a page shows what was just judged.
    let flush: @Sendable () -> Void

    struct Query {
        var sinceHours: Int64 = 7 * 24
        var sinceText = "7d"
        var team: String?
        var principal: String?
        var order = PrincipalOrder.performativeShare
        var limit = 50
        var offset = 0
    }

    struct Problem: Error {
        var message: String
    }

    static func query(_ uri: URI) throws -> Query {
        var q = Query()
        let parameters = uri.queryParameters
        if let since = parameters["since"].map(String.init) {
            guard let hours = SummaryPeriod.hours(in: since) else {
                throw Problem(message: "'since' must be a duration of at least 1h, such as 24h, 7d or 30d")
            }
            q.sinceHours = hours
            q.sinceText = since
        }
        q.team = parameters["team"].map(String.init)
        q.principal = parameters["principal"].map(String.init)
        if let sort = parameters["sort"].map(String.init) {
            guard let order = PrincipalOrder(rawValue: sort) else {
                throw Problem(message: "'sort' must be one of \(PrincipalOrder.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            q.order = order
        }
        if let limit = parameters["limit"] {
            guard let n = Int(limit), (1...1000).contains(n) else { throw Problem(message: "'limit' must be between 1 and 1000") }
            q.limit = n
        }
        if let offset = parameters["offset"] {
            guard let n = Int(offset), n >= 0 else { throw Problem(message: "'offset' must be 0 or more") }
            q.offset = n
        }
        return q
    }

    /// Answers `path` if it is one of ours, else nil.
    func respond(to request: Request, path: String) throws -> Response? {
        let isAPI = path.hasPrefix("/api/v1/")
        guard path == "/" || path == "/teams" || path.hasPrefix("/principals/") || isAPI else { return nil }
        guard request.method == .get || request.method == .head else {
            return Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD"])
        }
        let q: Query
        do {
            q = try Self.query(request.uri)
        } catch let problem as Problem {
            return AdminJSON.error(.badRequest, problem.message)
        }
        flush()
        guard let period = try store.period(lastHours: q.sinceHours) else {
            return isAPI ? AdminJSON.error(.notFound, "no data yet: no LLM call has been judged") : html(Dashboard.empty())
        }
        switch path {
        case "/":
            return html(Dashboard.organisation(try store.summary(in: period), principals: try store.principals(in: period, limit: q.limit),
                                               period: "last \(q.sinceText)"))
        case "/teams":
            return html(Dashboard.teams(try store.teams(in: period)))
        case "/api/v1/summary":
            return AdminJSON.response(.ok, try store.summary(in: period, team: q.team))
        case "/api/v1/principals":
            struct Page: Encodable {
                var from: String, to: String, total: Int, offset: Int, limit: Int, sort: String
                var principals: [PrincipalSummary]
            }
            return AdminJSON.response(.ok, Page(
                from: period.from, to: period.to, total: try store.principalCount(in: period, team: q.team), offset: q.offset,
                limit: q.limit, sort: q.order.rawValue,
                principals: try store.principals(in: period, team: q.team, order: q.order, limit: q.limit, offset: q.offset)))
        case "/api/v1/teams":
            return AdminJSON.response(.ok, ["teams": try store.teams(in: period)])
        case "/api/v1/findings":
            return AdminJSON.response(.ok, ["findings": try store.findings(in: period, team: q.team, principal: q.principal, limit: q.limit)])
        default:
            let prefix = isAPI ? "/api/v1/principals/" : "/principals/"
            guard path.hasPrefix(prefix), let id = String(path.dropFirst(prefix.count)).removingPercentEncoding, !id.isEmpty else {
                return isAPI ? AdminJSON.error(.notFound, "no such API: \(path)") : nil
            }
            guard let detail = try store.principal(id, in: period) else {
                return isAPI ? AdminJSON.error(.notFound, "no calls from principal '\(id)' in the period")
                    : html(Dashboard.page(title: "Not found", body: "<h1>Not found</h1><p>No calls from \(HTML.escape(id)) in the period.</p>"), status: .notFound)
            }
            return isAPI ? AdminJSON.response(.ok, detail) : html(Dashboard.principal(detail))
        }
    }

    private func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
