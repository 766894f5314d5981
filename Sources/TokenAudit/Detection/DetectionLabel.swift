/// The label vocabulary of DESIGN.md §3.2: stable names, one detector each.
public enum DetectionLabel: String, Sendable, CaseIterable, Codable, Comparable {
    case repeatedPrompt = "repeated_prompt"
    case automatedLoop = "automated_loop"
    case contextBloat = "context_bloat"
    case verboseOutput = "verbose_output"
    case unusedOutput = "unused_output"
    case redundantAgent = "redundant_agent"
    /// Waste, not performance: it never raises the score.
    case retryStorm = "retry_storm"

    /// Position in the vocabulary (labels are written in this order).
    var ordinal: Int {
        switch self {
        case .repeatedPrompt: 0
        case .automatedLoop: 1
        case .contextBloat: 2
        case .verboseOutput: 3
        case .unusedOutput: 4
        case .redundantAgent: 5
        case .retryStorm: 6
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.ordinal < b.ordinal }

    // By case, not by raw value: the `RawRepresentable` defaults hash and
    // compare the string, on every settings lookup of every call.
    public static func == (a: Self, b: Self) -> Bool { a.ordinal == b.ordinal }
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

/// What one detector saw in one call: how strongly it points at
/// performative use (0...1) and the sentence of evidence behind it.
public struct Finding: Sendable, Equatable {
    public var label: DetectionLabel
    public var strength: Double
    public var reason: String

    public init(_ label: DetectionLabel, strength: Double, reason: String) {
        self.label = label
        self.strength = min(1, max(0, strength))
        self.reason = reason
    }
}

/// `tokenaudit.verdict`.
public enum Verdict: String, Sendable, CaseIterable, Codable {
    case genuine, suspect, performative

    // By case, not by raw value (see `DetectionLabel`).
    public static func == (a: Self, b: Self) -> Bool { a.ordinal == b.ordinal }
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    private var ordinal: Int {
        switch self {
        case .genuine: 0
        case .suspect: 1
        case .performative: 2
        }
    }
}
