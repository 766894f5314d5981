import Foundation
import Synchronization

/// The real `tokenaudit` executable, started as a child process.
final class DaemonProcess: Sendable {
    let process: Process
    private final class Output: Sendable {
        let text = Mutex<String>("")
    }
    private let output = Output()

    /// The built executable beside the test binary (`swift build --build-tests`
    /// builds both into the same folder).
    static var executable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tokenaudit")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(".build/debug/tokenaudit")
    }

    init(_ arguments: [String], directory: String) throws {
        process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else { return }
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var log: String { output.text.withLock { $0 } }

    /// Waits (polling, bounded) until the log matches `pattern`; returns the first capture group.
    func waitForLog(_ pattern: String, attempts: Int = 600) async throws -> String? {
        let regex = try NSRegularExpression(pattern: pattern)
        for _ in 0..<attempts {
            let text = log
            if let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) {
                if match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text) { return String(text[range]) }
                return ""
            }
            if !process.isRunning { return nil }
            try await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for exit (bounded) and returns the exit status.
    func waitForExit(attempts: Int = 2400) async throws -> Int32? {
        for _ in 0..<attempts where process.isRunning {
            try await Task.sleep(for: .milliseconds(25))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// A daemon a test left running (a failed expectation) must not outlive it.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
