import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to a file and rotates it at a size limit: `x.jsonl` is
/// renamed to `x-1.jsonl` (older backups shift up, the oldest is removed).
///
/// Owned by one exporter task, which calls it from a thread pool because the
/// writes block; the descriptor sits behind a lock only so the type is
/// honestly `Sendable` (the lock is never contended).
final class RotatingFileWriter: Sendable {
    let path: String
    let maxBytes: Int
    let maxBackups: Int
    private struct State: ~Copyable {
        var fd: Int32 = -1
        var size = 0
    }
    private let state = Mutex(State())

    struct IOError: Error, CustomStringConvertible {
        var operation: String
        var path: String
        var code: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    init(path: String, maxBytes: Int, maxBackups: Int) throws {
        self.path = path
        self.maxBytes = maxBytes
        self.maxBackups = maxBackups
        try Self.createParentDirectories(of: path)
        try state.withLock { try open(&$0) }
    }

    deinit {
        close()
    }

    private func open(_ s: inout State) throws {
        s.fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard s.fd >= 0 else { throw IOError(operation: "open", path: path, code: errno) }
        var info = stat()
        s.size = fstat(s.fd, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Writes `bytes` whole, rotating first when they would push the file past the limit.
    func write(_ bytes: [UInt8]) throws {
        try state.withLock { s in
            if maxBytes > 0, s.size > 0, s.size + bytes.count > maxBytes { try rotate(&s) }
            guard s.fd >= 0 else { throw IOError(operation: "write", path: path, code: EBADF) }
            var offset = 0
            try bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                while offset < raw.count {
                    let n = Glibc.write(s.fd, base + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw IOError(operation: "write", path: path, code: errno)
                    }
                    offset += n
                }
            }
            s.size += bytes.count
        }
    }

    /// Flushes to stable storage and closes.
    func close() {
        state.withLock { close(&$0) }
    }

    private func close(_ s: inout State) {
        guard s.fd >= 0 else { return }
        fsync(s.fd)
        Glibc.close(s.fd)
        s.fd = -1
    }

    func backupPath(_ index: Int) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        if let dot = path[slash...].lastIndex(of: "."), dot != slash {
            return "\(path[..<dot])-\(index)\(path[dot...])"
        }
        return "\(path)-\(index)"
    }

    private func rotate(_ s: inout State) throws {
        close(&s)
        if maxBackups == 0 {
            unlink(path)
        } else {
            unlink(backupPath(maxBackups))
            for index in stride(from: maxBackups - 1, through: 1, by: -1) {
                rename(backupPath(index), backupPath(index + 1))
            }
            guard rename(path, backupPath(1)) == 0 else { throw IOError(operation: "rotate", path: path, code: errno) }
        }
        try open(&s)
    }

    static func createParentDirectories(of path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        var current = ""
        for component in path[..<slash].split(separator: "/", omittingEmptySubsequences: false) {
            current += (current.isEmpty && component.isEmpty) ? "/" : (current.isEmpty || current == "/" ? "" : "/") + component
            if current.isEmpty || current == "/" || current == "." { continue }
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw IOError(operation: "mkdir", path: current, code: errno)
            }
        }
    }
}
