/// A view of one message kind inside an OTLP buffer, built from its frame.
public protocol WireMessageView {
    /// What the view carries down from its parents (their frames, for
    /// splicing); `Void` where nothing is needed.
    associatedtype Context
    init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Context)
}

/// The occurrences of one repeated message field, in wire order.
///
/// Iteration stops at the first malformed field instead of throwing: run
/// `OTLPValidator` first to know the buffer is whole.
public struct RepeatedMessages<Element: WireMessageView>: Sequence {
    public let bytes: UnsafeRawBufferPointer
    public let range: Range<Int>
    public let fieldNumber: UInt32
    public let context: Element.Context

    @inlinable
    public init(bytes: UnsafeRawBufferPointer, range: Range<Int>, fieldNumber: UInt32, context: Element.Context) {
        self.bytes = bytes
        self.range = range
        self.fieldNumber = fieldNumber
        self.context = context
    }

    public struct Iterator: IteratorProtocol {
        @usableFromInline var cursor: ProtoCursor
        @usableFromInline let fieldNumber: UInt32
        @usableFromInline let context: Element.Context

        @inlinable
        init(cursor: ProtoCursor, fieldNumber: UInt32, context: Element.Context) {
            self.cursor = cursor
            self.fieldNumber = fieldNumber
            self.context = context
        }

        @inlinable
        public mutating func next() -> Element? {
            while let field = try? cursor.next() {
                if field.number == fieldNumber, field.wireType == .lengthDelimited {
                    return Element(bytes: cursor.bytes, frame: field.frame, context: context)
                }
            }
            return nil
        }
    }

    @inlinable
    public func makeIterator() -> Iterator {
        Iterator(cursor: ProtoCursor(bytes: bytes, range: range), fieldNumber: fieldNumber, context: context)
    }

    /// How many occurrences there are, from field numbers alone: no element
    /// view is built (and so none of its fields is decoded).
    @inlinable
    public var count: Int {
        var cursor = ProtoCursor(bytes: bytes, range: range)
        var count = 0
        while let field = try? cursor.next() {
            if field.number == fieldNumber, field.wireType == .lengthDelimited { count += 1 }
        }
        return count
    }
}

extension RepeatedMessages where Element.Context == Void {
    @inlinable
    public init(bytes: UnsafeRawBufferPointer, range: Range<Int>, fieldNumber: UInt32) {
        self.init(bytes: bytes, range: range, fieldNumber: fieldNumber, context: ())
    }
}

/// The occurrences of one repeated string field, in wire order.
public struct RepeatedStrings: Sequence {
    public let bytes: UnsafeRawBufferPointer
    public let range: Range<Int>
    public let fieldNumber: UInt32

    public struct Iterator: IteratorProtocol {
        var cursor: ProtoCursor
        let fieldNumber: UInt32

        public mutating func next() -> WireString? {
            while let field = try? cursor.next() {
                if field.number == fieldNumber, field.wireType == .lengthDelimited {
                    return WireString(bytes: cursor.bytes, range: field.payload)
                }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(cursor: ProtoCursor(bytes: bytes, range: range), fieldNumber: fieldNumber)
    }
}

/// Attribute lists are small (≈10-30 pairs): a linear scan with byte
/// comparison beats building any index.
extension RepeatedMessages where Element == KeyValueView {
    /// The value of the first attribute named `key`, if any.
    @inlinable
    public subscript(key: StaticString) -> AnyValueView? {
        for pair in self where pair.key.equals(key) { return pair.value }
        return nil
    }
}
