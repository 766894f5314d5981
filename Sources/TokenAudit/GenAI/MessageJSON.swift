import OTLPWire

/// What `MessageContent` reads from a message structure, held either as
/// JSON text (most dialects send messages as a JSON string) or as an OTLP
/// `AnyValue` (structured attributes, log bodies). Both are read in place:
/// no tree is built and text is handed on as the UTF-8 it already is.
protocol MessageJSON {
    var shape: MessageJSONShape { get }
    /// Calls `body` with a string value's UTF-8; nil for other shapes.
    func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R?
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

    func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R? { withString(body) }

    func forEachMember(_ body: (MessageKey?, JSONValueView) -> Void) {
        forEachMember { (key: JSONValueView, value: JSONValueView) in
            body(key.withString(MessageKey.init(utf8:)) ?? nil, value)
        }
    }
}

extension AnyValueView: MessageJSON {
    var shape: MessageJSONShape {
        switch value {
        case .string: .string
        case .array: .array
        case .keyValueList: .object
        case .empty, .bool, .int, .double, .bytes: .other
        }
    }

    func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R? {
        if case .string(let s) = value { body(s.rawBytes) } else { nil }
    }

    func forEachElement(_ body: (AnyValueView) -> Void) {
        guard case .array(let items) = value else { return }
        for item in items { body(item) }
    }

    /// A pair without a value on the wire is left out.
    func forEachMember(_ body: (MessageKey?, AnyValueView) -> Void) {
        guard case .keyValueList(let pairs) = value else { return }
        for pair in pairs {
            guard let member = pair.value else { continue }
            body(MessageKey(utf8: pair.key.rawBytes), member)
        }
    }
}
