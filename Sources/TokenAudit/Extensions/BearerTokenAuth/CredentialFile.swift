import Foundation

/// The tokens file of `bearertokenauth`: one `<tenant> <token>` per line,
/// `#` starts a comment. A tenant may have several tokens (rotation: add the
/// new one, move clients, remove the old one).
struct CredentialFile: Sendable {
    struct Stamp: Equatable, Sendable {
        var modified: Date
        var size: Int
        var inode: Int
    }

    struct LoadError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "tokens file \(path): \(reason)" }
    }

    let path: String

    /// What identifies this version of the file without reading it (an
    /// editor's atomic rename changes the inode even within one second).
    func stamp() -> Stamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return Stamp(
            modified: attributes[.modificationDate] as? Date ?? .distantPast,
            size: (attributes[.size] as? NSNumber)?.intValue ?? -1,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? -1)
    }

    func load() throws(LoadError) -> [BearerTokenAuthConfig.Credential] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try Self.parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(LoadError) -> [BearerTokenAuthConfig.Credential] {
        var credentials: [BearerTokenAuthConfig.Credential] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else {
                throw LoadError(path: path, reason: "line \(index + 1): expected '<tenant> <token>'")
            }
            let credential = BearerTokenAuthConfig.Credential(tenant: String(fields[0]), token: String(fields[1]))
            if let problem = BearerTokenAuthConfig.problem(with: credential) {
                throw LoadError(path: path, reason: "line \(index + 1): \(problem)")
            }
            credentials.append(credential)
        }
        return credentials
    }
}
