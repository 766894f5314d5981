/// A `Resource`: who produced the telemetry (identity often sits here).
public struct ResourceView: WireMessageView {
    public let frame: LengthFrame
    public let attributes: RepeatedMessages<KeyValueView>
    public let droppedAttributesCount: UInt32
    public let entityRefs: RepeatedMessages<EntityRefView>

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        self.frame = frame
        attributes = RepeatedMessages(bytes: bytes, range: frame.payload, fieldNumber: 1)
        entityRefs = RepeatedMessages(bytes: bytes, range: frame.payload, fieldNumber: 3)
        var dropped: UInt32 = 0
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            if field.number == 2, field.wireType == .varint { dropped = UInt32(truncatingIfNeeded: field.value) }
        }
        droppedAttributesCount = dropped
    }
}

extension ProtoCursor {
    /// Yields fields until the end or the first malformed one; for views.
    @inline(__always)
    mutating func nextField() -> WireField? { try? next() }
}

public struct EntityRefView: WireMessageView {
    public let schemaURL: WireString
    public let type: WireString
    public let idKeys: RepeatedStrings
    public let descriptionKeys: RepeatedStrings

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        var schemaURL = WireString(bytes: bytes, range: frame.payload.lowerBound..<frame.payload.lowerBound)
        var type = schemaURL
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            guard field.wireType == .lengthDelimited else { continue }
            if field.number == 1 { schemaURL = WireString(bytes: bytes, range: field.payload) }
            if field.number == 2 { type = WireString(bytes: bytes, range: field.payload) }
        }
        self.schemaURL = schemaURL
        self.type = type
        idKeys = RepeatedStrings(bytes: bytes, range: frame.payload, fieldNumber: 3)
        descriptionKeys = RepeatedStrings(bytes: bytes, range: frame.payload, fieldNumber: 4)
    }
}

/// An `InstrumentationScope`: the library that produced the telemetry.
public struct InstrumentationScopeView: WireMessageView {
    public let name: WireString
    public let version: WireString
    public let attributes: RepeatedMessages<KeyValueView>
    public let droppedAttributesCount: UInt32

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        var name = WireString(bytes: bytes, range: frame.payload.lowerBound..<frame.payload.lowerBound)
        var version = name
        var dropped: UInt32 = 0
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): name = WireString(bytes: bytes, range: field.payload)
            case (2, .lengthDelimited): version = WireString(bytes: bytes, range: field.payload)
            case (4, .varint): dropped = UInt32(truncatingIfNeeded: field.value)
            default: break
            }
        }
        self.name = name
        self.version = version
        self.droppedAttributesCount = dropped
        attributes = RepeatedMessages(bytes: bytes, range: frame.payload, fieldNumber: 3)
    }
}

/// The three nested frames around a span or log record, outermost first:
/// what the splice-writer needs to grow that record and fix every length
/// prefix above it.
public struct SpliceTarget: Hashable, Sendable {
    /// The top-level frame (`ResourceSpans` / `ResourceLogs`) when `inner`
    /// sits two levels below it; nil for shallower targets.
    public var outer: LengthFrame?
    /// The frame directly enclosing `inner`; nil when `inner` is top-level.
    public var middle: LengthFrame?
    /// The record that grows or shrinks.
    public var inner: LengthFrame

    /// A span or log record in its scope and resource.
    public init(outer: LengthFrame, middle: LengthFrame, inner: LengthFrame) {
        self.outer = outer
        self.middle = middle
        self.inner = inner
    }

    /// A message directly inside a top-level one (a `Resource` in its
    /// `ResourceSpans`).
    public init(parent: LengthFrame, inner: LengthFrame) {
        self.outer = nil
        self.middle = parent
        self.inner = inner
    }

    /// A top-level message itself (`ResourceSpans` / `ResourceLogs`).
    public init(topLevel: LengthFrame) {
        self.outer = nil
        self.middle = nil
        self.inner = topLevel
    }

    /// How many frames enclose `inner`: 0, 1 or 2.
    var depth: Int { middle == nil ? 0 : (outer == nil ? 1 : 2) }
}

/// The frames a record's view inherits from its resource- and scope-level
/// parents.
public struct ParentFrames: Sendable {
    public var resource: LengthFrame
    public var scope: LengthFrame

    public init(resource: LengthFrame, scope: LengthFrame) {
        self.resource = resource
        self.scope = scope
    }
}
