import Logging

extension Logger {
    /// A copy carrying one more metadata entry (a `let`, so closures may capture it).
    func with(metadata key: String, _ value: Logger.MetadataValue) -> Logger {
        var copy = self
        copy[metadataKey: key] = value
        return copy
    }
}
