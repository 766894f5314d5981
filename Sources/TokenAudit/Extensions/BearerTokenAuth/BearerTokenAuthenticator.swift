import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Checks `Authorization` headers (or gRPC `authorization` metadata) against
/// the configured tokens and names the tenant a valid one belongs to.
///
/// Invariant: the credentials in use are always a complete, valid set: the
/// config's tokens plus the last tokens file that loaded without error. A
/// broken file is reported and the previous set kept, so a bad edit never
/// locks every client out.
public final class BearerTokenAuthenticator: Sendable {
    public let id: ComponentID
    let config: BearerTokenAuthConfig
    private let file: CredentialFile?
    private let state: Mutex<State>

    private struct State {
        var credentials: [(token: [UInt8], tenant: String)]
        var stamp: CredentialFile.Stamp?
    }

    /// Loads the tokens file, if any; throws when it cannot be used.
    public init(id: ComponentID, config: BearerTokenAuthConfig) throws {
        self.id = id
        self.config = config
        let file = config.filename.map(CredentialFile.init(path:))
        self.file = file
        let stamp = file?.stamp()
        let loaded = try file?.load() ?? []
        state = Mutex(State(credentials: Self.table(config.tokens + loaded), stamp: stamp))
    }

    /// How many tokens are accepted now.
    public var tokenCount: Int { state.withLock { $0.credentials.count } }

    public enum Rejection: Error, Equatable, Sendable {
        case missing
        case malformed
        case unknownToken

        /// Said to the client; never echoes what it sent.
        public var message: String {
            switch self {
            case .missing: "missing credentials: send 'Authorization: Bearer <token>'"
            case .malformed: "malformed Authorization header: expected 'Bearer <token>'"
            case .unknownToken: "the bearer token is not valid"
            }
        }
    }

    /// The tenant of the token in `authorization` (`Bearer <token>`; with
    /// `allowBasic`, also HTTP Basic with the token as password, which is
    /// what a browser can send to the dashboard).
    public func tenant(authorization: String?, allowBasic: Bool = false) -> Result<String, Rejection> {
        guard let authorization, !authorization.isEmpty else { return .failure(.missing) }
        guard let space = authorization.firstIndex(of: " ") else { return .failure(.malformed) }
        let scheme = authorization[..<space].lowercased()
        let credentials = authorization[authorization.index(after: space)...].trimmingCharacters(in: .whitespaces)
        let token: Substring
        switch scheme {
        case "bearer":
            token = Substring(credentials)
        case "basic" where allowBasic:
            guard let decoded = Data(base64Encoded: credentials).flatMap({ String(data: $0, encoding: .utf8) }),
                  let colon = decoded.firstIndex(of: ":")
            else { return .failure(.malformed) }
            token = decoded[decoded.index(after: colon)...]
        default:
            return .failure(.malformed)
        }
        guard !token.isEmpty else { return .failure(.malformed) }
        return match(Array(token.utf8)).map { .success($0) } ?? .failure(.unknownToken)
    }

    /// Compares the presented token with every accepted one in time that
    /// depends only on the lengths, so response times say nothing about how
    /// much of a guess was right.
    private func match(_ presented: [UInt8]) -> String? {
        state.withLock { state in
            var found: String?
            for credential in state.credentials where Self.constantTimeEqual(credential.token, presented) {
                found = credential.tenant
            }
            return found
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    private static func table(_ credentials: [BearerTokenAuthConfig.Credential]) -> [(token: [UInt8], tenant: String)] {
        credentials.map { (Array($0.token.utf8), $0.tenant) }
    }

    /// Re-reads the tokens file when it changed since the last load. Returns
    /// the new token count, nil when nothing changed; throws (keeping the
    /// current tokens) when the changed file cannot be used.
    @discardableResult
    public func reloadIfChanged() throws -> Int? {
        guard let file else { return nil }
        let stamp = file.stamp()
        guard stamp != state.withLock({ $0.stamp }) else { return nil }
        do {
            let loaded = try file.load()
            let table = Self.table(config.tokens + loaded)
            state.withLock { $0 = State(credentials: table, stamp: stamp) }
            return table.count
        } catch {
            // Remember the broken version so it is reported once, not every poll.
            state.withLock { $0.stamp = stamp }
            throw error
        }
    }
}

/// Polls each authenticator's tokens file and swaps in a changed one.
struct CredentialReloader: Service {
    let authenticators: [BearerTokenAuthenticator]
    let logger: Logger

    func run() async throws {
        let watched = authenticators.filter { $0.config.filename != nil }
        guard let interval = watched.map(\.config.reloadInterval).min() else { return }
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                reload(watched)
            }
        }
    }

    private func reload(_ watched: [BearerTokenAuthenticator]) {
        for authenticator in watched {
            do {
                if let count = try authenticator.reloadIfChanged() {
                    logger.info("tokens file reloaded", metadata: [
                        "extension": "\(authenticator.id)", "tokens": "\(count)",
                    ])
                }
            } catch {
                logger.error("tokens file not reloaded; keeping the previous tokens", metadata: [
                    "extension": "\(authenticator.id)", "error": "\(error)",
                ])
            }
        }
    }
}
