extension String {
    /// `lowercased()`, skipping its Unicode machinery when nothing needs
    /// lowering: provider and operation names arrive lower-case already, on
    /// every LLM span.
    var lowercasedWhenNeeded: String {
        utf8.contains { (0x41...0x5A).contains($0) || $0 >= 0x80 } ? lowercased() : self
    }
}
