/// `extensions.bearertokenauth[/name]`: the bearer tokens a receiver or the
/// admin endpoint accepts, each naming the tenant it belongs to. Tokens come
/// from the config (`tokens`, usually as `${env:…}`), from a file
/// (`filename`, re-read when it changes), or both.
///
/// ```yaml
/// extensions:
///   bearertokenauth:
///     tokens:
///       - { tenant: payments, token: "${env:PAYMENTS_OTLP_TOKEN}" }
///     filename: /etc/tokenaudit/tokens   # "<tenant> <token>" per line
/// ```
public struct BearerTokenAuthConfig: Sendable, Equatable {
    public struct Credential: Sendable, Equatable {
        public var tenant: String
        public var token: String

        public init(tenant: String, token: String) {
            self.tenant = tenant
            self.token = token
        }
    }

    public var tokens: [Credential] = []
    public var filename: String?
    /// How often the file's modification time and size are checked.
    public var reloadInterval: Duration = .seconds(5)

    /// Shorter tokens are refused: they can be guessed.
    static let minimumTokenLength = 16

    public init(tokens: [Credential] = [], filename: String? = nil) {
        self.tokens = tokens
        self.filename = filename
    }

    init(_ m: inout ConfigMapping) {
        if let node = m.node("tokens") {
            if case .sequence(let items) = node {
                for (index, item) in items.enumerated() {
                    var entry = ConfigMapping(item, path: m.child("tokens[\(index)]"), diagnostics: m.diagnostics)
                    let credential = Credential(tenant: entry.string("tenant", default: ""), token: entry.string("token", default: ""))
                    if let problem = Self.problem(with: credential) { entry.report("", problem) }
                    entry.finish()
                    tokens.append(credential)
                }
            } else {
                m.report("tokens", "expected a list of {tenant, token}")
            }
        }
        if m.has("filename") { filename = m.string("filename", default: "") }
        reloadInterval = m.duration("reload_interval", default: reloadInterval)
        if reloadInterval < .milliseconds(10) { m.report("reload_interval", "must be at least 10ms") }
        if tokens.isEmpty, filename == nil { m.report("", "needs tokens, a filename, or both") }
    }

    /// Why a credential cannot be used, or nil.
    static func problem(with credential: Credential) -> String? {
        if credential.tenant.isEmpty || credential.tenant.contains(where: { $0.isWhitespace }) {
            return "tenant must be a non-empty name without spaces"
        }
        if credential.token.utf8.count < minimumTokenLength {
            return "token for tenant '\(credential.tenant)' is shorter than \(minimumTokenLength) characters"
        }
        if !credential.token.utf8.allSatisfy(isToken68) {
            return "token for tenant '\(credential.tenant)' has characters a bearer token cannot carry (allowed: letters, digits, - . _ ~ + / =)"
        }
        return nil
    }

    /// RFC 6750 `b64token` characters.
    static func isToken68(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }
}
