import Dispatch
import Foundation
import Synchronization

/// Runs a program to completion off Swift's cooperative thread pool (see `BlockingCall`).
///
/// The daemons under test run in this process on that pool (one thread per
/// core): a test that blocked a pool thread waiting for a child process that
/// talks to the in-process daemon could starve the daemon it waits for.
enum Subprocess {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Stdout and stderr are captured separately unless `mergeErrors`.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    mergeErrors: Bool = true) async throws -> Result {
        try await BlockingCall.run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if let environment {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            }
            let out = Pipe()
            let err = mergeErrors ? out : Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            // Drain stderr on its own thread so a chatty child never blocks on a full pipe.
            let errors = Mutex(Data())
            let drained = DispatchSemaphore(value: 0)
            if !mergeErrors {
                Thread {
                    let data = err.fileHandleForReading.readDataToEndOfFile()
                    errors.withLock { $0 = data }
                    drained.signal()
                }.start()
            }
            let output = out.fileHandleForReading.readDataToEndOfFile()
            if !mergeErrors { drained.wait() }
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                errors: String(decoding: errors.withLock { $0 }, as: UTF8.self))
        }
    }

    /// The first line a long-running child prints (its port), read off the pool.
    static func firstLine(of pipe: Pipe) async -> String? {
        await BlockingCall.run {
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            return String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init)
        }
    }
}
