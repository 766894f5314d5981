/// One problem in a configuration file, located by key path and line.
public struct ConfigIssue: Hashable, Sendable, CustomStringConvertible {
    /// Dotted key path, e.g. `exporters.otlp_http.retry_on_failure.max_interval`.
    public var path: String
    /// 1-based line in the file, when known.
    public var line: Int?
    public var message: String

    public var description: String {
        let location = line.map { "line \($0): " } ?? ""
        return path.isEmpty ? "\(location)\(message)" : "\(location)\(path): \(message)"
    }
}

/// Every problem found in a configuration, reported together so that one run
/// of `tokenaudit validate` shows them all.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var issues: [ConfigIssue]

    public var description: String {
        "invalid configuration \(source):\n" + issues.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Collects issues while a configuration is read.
final class ConfigDiagnostics {
    private(set) var issues: [ConfigIssue] = []

    func report(_ path: String, line: Int?, _ message: String) {
        issues.append(ConfigIssue(path: path, line: line, message: message))
    }
}
