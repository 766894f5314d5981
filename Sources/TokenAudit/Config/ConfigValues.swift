/// Value syntaxes shared by the configuration: durations and endpoints, in
/// the Collector's spelling.
enum ConfigValues {
    /// `250ms`, `2s`, `1.5s`, `5m`, `1h`, `0` (Go duration units we accept).
    static func duration(_ text: String) -> Duration? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "0" { return .zero }
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, seconds) in units where s.hasSuffix(suffix) {
            guard let number = Double(s.dropLast(suffix.count)), number >= 0, number.isFinite else { return nil }
            return .nanoseconds(Int64(number * seconds * 1e9))
        }
        return nil
    }
}

/// A listening or connecting address, `host:port` (IPv6 as `[::1]:4318`).
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard let colon = s.lastIndex(of: ":") else { return nil }
        var host = String(s[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var isLoopback: Bool { host == "localhost" || host.hasPrefix("127.") || host == "::1" }
}

extension Duration {
    /// Seconds as a Double, for backoff arithmetic and headers.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

import Foundation
