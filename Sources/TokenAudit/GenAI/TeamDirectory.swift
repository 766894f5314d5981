import Foundation
import Synchronization
import Yams

/// Principal → team (and display name), from a CSV or YAML file, for
/// organisations whose telemetry does not carry a team attribute. Loaded at
/// start; `reload()` (on SIGHUP) swaps the contents in place, keeping the old
/// ones if the new file is broken.
final class TeamDirectory: Sendable {
    struct Entry: Sendable, Equatable {
        var team: String
        var displayName: String?
    }

    struct LoadError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "team directory \(path): \(reason)" }
    }

    let path: String
    private let entries: Mutex<[String: Entry]>

    init(path: String) throws {
        self.path = path
        entries = Mutex(try Self.load(path))
    }

    var count: Int { entries.withLock { $0.count } }

    func team(of principal: String) -> String? { entries.withLock { $0[principal]?.team } }
    func displayName(of principal: String) -> String? { entries.withLock { $0[principal]?.displayName } }

    /// Re-reads the file; on error the previous contents stay and the error is thrown.
    func reload() throws {
        let fresh = try Self.load(path)
        entries.withLock { $0 = fresh }
    }

    static func load(_ path: String) throws -> [String: Entry] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        if path.hasSuffix(".csv") { return try csv(text, path: path) }
        return try yaml(text, path: path)
    }

    /// `principal,team[,display_name]`, one per line; a header row naming
    /// `principal` is skipped; `#` starts a comment line.
    static func csv(_ text: String, path: String) throws -> [String: Entry] {
        var result: [String: Entry] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            if index == 0, fields.first?.lowercased() == "principal" { continue }
            guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw LoadError(path: path, reason: "line \(index + 1): expected principal,team[,display_name]")
            }
            result[fields[0]] = Entry(team: fields[1], displayName: fields.count > 2 && !fields[2].isEmpty ? fields[2] : nil)
        }
        return result
    }

    /// A mapping: `principal: team`, or `principal: {team: ..., name: ...}`.
    static func yaml(_ text: String, path: String) throws -> [String: Entry] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw LoadError(path: path, reason: "not valid YAML: \(error)")
        }
        guard case .mapping(let mapping)? = node else {
            throw LoadError(path: path, reason: "expected a mapping of principal to team")
        }
        var result: [String: Entry] = [:]
        for (key, value) in mapping {
            guard let principal = key.string else { continue }
            let line = key.mark?.line ?? 0
            switch value {
            case .scalar(let scalar):
                result[principal] = Entry(team: scalar.string, displayName: nil)
            case .mapping(let fields):
                guard let team = fields["team"]?.string else {
                    throw LoadError(path: path, reason: "line \(line): '\(principal)' has no team")
                }
                result[principal] = Entry(team: team, displayName: fields["name"]?.string)
            default:
                throw LoadError(path: path, reason: "line \(line): '\(principal)' must map to a team")
            }
        }
        return result
    }
}
