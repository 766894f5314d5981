import OTLPWire

extension String {
    /// `lowercased()`, skipping its Unicode machinery when nothing needs
    /// lowering: provider and operation names arrive lower-case already, on
    /// every LLM span.
    var lowercasedWhenNeeded: String {
        // Over the bytes in place: `utf8.contains` went through the generic
        // iterator, ~20 instructions a byte.
        let needsLowering = withBorrowedUTF8 { bytes in bytes.contains { (0x41...0x5A).contains($0) || $0 >= 0x80 } }
        return needsLowering ? lowercased() : self
    }
}
