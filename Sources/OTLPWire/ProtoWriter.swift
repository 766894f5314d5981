/// Appends protobuf fields to a growable byte array.
///
/// Nested messages are written in place: `message(_:_:)` reserves a one-byte
/// length, writes the body, then widens the prefix only when the body turned
/// out to be 128 bytes or more. That keeps encoding single-pass for the small
/// messages (attributes, ids) that dominate OTLP.
///
/// The small writers are inlinable: the enrichment step writes a handful of
/// attributes per call from another module, and as calls each tag, length
/// and append paid a call and a uniqueness check of its own.
public struct ProtoWriter: Sendable {
    @usableFromInline var storage: [UInt8]

    /// What has been written.
    @inlinable public var bytes: [UInt8] { storage }

    public init(reservingCapacity capacity: Int = 0) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    @inlinable public var count: Int { storage.count }

    /// Room for `additional` more bytes. Grows at least geometrically
    /// (`Array.reserveCapacity` alone allocates exactly what is asked, so
    /// calling it before every small write would copy the buffer each time).
    public mutating func reserveCapacity(_ additional: Int) {
        let needed = storage.count + additional
        guard needed > storage.capacity else { return }
        storage.reserveCapacity(Swift.max(needed, 2 * storage.capacity))
    }

    @inlinable
    public mutating func varint(_ value: UInt64) {
        guard value >= 0x80 else {
            storage.append(UInt8(truncatingIfNeeded: value))
            return
        }
        // Encoded on the stack and appended once: each `append` checks
        // uniqueness and capacity, which cost more than the encoding.
        var encoded: (UInt64, UInt16) = (0, 0)  // 10 bytes, the longest varint
        let count = withUnsafeMutableBytes(of: &encoded) { VarintCoding.write(value, into: $0) }
        withUnsafeBytes(of: &encoded) { storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    @inlinable
    public mutating func tag(_ fieldNumber: UInt32, _ wireType: WireType) {
        varint(VarintCoding.tag(fieldNumber, wireType))
    }

    @inlinable
    public mutating func varintField(_ fieldNumber: UInt32, _ value: UInt64) {
        tag(fieldNumber, .varint)
        varint(value)
    }

    @inlinable
    public mutating func fixed64Field(_ fieldNumber: UInt32, _ value: UInt64) {
        tag(fieldNumber, .fixed64)
        withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
    }

    @inlinable
    public mutating func fixed32Field(_ fieldNumber: UInt32, _ value: UInt32) {
        tag(fieldNumber, .fixed32)
        withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
    }

    @inlinable
    public mutating func bytesField<C: Collection>(_ fieldNumber: UInt32, _ value: C) where C.Element == UInt8 {
        tag(fieldNumber, .lengthDelimited)
        varint(UInt64(value.count))
        storage.append(contentsOf: value)
    }

    @inlinable
    public mutating func stringField(_ fieldNumber: UInt32, _ value: String) {
        value.withBorrowedUTF8 { bytesField(fieldNumber, $0) }
    }

    /// Writes field `fieldNumber` as a nested message whose body `body` writes.
    @inlinable
    public mutating func message(_ fieldNumber: UInt32, _ body: (inout ProtoWriter) throws -> Void) rethrows {
        tag(fieldNumber, .lengthDelimited)
        let prefixAt = storage.count
        storage.append(0)
        try body(&self)
        let length = storage.count - prefixAt - 1
        if length < 0x80 {
            storage[prefixAt] = UInt8(length)
        } else {
            // Widen in place (no temporary array): open the gap, then write the varint into it.
            let size = VarintCoding.encodedSize(UInt64(length))
            storage.insert(contentsOf: repeatElement(0, count: size - 1), at: prefixAt + 1)
            var v = UInt64(length)
            for i in prefixAt..<(prefixAt + size - 1) {
                storage[i] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
            }
            storage[prefixAt + size - 1] = UInt8(v)
        }
    }

    @inlinable
    public mutating func append<C: Collection>(raw: C) where C.Element == UInt8 {
        storage.append(contentsOf: raw)
    }
}
