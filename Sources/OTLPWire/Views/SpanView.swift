/// One `Span`, its singular fields located in a single pass over its own
/// bytes; attributes, events and links are walked only when asked for, and
/// then only from the first to the last field of each.
public struct SpanView: WireMessageView {
    public let frame: LengthFrame
    public let parents: ParentFrames

    public let traceID: WireString
    public let spanID: WireString
    public let traceState: WireString
    /// Empty for a root span.
    public let parentSpanID: WireString
    public let flags: UInt32
    public let name: WireString
    /// `Span.SpanKind` as sent (0 unspecified ... 5 consumer).
    public let kind: UInt32
    public let startTimeUnixNano: UInt64
    public let endTimeUnixNano: UInt64
    public let droppedAttributesCount: UInt32
    public let droppedEventsCount: UInt32
    public let droppedLinksCount: UInt32
    /// Nil when the span carries no status message.
    public let status: StatusView?

    public let attributes: RepeatedMessages<KeyValueView>
    /// The first bytes of the attribute keys, as a set (`KeyInitials`),
    /// noted while the span is located: a filter looking for keys by prefix
    /// skips every span whose set lacks the prefixes' first bytes without
    /// walking its attributes again.
    public let attributeKeyInitials: KeyInitials
    public let events: RepeatedMessages<SpanEventView>
    public let links: RepeatedMessages<SpanLinkView>

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context parents: ParentFrames) {
        self.frame = frame
        self.parents = parents
        // Ranges while walking, strings made at the end: five `WireString`s
        // (each carrying the buffer) kept the loop's state on the stack.
        let empty = frame.payload.lowerBound..<frame.payload.lowerBound
        var traceID = empty, spanID = empty, traceState = empty, parentSpanID = empty, name = empty
        var flags: UInt32 = 0, kind: UInt32 = 0
        var start: UInt64 = 0, end: UInt64 = 0
        var droppedAttributes: UInt32 = 0, droppedEvents: UInt32 = 0, droppedLinks: UInt32 = 0
        var statusFrame: LengthFrame?
        // Where the repeated fields lie (first to last of each), so walking
        // them later skips the rest of the span: every pass-through span
        // has its attribute keys scanned.
        var attributeFields = empty, eventFields = empty, linkFields = empty
        var initials = KeyInitials()
        func cover(_ range: inout Range<Int>, _ extent: Range<Int>) {
            range = range.isEmpty ? extent : range.lowerBound..<extent.upperBound
        }
        func attribute(_ extent: Range<Int>, _ pair: Range<Int>) {
            cover(&attributeFields, extent)
            initials.insertKey(of: bytes, pair: pair)
        }
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while true {
            // Attributes are most of a span's fields, nearly all short: read
            // without the general decoder (same fields, same result).
            if let short = cursor.nextShortField(tag: Self.attributeTag) {
                attribute(short.extent, short.payload)
                continue
            }
            guard let field = cursor.nextField() else { break }
            switch (field.number, field.wireType) {
            case (9, .lengthDelimited): attribute(field.extent, field.payload)
            case (11, .lengthDelimited): cover(&eventFields, field.extent)
            case (13, .lengthDelimited): cover(&linkFields, field.extent)
            case (1, .lengthDelimited): traceID = field.payload
            case (2, .lengthDelimited): spanID = field.payload
            case (3, .lengthDelimited): traceState = field.payload
            case (4, .lengthDelimited): parentSpanID = field.payload
            case (5, .lengthDelimited): name = field.payload
            case (6, .varint): kind = UInt32(truncatingIfNeeded: field.value)
            case (7, .fixed64): start = field.value
            case (8, .fixed64): end = field.value
            case (10, .varint): droppedAttributes = UInt32(truncatingIfNeeded: field.value)
            case (12, .varint): droppedEvents = UInt32(truncatingIfNeeded: field.value)
            case (14, .varint): droppedLinks = UInt32(truncatingIfNeeded: field.value)
            case (15, .lengthDelimited): statusFrame = field.frame
            case (16, .fixed32): flags = UInt32(truncatingIfNeeded: field.value)
            default: break
            }
        }
        self.traceID = WireString(bytes: bytes, range: traceID)
        self.spanID = WireString(bytes: bytes, range: spanID)
        self.traceState = WireString(bytes: bytes, range: traceState)
        self.parentSpanID = WireString(bytes: bytes, range: parentSpanID)
        self.flags = flags
        self.name = WireString(bytes: bytes, range: name)
        self.kind = kind
        self.startTimeUnixNano = start
        self.endTimeUnixNano = end
        self.droppedAttributesCount = droppedAttributes
        self.droppedEventsCount = droppedEvents
        self.droppedLinksCount = droppedLinks
        // The last status on the wire wins, as before (singular message
        // fields sent twice are refused by the validator anyway).
        self.status = statusFrame.map { StatusView(bytes: bytes, frame: $0, context: ()) }
        attributes = RepeatedMessages(bytes: bytes, range: attributeFields, fieldNumber: 9)
        attributeKeyInitials = initials
        events = RepeatedMessages(bytes: bytes, range: eventFields, fieldNumber: 11)
        links = RepeatedMessages(bytes: bytes, range: linkFields, fieldNumber: 13)
    }

    /// Where to splice new attributes into this span.
    public var spliceTarget: SpliceTarget {
        SpliceTarget(outer: parents.resource, middle: parents.scope, inner: frame)
    }

    /// Field number of `Span.attributes`, for splicing.
    public static let attributesFieldNumber: UInt32 = 9
    /// Its tag byte (field 9, length-delimited).
    @usableFromInline static let attributeTag = UInt8(9 << 3 | 2)
    /// Field number of `Span.events`.
    public static let eventsFieldNumber: UInt32 = 11
}

