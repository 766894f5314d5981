import OTLPWire

/// What `MessageContent` reads from JSON, however it is held: JSON text read
/// in place (the usual case: messages sent as a JSON string attribute) or a
/// tree (structured attribute values).
protocol MessageJSON {
    var shape: MessageJSONShape { get }
    /// A string value; nil for other shapes.
    var text: String? { get }
    func forEachElement(_ body: (Self) -> Void)
    /// Members in order; `key` is nil for names `MessageContent` never reads.
    func forEachMember(_ body: (_ key: MessageKey?, _ value: Self) -> Void)
}

enum MessageJSONShape: Sendable { case string, array, object, other }

/// The member names message shapes are read by.
enum MessageKey: String, CaseIterable, Sendable {
    case messages, message, system, prompt, role, content, parts, text

    /// The key with these UTF-8 bytes, compared in place.
    init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard (4...8).contains(bytes.count),
              let key = Self.allCases.first(where: { $0.rawValue.utf8.count == bytes.count && $0.rawValue.utf8.elementsEqual(bytes) })
        else { return nil }
        self = key
    }
}

extension JSONValueView: MessageJSON {
    var shape: MessageJSONShape {
        switch kind {
        case .string: .string
        case .array: .array
        case .object: .object
        case .number, .bool, .null: .other
        }
    }

    var text: String? { string }

    func forEachMember(_ body: (MessageKey?, JSONValueView) -> Void) {
        forEachMember { (key: JSONValueView, value: JSONValueView) in
            body(key.withString(MessageKey.init(utf8:)) ?? nil, value)
        }
    }
}

extension JSONValue: MessageJSON {
    var shape: MessageJSONShape {
        switch self {
        case .string: .string
        case .array: .array
        case .object: .object
        case .null, .bool, .number: .other
        }
    }

    var text: String? {
        if case .string(let s) = self { s } else { nil }
    }

    func forEachElement(_ body: (JSONValue) -> Void) {
        guard case .array(let items) = self else { return }
        for item in items { body(item.value) }
    }

    func forEachMember(_ body: (MessageKey?, JSONValue) -> Void) {
        guard case .object(let members) = self else { return }
        for member in members { body(MessageKey(rawValue: member.key), member.node.value) }
    }
}
