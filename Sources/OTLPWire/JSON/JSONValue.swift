/// A parsed JSON document. Numbers keep their source text so that 64-bit
/// integers survive exactly; objects keep their keys in order (the last of a
/// duplicated key wins when looked up, as most JSON readers do).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([(key: String, node: JSONNode)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.key) == b.map(\.key) && a.map(\.node) == b.map(\.node)
        default: false
        }
    }
}

/// A value and the byte offset where it starts, for error messages.
public struct JSONNode: Sendable, Equatable {
    public var value: JSONValue
    public var offset: Int

    public init(value: JSONValue, offset: Int) {
        self.value = value
        self.offset = offset
    }
}

extension JSONNode {
    /// The last value of `key` in an object node.
    func member(_ key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.last { $0.key == key }?.node
    }
}