public struct StatusView: WireMessageView {
    public let message: WireString
    /// `Status.StatusCode` as sent (0 unset, 1 ok, 2 error).
    public let code: UInt32

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        var message = WireString(bytes: bytes, range: frame.payload.lowerBound..<frame.payload.lowerBound)
        var code: UInt32 = 0
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            if field.number == 2, field.wireType == .lengthDelimited { message = WireString(bytes: bytes, range: field.payload) }
            if field.number == 3, field.wireType == .varint { code = UInt32(truncatingIfNeeded: field.value) }
        }
        self.message = message
        self.code = code
    }
}

public struct SpanEventView: WireMessageView {
    public let timeUnixNano: UInt64
    public let name: WireString
    public let attributes: RepeatedMessages<KeyValueView>
    public let droppedAttributesCount: UInt32

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        var time: UInt64 = 0
        var name = WireString(bytes: bytes, range: frame.payload.lowerBound..<frame.payload.lowerBound)
        var dropped: UInt32 = 0
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            switch (field.number, field.wireType) {
            case (1, .fixed64): time = field.value
            case (2, .lengthDelimited): name = WireString(bytes: bytes, range: field.payload)
            case (4, .varint): dropped = UInt32(truncatingIfNeeded: field.value)
            default: break
            }
        }
        timeUnixNano = time
        self.name = name
        droppedAttributesCount = dropped
        attributes = RepeatedMessages(bytes: bytes, range: frame.payload, fieldNumber: 3)
    }
}

public struct SpanLinkView: WireMessageView {
    public let traceID: WireString
    public let spanID: WireString
    public let traceState: WireString
    public let attributes: RepeatedMessages<KeyValueView>
    public let droppedAttributesCount: UInt32
    public let flags: UInt32

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context: Void) {
        let none = WireString(bytes: bytes, range: frame.payload.lowerBound..<frame.payload.lowerBound)
        var traceID = none, spanID = none, traceState = none
        var dropped: UInt32 = 0, flags: UInt32 = 0
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): traceID = WireString(bytes: bytes, range: field.payload)
            case (2, .lengthDelimited): spanID = WireString(bytes: bytes, range: field.payload)
            case (3, .lengthDelimited): traceState = WireString(bytes: bytes, range: field.payload)
            case (5, .varint): dropped = UInt32(truncatingIfNeeded: field.value)
            case (6, .fixed32): flags = UInt32(truncatingIfNeeded: field.value)
            default: break
            }
        }
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        droppedAttributesCount = dropped
        self.flags = flags
        attributes = RepeatedMessages(bytes: bytes, range: frame.payload, fieldNumber: 4)
    }
}
