/// Writes one field, whose size was computed before writing, into the
/// memory `ProtoWriter.appendField(size:_:)` set aside for it.
///
/// A `ProtoWriter` append checks uniqueness and capacity for every tag,
/// length and payload; an attribute is eight such writes. Sizing the field
/// first and writing it here makes that one check per field.
///
/// Invariant: never writes outside `memory`. A write that would not fit is
/// dropped and marks the cursor `overflowed`: the sizes were wrong, which the
/// caller asserts against (the bytes are then zeros, never someone else's).
public struct FieldCursor {
    @usableFromInline let memory: UnsafeMutableRawBufferPointer
    @usableFromInline var offset = 0
    @usableFromInline var overflowed = false

    @inlinable
    init(_ memory: UnsafeMutableRawBufferPointer) {
        self.memory = memory
    }

    /// Whether exactly the bytes set aside were written.
    @inlinable var isExactlyFull: Bool { !overflowed && offset == memory.count }

    @inlinable @inline(__always)
    public mutating func varint(_ value: UInt64) {
        // Tags and most lengths take one byte.
        if value < 0x80, offset < memory.count, let base = memory.baseAddress {
            base.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: offset, as: UInt8.self)
            offset += 1
            return
        }
        guard memory.count - offset >= VarintCoding.encodedSize(value), let base = memory.baseAddress else {
            overflowed = true
            return
        }
        var v = value
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: offset, as: UInt8.self)
            v >>= 7
            offset += 1
        }
        base.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    @inlinable @inline(__always)
    public mutating func tag(_ fieldNumber: UInt32, _ wireType: WireType) {
        varint(VarintCoding.tag(fieldNumber, wireType))
    }

    @inlinable @inline(__always)
    public mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        guard memory.count - offset >= bytes.count, let base = memory.baseAddress else {
            overflowed = true
            return
        }
        if let source = bytes.baseAddress, !bytes.isEmpty {
            (base + offset).copyMemory(from: source, byteCount: bytes.count)
        }
        offset += bytes.count
    }

    /// The tag and length of a length-delimited field whose `length`
    /// payload bytes the next writes put down.
    @inlinable @inline(__always)
    public mutating func lengthPrefix(_ fieldNumber: UInt32, _ length: Int) {
        tag(fieldNumber, .lengthDelimited)
        varint(UInt64(length))
    }

    /// A length-delimited field: tag, length, `bytes`.
    @inlinable
    public mutating func bytesField(_ fieldNumber: UInt32, _ bytes: UnsafeRawBufferPointer) {
        lengthPrefix(fieldNumber, bytes.count)
        raw(bytes)
    }

    @inlinable
    public mutating func stringField(_ fieldNumber: UInt32, _ value: String) {
        value.withBorrowedUTF8 { bytesField(fieldNumber, $0) }
    }

    @inlinable
    public mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { raw($0) }
    }
}

extension ProtoWriter {
    /// Appends exactly `size` bytes, which `write` puts through a cursor
    /// into scratch memory (the stack when small), appended in one copy.
    /// The scratch is zero-filled first, so a wrong size shows as zeros (and
    /// fails the debug assertion), never as memory that was not written.
    @inlinable
    public mutating func appendField(size: Int, _ write: (inout FieldCursor) -> Void) {
        guard size > 0 else { return }
        withUnsafeTemporaryAllocation(byteCount: size, alignment: 1) { scratch in
            scratch.initializeMemory(as: UInt8.self, repeating: 0)
            var cursor = FieldCursor(scratch)
            write(&cursor)
            assert(cursor.isExactlyFull, "a field's size was computed wrongly")
            storage.append(contentsOf: UnsafeRawBufferPointer(scratch))
        }
    }

    /// Bytes of a field with tag `fieldNumber` and a `count`-byte length-delimited payload.
    @inlinable @inline(__always)
    public static func lengthDelimitedSize(_ fieldNumber: UInt32, _ count: Int) -> Int {
        VarintCoding.encodedSize(VarintCoding.tag(fieldNumber, .lengthDelimited)) + VarintCoding.encodedSize(UInt64(count)) + count
    }
}
