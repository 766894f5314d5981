import NIOCore
import OTLPWire

/// One span of simulated traffic, and how a whole trace becomes OTLP bytes.
struct SimulatedSpan: Sendable {
    var spanID: [UInt8]
    var parentID: [UInt8] = []
    var name: String
    var start: UInt64
    var end: UInt64
    var attributes: [(String, AttributeValue)] = []
    var failed = false

    func encode(traceID: [UInt8], into w: inout ProtoWriter) {
        w.message(2) { span in
            span.bytesField(1, traceID)
            span.bytesField(2, spanID)
            if !parentID.isEmpty { span.bytesField(4, parentID) }
            span.stringField(5, name)
            span.varintField(6, 3)  // SPAN_KIND_CLIENT
            span.fixed64Field(7, start)
            span.fixed64Field(8, end)
            for (key, value) in attributes { span.attribute(9, key: key, value: value) }
            if failed { span.message(15) { $0.varintField(3, 2) } }  // STATUS_CODE_ERROR
        }
    }
}

/// A trace as the simulator plans it: its spans, the person whose resource
/// sent it, and the ground truth for each LLM span.
struct SimulatedTrace: Sendable {
    var traceID: [UInt8]
    var start: UInt64
    var person: Person
    var spans: [SimulatedSpan] = []
    var truths: [(spanID: [UInt8], call: SimulatedCall)] = []

    func encode(into w: inout ProtoWriter) {
        w.message(1) { resourceSpans in
            resourceSpans.message(1) { resource in
                resource.attribute(1, key: "service.name", value: .string(person.service))
                resource.attribute(1, key: "team", value: .string(person.team))
            }
            resourceSpans.message(2) { scope in
                scope.message(1) { $0.stringField(1, "tokenaudit.simulator") }
                for span in spans { span.encode(traceID: traceID, into: &scope) }
            }
        }
    }
}

/// The ground truth for one simulated LLM call.
public struct SimulatedCall: Sendable, Equatable {
    public var principal: String
    public var persona: PersonaKind
    public var performative: Bool
    public var inputTokens: Int
    public var outputTokens: Int
}
