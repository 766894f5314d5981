extension String {
    /// `lowercased()`, skipping its Unicode machinery when nothing needs
    /// lowering: provider and operation names arrive lower-case already, on
    /// every LLM span.
    var lowercasedWhenNeeded: String {
        // Over the contiguous bytes: `utf8.contains` went through the generic
        // iterator, ~20 instructions a byte.
        let needsLowering = utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { (0x41...0x5A).contains($0) || $0 >= 0x80 }
        } ?? true
        return needsLowering ? lowercased() : self
    }
}
