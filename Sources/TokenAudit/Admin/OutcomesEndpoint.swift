import Foundation
import Hummingbird
import OTLPWire

/// `POST /api/v1/outcomes`: what a call produced (a commit, a merged PR, a
/// closed ticket, an accepted answer), linked by trace id, response id or
/// conversation id. One JSON object or an array of them:
///
///     {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "outcome": "commit", "time": "2026-11-22T10:00:00Z"}
///
/// Answers 202 with the number recorded, or 400 naming the first problem
/// (nothing of a request with a problem is recorded).
struct OutcomesEndpoint: Sendable {
    static let maxBodyBytes = 1 << 20
    static let maxOutcomes = 10_000

    struct Report: Decodable {
        var traceID: String?
        var responseID: String?
        var conversationID: String?
        var outcome: String?
        var time: String?

        enum CodingKeys: String, CodingKey {
            case traceID = "trace_id", responseID = "response_id", conversationID = "conversation_id", outcome, time
        }
    }

    struct Problem: Error {
        var message: String
    }

    let outcomes: OutcomeIndex

    func respond(to request: Request) async throws -> Response {
        guard request.method == .post else {
            return Response(status: .methodNotAllowed, headers: [.allow: "POST"])
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            return AdminJSON.error(.contentTooLarge, "the body exceeds \(Self.maxBodyBytes) bytes")
        }
        do {
            let links = try Self.parse(Data(body.readableBytesView))
            for (link, outcome) in links { outcomes.record(outcome, for: link) }
            return AdminJSON.response(.accepted, ["recorded": links.count])
        } catch let problem as Problem {
            return AdminJSON.error(.badRequest, problem.message)
        }
    }

    /// Every (link, outcome) of a request body, or the first problem.
    static func parse(_ data: Data) throws -> [(OutcomeIndex.Link, OutcomeIndex.Outcome)] {
        let reports: [Report]
        do {
            if data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "[") {
                reports = try JSONDecoder().decode([Report].self, from: data)
            } else {
                reports = [try JSONDecoder().decode(Report.self, from: data)]
            }
        } catch {
            throw Problem(message: "expected a JSON object or array of objects with trace_id, response_id or conversation_id and outcome")
        }
        guard reports.count <= maxOutcomes else { throw Problem(message: "at most \(maxOutcomes) outcomes per request") }
        var links: [(OutcomeIndex.Link, OutcomeIndex.Outcome)] = []
        for (index, report) in reports.enumerated() {
            let at = reports.count > 1 ? "outcome \(index): " : ""
            guard let kind = report.outcome, (1...64).contains(kind.utf8.count),
                  kind.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
                      || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { throw Problem(message: at + "'outcome' must be 1-64 characters of a-z, 0-9, '_', '-' or '.' (commit, pr_merged, ticket_closed, accepted, ...)") }
            var time = UInt64(Date().timeIntervalSince1970 * 1e9)
            if let text = report.time {
                guard let date = ISO8601DateFormatter().date(from: text) else {
                    throw Problem(message: at + "'time' must be an RFC 3339 timestamp such as 2026-11-22T10:00:00Z")
                }
                time = UInt64(max(0, date.timeIntervalSince1970) * 1e9)
            }
            let outcome = OutcomeIndex.Outcome(kind: kind, timeUnixNano: time)
            var found = false
            if let hex = report.traceID {
                guard let id = HexCoding.decode(hex), id.count == 16 else {
                    throw Problem(message: at + "'trace_id' must be 32 hex digits")
                }
                links.append((.trace(id), outcome))
                found = true
            }
            if let id = report.responseID, !id.isEmpty {
                links.append((.response(id), outcome))
                found = true
            }
            if let id = report.conversationID, !id.isEmpty {
                links.append((.conversation(id), outcome))
                found = true
            }
            guard found else { throw Problem(message: at + "name the call with trace_id, response_id or conversation_id") }
        }
        return links
    }
}

/// JSON answers of the admin endpoint.
enum AdminJSON {
    static func response(_ status: HTTPResponse.Status, _ body: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        response(status, ["error": message])
    }
}
