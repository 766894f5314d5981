/// Protobuf base-128 varints and tags, written into any byte sink.
public enum VarintCoding {
    /// Bytes a varint of `value` takes (1...10).
    @inlinable @inline(__always)
    public static func encodedSize(_ value: UInt64) -> Int {
        // Each byte carries 7 bits; 0 still takes one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    @inlinable @inline(__always)
    public static func tag(_ fieldNumber: UInt32, _ wireType: WireType) -> UInt64 {
        UInt64(fieldNumber) << 3 | UInt64(wireType.rawValue)
    }

    /// Writes `value` at the start of `out` (which has room for 10 bytes)
    /// and returns how many bytes it took.
    @inlinable
    public static func write(_ value: UInt64, into out: UnsafeMutableRawBufferPointer) -> Int {
        var v = value
        var i = 0
        while v >= 0x80 {
            out[i] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            i += 1
        }
        out[i] = UInt8(truncatingIfNeeded: v)
        return i + 1
    }
}
