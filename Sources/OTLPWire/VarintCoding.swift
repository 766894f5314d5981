/// Protobuf base-128 varints and tags, written into any byte sink.
public enum VarintCoding {
    /// Bytes a varint of `value` takes (1...10).
    public static func encodedSize(_ value: UInt64) -> Int {
        // Each byte carries 7 bits; 0 still takes one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    public static func tag(_ fieldNumber: UInt32, _ wireType: WireType) -> UInt64 {
        UInt64(fieldNumber) << 3 | UInt64(wireType.rawValue)
    }
}
