/// A 128-bit set of key hashes: `mayContain` is false only for keys never
/// inserted (a false "maybe" costs the scan it would have cost anyway).
struct KeySignature {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    mutating func insert(hash: UInt64) {
        let bit = Self.bit(of: hash)
        if bit < 64 { low |= 1 << UInt64(bit) } else { high |= 1 << UInt64(bit - 64) }
    }

    func mayContain(_ key: UnsafeRawBufferPointer) -> Bool {
        let bit = Self.bit(of: KeyHash.of(key))
        return (bit < 64 ? low >> UInt64(bit) : high >> UInt64(bit - 64)) & 1 != 0
    }

    private static func bit(of hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> 57)
    }
}

/// A 64-bit hash of an attribute key, computed once per key read and shared
/// by `KeySignature` (its top 7 bits) and `GenAIKey`'s table (its low bits).
/// It reads a key's length and up to three 8-byte words (start, middle,
/// end), so it costs the same for any key length.
enum KeyHash {
    static func of(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let count = key.count
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        if count >= 8 {
            hash = (hash ^ key.loadUnaligned(as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash = (hash ^ key.loadUnaligned(fromByteOffset: count / 2 - 4, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
            hash = (hash ^ key.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        } else {
            for byte in key { hash = (hash ^ UInt64(byte)) &* 0xFF51_AFD7_ED55_8CCD }
        }
        // Fold the high bits down: the table indexes by the low ones.
        return hash ^ (hash >> 29)
    }
}
