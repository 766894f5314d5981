/// The kinds of people and programs a simulated organisation holds: genuine
/// work in many styles (the hard negatives of DESIGN.md §6) and
/// tokenmaxxing in many styles.
public enum PersonaKind: String, Sendable, CaseIterable {
    // Genuine.
    case interactive
    case agentUser = "agent_user"
    case nightlyBatch = "nightly_batch"
    case retrying
    case ragHeavy = "rag_heavy"
    case sharedPrompt = "shared_prompt"
    // Tokenmaxxing.
    case fixedLoop = "fixed_loop"
    case jitteredLoop = "jittered_loop"
    case paraphraseLoop = "paraphrase_loop"
    case contextStuffer = "context_stuffer"
    case verboseFarmer = "verbose_farmer"
    case redundantAgents = "redundant_agents"
    case explainFileSpam = "explain_file_spam"
    /// Genuine by day, a loop at night: both kinds of call from one person.
    case nightLooper = "night_looper"

    /// Whether the principal games the metric (some of its calls are performative).
    public var isTokenmaxxer: Bool {
        switch self {
        case .interactive, .agentUser, .nightlyBatch, .retrying, .ragHeavy, .sharedPrompt: false
        default: true
        }
    }

    /// The labels its performative calls should carry (at least one of them).
    public var expectedLabels: Set<DetectionLabel> {
        switch self {
        case .fixedLoop, .jitteredLoop, .nightLooper: [.repeatedPrompt, .automatedLoop]
        case .paraphraseLoop: [.repeatedPrompt, .automatedLoop]
        case .contextStuffer: [.contextBloat]
        case .verboseFarmer: [.verboseOutput]
        case .redundantAgents: [.redundantAgent]
        case .explainFileSpam: [.repeatedPrompt]
        default: []
        }
    }

    /// How many of each an organisation has.
    var headcount: Int {
        switch self {
        case .interactive: 6
        case .sharedPrompt: 5
        case .ragHeavy, .agentUser: 3
        case .nightlyBatch, .retrying: 2
        case .nightLooper: 1
        default: 2
        }
    }
}

/// One simulated principal.
struct Person: Sendable {
    var id: String
    var kind: PersonaKind
    var team: String
    var service: String
    var dialect: GenAIDialect
    var capturesContent: Bool
    var usesConversationIDs: Bool
    /// UTC hours of the working day.
    var workStart: Int
    var workEnd: Int
}
