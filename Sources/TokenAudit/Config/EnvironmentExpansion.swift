import Foundation

/// `${env:NAME}` (and the older `${NAME}`) in configuration strings, as the
/// Collector expands them, so secrets such as tokens and exporter headers
/// stay out of the file. `$$` is a literal `$`.
///
/// Unlike the Collector, a variable that is not set is an error naming it: an
/// empty bearer token or header is never what the user meant.
struct EnvironmentExpansion {
    var environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    enum Failure: Error, Equatable {
        case unset(String)
        case unterminated
    }

    /// `text` with every reference replaced.
    func expand(_ text: String) throws(Failure) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest.index(after: dollar)
            if after < rest.endIndex, rest[after] == "$" {
                out += "$"
                rest = rest[rest.index(after: after)...]
            } else if after < rest.endIndex, rest[after] == "{" {
                guard let close = rest[after...].firstIndex(of: "}") else { throw .unterminated }
                var name = rest[rest.index(after: after)..<close]
                if name.hasPrefix("env:") { name = name.dropFirst(4) }
                guard let value = environment[String(name)] else { throw .unset(String(name)) }
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out += "$"
                rest = rest[after...]
            }
        }
        return out + rest
    }
}
