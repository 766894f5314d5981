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

    /// Whether any pair's key satisfies `predicate`, reading keys only: the
    /// question every pass-through span is asked about each of its keys.
    /// Gives the same answer as iterating the views.
    @inlinable
    public func containsKey(where predicate: (WireString) -> Bool) -> Bool {
        var cursor = ProtoCursor(bytes: bytes, range: range)
        while let field = try? cursor.next() {
            guard field.number == fieldNumber, field.wireType == .lengthDelimited else { continue }
            let key = KeyValueView.leadingKey(bytes, field.payload)
                ?? KeyValueView(bytes: bytes, frame: field.frame, context: ()).key
            if predicate(key) { return true }
        }
        return false
    }
}

extension KeyValueView {
    /// The key of a pair laid out as every encoder writes it (the key with a
    /// one-byte length first, then at most one field that is not a key), read
    /// without decoding the value; nil for any other layout, where only the
    /// full view knows which key wins.
    @inlinable
    static func leadingKey(_ bytes: UnsafeRawBufferPointer, _ payload: Range<Int>) -> WireString? {
        if let layout = encoderLayout(bytes, payload) { return WireString(bytes: bytes, range: layout.key) }
        // Otherwise: a key with a one-byte length, then at most one field that is not a key.
        let start = payload.lowerBound
        guard payload.count >= 2, bytes[start] == 0x0A else { return nil }  // field 1, length-delimited
        let length = Int(bytes[start + 1])
        guard length < 0x80, start + 2 + length <= payload.upperBound else { return nil }
        let keyEnd = start + 2 + length
        if keyEnd < payload.upperBound {
            var rest = ProtoCursor(bytes: bytes, range: keyEnd..<payload.upperBound)
            guard let value = try? rest.next(), value.number != 1, rest.isAtEnd else { return nil }
        }
        return WireString(bytes: bytes, range: (start + 2)..<keyEnd)
    }
}
