import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The daemon under soak, as a child process whose exit can be awaited
/// without blocking a thread.
final class DaemonChild: Sendable {
    private final class ExitState: Sendable {
        let state = Mutex<(status: Int32?, waiting: [CheckedContinuation<Int32, Never>])>((nil, []))
    }

    private let process: Process
    private let exit = ExitState()

    init(executable: String, arguments: [String], log: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        let exit = self.exit
        process.terminationHandler = { process in
            let waiting = exit.state.withLock { state -> [CheckedContinuation<Int32, Never>] in
                state.status = process.terminationStatus
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume(returning: process.terminationStatus) }
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { exit.state.withLock { $0.status == nil } }

    func terminate() { Glibc.kill(pid, SIGTERM) }
    func kill() { Glibc.kill(pid, SIGKILL) }

    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done = exit.state.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiting.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
