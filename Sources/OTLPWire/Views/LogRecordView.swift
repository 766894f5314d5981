/// One `LogRecord`. GenAI semconv 1.28-1.36 puts message content here
/// (`event_name` `gen_ai.user.message`, ...), tied to its span by ids.
public struct LogRecordView: WireMessageView {
    public let frame: LengthFrame
    public let parents: ParentFrames

    public let timeUnixNano: UInt64
    public let observedTimeUnixNano: UInt64
    public let severityNumber: UInt32
    public let severityText: WireString
    /// Nil when the record has no body.
    public let body: AnyValueView?
    public let attributes: RepeatedMessages<KeyValueView>
    public let droppedAttributesCount: UInt32
    public let flags: UInt32
    public let traceID: WireString
    public let spanID: WireString
    public let eventName: WireString

    public init(bytes: UnsafeRawBufferPointer, frame: LengthFrame, context parents: ParentFrames) {
        self.frame = frame
        self.parents = parents
        let none = WireString(bytes: bytes, range: frame.payload.lowerBound..<frame.payload.lowerBound)
        var time: UInt64 = 0, observed: UInt64 = 0
        var severity: UInt32 = 0, dropped: UInt32 = 0, flags: UInt32 = 0
        var severityText = none, traceID = none, spanID = none, eventName = none
        var body: AnyValueView?
        var cursor = ProtoCursor(bytes: bytes, range: frame.payload)
        while let field = cursor.nextField() {
            switch (field.number, field.wireType) {
            case (1, .fixed64): time = field.value
            case (2, .varint): severity = UInt32(truncatingIfNeeded: field.value)
            case (3, .lengthDelimited): severityText = WireString(bytes: bytes, range: field.payload)
            case (5, .lengthDelimited): body = AnyValueView(bytes: bytes, frame: field.frame, context: ())
            case (7, .varint): dropped = UInt32(truncatingIfNeeded: field.value)
            case (8, .fixed32): flags = UInt32(truncatingIfNeeded: field.value)
            case (9, .lengthDelimited): traceID = WireString(bytes: bytes, range: field.payload)
            case (10, .lengthDelimited): spanID = WireString(bytes: bytes, range: field.payload)
            case (11, .fixed64): observed = field.value
            case (12, .lengthDelimited): eventName = WireString(bytes: bytes, range: field.payload)
            default: break
            }
        }
        timeUnixNano = time
        observedTimeUnixNano = observed
        severityNumber = severity
        self.severityText = severityText
        self.body = body
        droppedAttributesCount = dropped
        self.flags = flags
        self.traceID = traceID
        self.spanID = spanID
        self.eventName = eventName
        attributes = RepeatedMessages(bytes: bytes, range: frame.payload, fieldNumber: 6)
    }

    public var spliceTarget: SpliceTarget {
        SpliceTarget(outer: parents.resource, middle: parents.scope, inner: frame)
    }

    /// Field number of `LogRecord.attributes`, for splicing.
    public static let attributesFieldNumber: UInt32 = 6
}
