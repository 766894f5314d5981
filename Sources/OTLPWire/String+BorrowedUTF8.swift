extension String {
    /// Calls `body` with the string's UTF-8 bytes where they lie. The usual
    /// `var copy = s; copy.withUTF8` retains and releases the string, which on
    /// the enrichment and hashing paths happened several times per span.
    /// Native and small strings are always contiguous; the copy is only the
    /// fallback for those that are not.
    @inlinable @inline(__always)  // as a call, the string is retained around it, which is what this avoids
    public func withBorrowedUTF8<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) { return result }
        var copy = self
        return try copy.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}
