import Yams

/// Reads one YAML mapping of a configuration: typed accessors record which
/// keys were consumed, and `finish()` reports every key nobody read as
/// unknown, with its line. Wrong types and bad values are reported, and the
/// default is used so that reading carries on and finds every problem.
struct ConfigMapping {
    let path: String
    let line: Int?
    private let entries: [(key: String, value: Node, line: Int?)]
    let diagnostics: ConfigDiagnostics
    private var consumed: Set<String> = []

    init(_ node: Node?, path: String, diagnostics: ConfigDiagnostics) {
        self.path = path
        self.diagnostics = diagnostics
        self.line = node?.mark?.line
        var entries: [(String, Node, Int?)] = []
        switch node {
        case .mapping(let mapping)?:
            for (key, value) in mapping {
                entries.append((key.string ?? "\(key)", value, key.mark?.line))
            }
        case nil:
            break
        case .scalar(let scalar)? where scalar.string.isEmpty || scalar.tag == .init(.null):
            break  // `key:` with nothing after it is an empty mapping
        case let other?:
            diagnostics.report(path, line: other.mark?.line, "expected a mapping")
        }
        self.entries = entries
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var keys: [String] { entries.map(\.key) }

    func report(_ key: String, _ message: String) {
        diagnostics.report(child(key), line: lineOf(key) ?? line, message)
    }

    func lineOf(_ key: String) -> Int? { entries.first { $0.key == key }?.line }

    mutating func node(_ key: String) -> Node? {
        consumed.insert(key)
        return entries.first { $0.key == key }?.value
    }

    mutating func mapping(_ key: String) -> ConfigMapping {
        ConfigMapping(node(key), path: child(key), diagnostics: diagnostics)
    }

    /// Whether `key` is present (without consuming it).
    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    mutating func string(_ key: String, default value: String) -> String {
        guard let node = node(key) else { return value }
        guard case .scalar(let scalar) = node else {
            report(key, "expected a string")
            return value
        }
        return expanded(scalar.string, at: child(key), line: lineOf(key))
    }

    /// `text` with `${env:NAME}` references replaced; a problem is reported
    /// and the text kept.
    private func expanded(_ text: String, at path: String, line: Int?) -> String {
        do {
            return try EnvironmentExpansion().expand(text)
        } catch {
            switch error {
            case .unset(let name):
                diagnostics.report(path, line: line, "environment variable '\(name)' is not set")
            case .unterminated:
                diagnostics.report(path, line: line, "'${' without a closing '}' (write '$$' for a literal '$')")
            }
            return text
        }
    }

    mutating func bool(_ key: String, default value: Bool) -> Bool {
        guard let node = node(key) else { return value }
        guard let b = node.bool else {
            report(key, "expected true or false, found '\(node.string ?? "?")'")
            return value
        }
        return b
    }

    mutating func int(_ key: String, default value: Int, range: ClosedRange<Int>) -> Int {
        guard let node = node(key) else { return value }
        guard let i = node.int else {
            report(key, "expected an integer, found '\(node.string ?? "?")'")
            return value
        }
        guard range.contains(i) else {
            report(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(i)")
            return value
        }
        return i
    }

    mutating func double(_ key: String, default value: Double, range: ClosedRange<Double>) -> Double {
        guard let node = node(key) else { return value }
        guard let d = node.float ?? node.int.map(Double.init) else {
            report(key, "expected a number, found '\(node.string ?? "?")'")
            return value
        }
        guard range.contains(d) else {
            report(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(d)")
            return value
        }
        return d
    }

    mutating func duration(_ key: String, default value: Duration) -> Duration {
        guard let node = node(key) else { return value }
        guard let text = node.string, let d = ConfigValues.duration(text) else {
            report(key, "expected a duration such as 500ms, 2s, 5m or 1h, found '\(node.string ?? "?")'")
            return value
        }
        return d
    }

    mutating func stringList(_ key: String, default value: [String]) -> [String] {
        guard let node = node(key) else { return value }
        guard case .sequence(let sequence) = node else {
            report(key, "expected a list of strings")
            return value
        }
        var out: [String] = []
        for (index, item) in sequence.enumerated() {
            guard case .scalar(let scalar) = item else {
                diagnostics.report("\(child(key))[\(index)]", line: item.mark?.line, "expected a string")
                continue
            }
            out.append(expanded(scalar.string, at: "\(child(key))[\(index)]", line: item.mark?.line))
        }
        return out
    }

    mutating func stringMap(_ key: String) -> [String: String] {
        var map = mapping(key)
        var out: [String: String] = [:]
        for k in map.keys { out[k] = map.string(k, default: "") }
        map.finish()
        return out
    }

    mutating func endpoint(_ key: String, default value: Endpoint) -> Endpoint {
        guard let node = node(key) else { return value }
        guard let text = node.string, let endpoint = Endpoint(text) else {
            report(key, "expected host:port (e.g. 127.0.0.1:4318), found '\(node.string ?? "?")'")
            return value
        }
        return endpoint
    }

    /// Reports every key that no accessor read.
    func finish() {
        for entry in entries where !consumed.contains(entry.key) {
            diagnostics.report(child(entry.key), line: entry.line, "unknown key '\(entry.key)'")
        }
    }
}
