import OTLPWire

/// Why the model stopped, as the reasons detection tells apart; a call may
/// report several (one per choice). Read from the span without copying the
/// reason strings (`gen_ai.response.finish_reasons` and its dialects' names).
public struct FinishReasons: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `stop`, `end_turn`, `stop_sequence`: the model finished.
    public static let stop = FinishReasons(rawValue: 1 << 0)
    /// `length`, `max_tokens`: the output ran to its limit.
    public static let length = FinishReasons(rawValue: 1 << 1)
    /// `tool_calls`, `tool_use`, `function_call`, `tool-calls`: the model asked for tools.
    public static let toolCalls = FinishReasons(rawValue: 1 << 2)
    /// `content_filter`: the provider cut the output.
    public static let contentFilter = FinishReasons(rawValue: 1 << 3)
    /// Any other reason.
    public static let other = FinishReasons(rawValue: 1 << 4)

    /// The reason spelled `name` (exact spellings, as providers send them).
    public init(reason name: String) {
        var name = name
        self = name.withUTF8 { Self(WireString(UnsafeRawBufferPointer($0))) }
    }

    init(_ name: WireString) {
        func named(_ spelling: StaticString) -> Bool { name.equals(spelling) }
        if named("stop") || named("end_turn") || named("stop_sequence") {
            self = .stop
        } else if named("length") || named("max_tokens") {
            self = .length
        } else if named("tool_calls") || named("tool_use") || named("function_call") || named("tool-calls") {
            self = .toolCalls
        } else if named("content_filter") {
            self = .contentFilter
        } else {
            self = .other
        }
    }
}
