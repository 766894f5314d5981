import Foundation

/// Memory figures of a process from `/proc/<pid>/status` (Linux): shared by
/// the soak run (the daemon's) and the benchmarks (their own).
public enum ProcessMemory {
    /// `VmRSS` (resident now) or `VmHWM` (peak resident).
    public enum Figure: String, Sendable {
        case resident = "VmRSS"
        case peakResident = "VmHWM"
    }

    /// The figure in bytes for `pid` (this process when nil); nil when it
    /// cannot be read.
    public static func bytes(_ figure: Figure, of pid: Int32? = nil) -> Int? {
        let path = "/proc/\(pid.map(String.init) ?? "self")/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(figure.rawValue + ":") }),
              let kib = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kib * 1024
    }
}
