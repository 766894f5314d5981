/// Why a buffer is not a well-formed OTLP message, and where.
///
/// Errors are thrown at the byte where the problem was found; the schema walk
/// prepends the path of fields leading to it (`resource_spans[0].scope_spans[2]
/// .spans[7].attributes[1].value.string_value`) only as the error unwinds, so
/// the success path never builds a path string.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// A varint ran past the end of its message or was longer than 10 bytes.
        case truncatedVarint
        /// A fixed32/fixed64 value ran past the end of its message.
        case truncatedFixed
        /// A length prefix points past the end of the enclosing message.
        case lengthPastEnd(declared: UInt64, available: Int)
        /// A field number that protobuf does not allow (0, or above 2^29 - 1).
        case invalidFieldNumber(UInt64)
        /// Wire types 3/4 (groups) and 6/7 (undefined).
        case unsupportedWireType(UInt8)
        /// A known field arrived with a different wire type than its schema says.
        case wrongWireType(expected: WireType, found: WireType)
        /// Messages nested deeper than the walk allows (AnyValue recursion).
        case nestingTooDeep(limit: Int)
        /// A `string` field that is not valid UTF-8.
        case invalidUTF8
        /// A trace or span id of a length OTLP does not allow.
        case invalidIDLength(expected: Int, found: Int)
        /// A singular message field (a span's `status`, a resource group's
        /// `resource`, an `array_value`) sent more than once. Protobuf would
        /// merge the copies; no OTLP exporter sends them, and reading only one
        /// would let a sender hide attributes (a second `resource` claiming
        /// another tenant), so the request is refused.
        case repeatedSingularMessage
        /// An OTLP/JSON document that cannot be read; the message says why.
        case invalidJSON(String)
    }

    public var kind: Kind
    /// Byte offset into the request (or JSON document) where the problem is.
    public var offset: Int
    /// Dotted field path from the request root, empty at the root.
    public var path: String

    @inlinable
    public init(_ kind: Kind, at offset: Int, path: String = "") {
        self.kind = kind
        self.offset = offset
        self.path = path
    }

    /// The same error seen from one level further out: `component` is the field
    /// (with its index, for repeated fields) that contained the failing bytes.
    public func inside(_ component: @autoclosure () -> String) -> WireError {
        var copy = self
        let outer = component()
        // `[3]` attaches to its field name without a dot: `spans[3].name`.
        copy.path = path.isEmpty ? outer : outer + (path.hasPrefix("[") ? "" : ".") + path
        return copy
    }

    public var description: String {
        let location = path.isEmpty ? "at byte \(offset)" : "in \(path) at byte \(offset)"
        switch kind {
        case .truncatedVarint:
            return "truncated varint \(location)"
        case .truncatedFixed:
            return "truncated fixed-width value \(location)"
        case .lengthPastEnd(let declared, let available):
            return "length \(declared) runs past the end of the message (\(available) bytes left) \(location)"
        case .invalidFieldNumber(let number):
            return "invalid field number \(number) \(location)"
        case .unsupportedWireType(let type):
            return "unsupported wire type \(type) \(location)"
        case .wrongWireType(let expected, let found):
            return "wrong wire type: expected \(expected), found \(found) \(location)"
        case .nestingTooDeep(let limit):
            return "messages nested deeper than \(limit) levels \(location)"
        case .invalidUTF8:
            return "string is not valid UTF-8 \(location)"
        case .invalidIDLength(let expected, let found):
            return "id must be \(expected) bytes (or empty), found \(found) \(location)"
        case .repeatedSingularMessage:
            return "a message field that may appear once appears again \(location)"
        case .invalidJSON(let why):
            return "invalid OTLP/JSON: \(why) \(location)"
        }
    }
}
