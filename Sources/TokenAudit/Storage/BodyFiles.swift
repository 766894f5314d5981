#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The bodies of large queued batches, one file per row of the queue file:
/// `<folder>/<row id>`.
///
/// A body stored as a SQLite blob is written twice (a frame of the
/// write-ahead log, then the checkpoint's copy into the main file) and then
/// written back to the disk by the kernel, although a flowing queue deletes
/// it a few milliseconds later. A file is written once, from the request's
/// own bytes, and a file unlinked before the kernel writes it back never
/// reaches the disk at all.
///
/// Invariant: a file exists for every row that names one, written (and
/// synced, when asked) before that row commits; files without a row are
/// leftovers of a commit that failed or of a crash between a row's delete
/// and its file's unlink, and `sweep` removes them. A file whose id is
/// reused by a later row is truncated and rewritten, never appended to.
///
/// Every call blocks on the file system: callers run them on the store's
/// serial writer queue, never on the cooperative pool.
struct BodyFiles: Sendable {
    /// A failed file operation, with what was attempted, where, and why.
    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var path: String
        var code: Int32
        /// The file is gone or has the wrong size: trying again cannot help.
        var isLoss = false
        /// Why, when it is not `code`'s system message.
        var reason: String?

        var description: String { "could not \(operation) \(path): \(reason ?? String(cString: strerror(code)))" }
    }

    let folder: String

    /// Opens (creating when needed) the folder of bodies.
    init(folder: String) throws {
        self.folder = folder
        if mkdir(folder, 0o700) != 0, errno != EEXIST {
            throw Failure(operation: "create the folder", path: folder, code: errno)
        }
    }

    func path(of id: Int64) -> String { "\(folder)/\(id)" }

    /// Writes `body` as the file of row `id`, replacing any leftover of that
    /// id; with `sync`, returns only once the bytes are on the disk.
    func save(_ body: ByteBuffer, id: Int64, sync: Bool) throws {
        let path = path(of: id)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(operation: "create", path: path, code: errno) }
        defer { close(descriptor) }
        try body.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(operation: "write", path: path, code: errno)
                }
                // No progress and no error: stop rather than spin.
                guard written > 0 else { throw Failure(operation: "write", path: path, code: EIO, reason: "the write made no progress") }
                offset += written
            }
        }
        if sync, fsync(descriptor) != 0 { throw Failure(operation: "sync", path: path, code: errno) }
    }

    /// The body of row `id`, which must be `count` bytes long: a shorter or
    /// longer file is damage, reported rather than handed on.
    func load(_ id: Int64, count: Int) throws -> ByteBuffer {
        let path = path(of: id)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: path, code: errno, isLoss: errno == ENOENT) }
        defer { close(descriptor) }
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        var atEnd = false
        while !atEnd {
            // One byte past `count` is asked for, so a longer file shows.
            let wanted = count + 1 - buffer.readableBytes
            try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1) { room in
                let got = read(descriptor, room.baseAddress, min(room.count, wanted))
                if got < 0 {
                    if errno == EINTR { return 0 }
                    throw Failure(operation: "read", path: path, code: errno)
                }
                atEnd = got == 0
                return got
            }
            if buffer.readableBytes > count { break }
        }
        guard buffer.readableBytes == count else {
            let found = buffer.readableBytes > count ? "more than \(count) bytes" : "\(buffer.readableBytes) bytes, not \(count)"
            throw Failure(operation: "read", path: path, code: EIO, isLoss: true, reason: "it holds \(found)")
        }
        return buffer
    }

    /// Removes the file of row `id`; one already gone is not an error.
    func remove(_ id: Int64) {
        unlink(path(of: id))
    }

    /// Makes the folder's entries (files created or removed) survive a power loss.
    func syncFolder() throws {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: folder, code: errno) }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 { throw Failure(operation: "sync", path: folder, code: errno) }
    }

    /// Removes every file whose id is not in `kept` (and anything else that
    /// is not a body); returns how many were removed.
    @discardableResult
    func sweep(keeping kept: Set<Int64>) throws -> Int {
        guard let directory = opendir(folder) else { throw Failure(operation: "list", path: folder, code: errno) }
        defer { closedir(directory) }
        var removed = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            if let id = Int64(name), kept.contains(id) { continue }
            unlink("\(folder)/\(name)")
            removed += 1
        }
        return removed
    }
}
