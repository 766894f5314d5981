import NIOCore
import OTLPWire

/// Generates a labelled organisation's LLM traffic over simulated days as
/// OTLP requests (DESIGN.md §6): people working genuinely in many styles and
/// people tokenmaxxing in many styles, in several dialects, with content
/// capture on for some and off for others. Persona parameters (cadences,
/// jitter, sizes) are drawn from the seed, so every seed is a new organisation.
public struct TrafficSimulator: Sendable {
    public var seed: UInt64
    public var days: Int
    /// Spread of each persona's parameters; raise it to test on organisations
    /// unlike the ones the thresholds were chosen on.
    public var variation: Double

    /// 2026-11-02 00:00 UTC, a Monday.
    static let epoch: UInt64 = 1_793_577_600 * 1_000_000_000
    static let second: UInt64 = 1_000_000_000

    public init(seed: UInt64, days: Int = 3, variation: Double = 1) {
        self.seed = seed
        self.days = max(1, days)
        self.variation = variation
    }

    public struct Traffic: Sendable {
        /// Traces requests in span-time order.
        public var requests: [TelemetryBatch]
        /// Ground truth by span id (its 8 bytes, big-endian).
        public var truth: [UInt64: SimulatedCall]
        public var principals: [String: PersonaKind]
    }

    public func generate(tracesPerRequest: Int = 64) -> Traffic {
        var rng = SimulationRandom(seed: seed)
        var people: [Person] = []
        let teams = ["platform", "support", "data", "growth"]
        for kind in PersonaKind.allCases {
            for n in 0..<kind.headcount {
                let start = rng.int(7...10)
                people.append(Person(
                    id: "\(kind.rawValue)-\(n + 1)", kind: kind,
                    team: kind == .sharedPrompt ? "support" : rng.pick(teams),
                    service: kind == .nightlyBatch ? "batch-\(n + 1)" : rng.pick(["chat-app", "ide-plugin", "notebook"]),
                    dialect: rng.pick([.semconv, .semconv, .openLLMetry, .openInference]),
                    capturesContent: rng.chance(0.5), usesConversationIDs: rng.chance(0.6),
                    workStart: start, workEnd: start + rng.int(7...9)))
            }
        }
        var traces: [SimulatedTrace] = []
        for person in people {
            var generator = PersonaTraffic(person: person, rng: SimulationRandom(seed: rng.next()), variation: variation)
            for day in 0..<days { generator.day(day, into: &traces) }
        }
        traces.sort { $0.start < $1.start }

        var requests: [TelemetryBatch] = []
        var truth: [UInt64: SimulatedCall] = [:]
        for chunk in stride(from: 0, to: traces.count, by: tracesPerRequest) {
            var writer = ProtoWriter(reservingCapacity: 64 << 10)
            var spans = 0
            for trace in traces[chunk..<min(chunk + tracesPerRequest, traces.count)] {
                trace.encode(into: &writer)
                spans += trace.spans.count
                for (id, call) in trace.truths { truth[Self.key(id)] = call }
            }
            requests.append(TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: writer.bytes), itemCount: spans))
        }
        return Traffic(requests: requests, truth: truth, principals: Dictionary(people.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a }))
    }

    static func key<C: Collection>(_ spanID: C) -> UInt64 where C.Element == UInt8 {
        spanID.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// One person's days.
struct PersonaTraffic {
    let person: Person
    var rng: SimulationRandom
    let variation: Double
    /// Per-person constants drawn once: the loop's prompt, period, jitter, documents.
    private let loopPrompt: String
    private let loopPeriod: Double
    private let loopJitter: Double
    private let documents: [String]
    private let systemPrompt: String

    init(person: Person, rng: SimulationRandom, variation: Double) {
        self.person = person
        self.variation = variation
        var rng = rng
        loopPrompt = "Write a detailed status summary of " + rng.words(40)
        loopPeriod = rng.uniform(20...120) * (1 + 0.3 * variation * rng.uniform(-1...1))
        loopJitter = person.kind == .jitteredLoop ? rng.uniform(0.2...0.5) * variation : 0.02
        documents = (0..<4).map { _ in rng.words(160) }
        systemPrompt = person.kind == .sharedPrompt
            ? "You are the support assistant of Acme. Answer politely and cite the knowledge base."
            : "You are a helpful assistant for " + rng.words(6)
        self.rng = rng
    }

    mutating func day(_ day: Int, into traces: inout [SimulatedTrace]) {
        let dayStart = Double(day) * 86400
        let workStart = dayStart + Double(person.workStart) * 3600
        let workEnd = dayStart + Double(person.workEnd) * 3600
        switch person.kind {
        case .interactive, .sharedPrompt, .retrying, .ragHeavy:
            sessions(from: workStart, to: workEnd, into: &traces)
        case .agentUser:
            var t = workStart + rng.uniform(0...1800)
            while t < workEnd {
                t = agentTask(at: t, into: &traces) + rng.logNormal(median: 900, sigma: 0.8)
            }
        case .nightlyBatch:
            var t = dayStart + 3600 * rng.uniform(0.5...1.5)
            for _ in 0..<rng.int(80...160) {
                lone(at: t, messages: [rng.words(rng.int(60...120))], input: rng.int(1500...4000), output: rng.int(150...400),
                     performative: false, consumedBy: "db.insert summaries", into: &traces)
                t += 45 * (1 + 0.05 * rng.uniform(-1...1))
            }
        case .fixedLoop, .jitteredLoop, .paraphraseLoop:
            loop(from: workStart + rng.uniform(0...3600), hours: rng.uniform(3...6), into: &traces)
        case .nightLooper:
            sessions(from: workStart, to: workEnd, into: &traces)
            loop(from: dayStart + 23 * 3600, hours: rng.uniform(3...5), into: &traces)
        case .contextStuffer:
            var t = workStart + rng.uniform(0...1800)
            let document = rng.pick(documents)
            let size = rng.int(9000...30000)
            while t < workEnd {
                lone(at: t, messages: [document, "Question: " + rng.words(rng.int(5...9))], input: size + rng.int(8...20),
                     output: rng.int(15...60), performative: true, into: &traces)
                t += rng.logNormal(median: 240, sigma: 0.7)
            }
        case .verboseFarmer:
            var t = workStart + rng.uniform(0...1800)
            while t < workEnd {
                let limit = rng.pick([8192, 16384, 32768])
                lone(at: t, messages: ["Write the longest possible essay about " + rng.words(8)], input: rng.int(30...80),
                     output: limit - rng.int(0...40), maxTokens: limit, finish: "length", performative: true, into: &traces)
                t += rng.logNormal(median: 300, sigma: 0.6)
            }
        case .redundantAgents:
            let agents = rng.int(3...5)
            let task = "Check the " + rng.words(5) + " and report its status"
            for agent in 0..<agents {
                var t = workStart + rng.uniform(0...600)
                while t < workEnd {
                    lone(at: t, messages: [task], input: 420, output: rng.int(150...220), agent: "\(person.id)-agent-\(agent + 1)",
                         performative: true, into: &traces)
                    t += rng.logNormal(median: 600, sigma: 0.3)
                }
            }
        case .explainFileSpam:
            var t = workStart + rng.uniform(0...1800)
            let sizes = documents.map { _ in rng.int(2000...6000) }
            while t < workEnd {
                let file = rng.int(0...(documents.count - 1))
                lone(at: t, messages: ["Explain this file:\n" + documents[file]], input: sizes[file], output: rng.int(400...900),
                     performative: true, into: &traces)
                t += rng.logNormal(median: 200, sigma: 0.8)
            }
        }
    }

    // MARK: styles

    /// Interactive sessions: think-time between turns, growing conversations,
    /// now and then the same question twice, retries after 429s for `.retrying`.
    private mutating func sessions(from start: Double, to end: Double, into traces: inout [SimulatedTrace]) {
        var t = start + rng.uniform(0...1800)
        var repeatable: String?
        while t < end {
            let conversation = person.usesConversationIDs ? "conv-\(rng.next() % 1_000_000_000)" : nil
            var context = rng.int(200...600)
            for _ in 0..<rng.int(2...10) {
                var question = rng.words(rng.int(8...30))
                // Asking the same thing twice (once more, never a third time).
                if let earlier = repeatable, rng.chance(0.08) {
                    question = earlier
                    repeatable = nil
                } else if rng.chance(0.1) {
                    repeatable = question
                }
                let rag = person.kind == .ragHeavy
                let input = rag ? rng.int(3000...16000) : context + rng.int(20...120)
                let output = rng.int(80...700)
                if person.kind == .retrying, rng.chance(0.3) {
                    for _ in 0..<rng.int(1...3) {
                        lone(at: t, messages: [question], input: input, output: 0, conversation: conversation, failed: true,
                             performative: false, into: &traces)
                        t += rng.uniform(1...8)
                    }
                }
                lone(at: t, messages: rag ? [rng.words(200), question] : [question], input: input, output: output,
                     conversation: conversation, performative: false, into: &traces)
                context = input + output
                t += rng.logNormal(median: 70, sigma: 0.9)
            }
            t += rng.logNormal(median: 3600, sigma: 0.6)
        }
    }

    /// A script sending one prompt (or slight paraphrases of it) on a cadence.
    private mutating func loop(from start: Double, hours: Double, into traces: inout [SimulatedTrace]) {
        var t = start
        let input = rng.int(400...900)
        while t < start + hours * 3600 {
            var prompt = loopPrompt
            var size = input
            if person.kind == .paraphraseLoop {
                prompt = rng.pick(["Please", "Kindly", "Now", "Again"]) + " " + loopPrompt + " " + rng.pick(["thanks", "asap", "today", "please"])
                size += rng.int(-3...3)
            }
            lone(at: t, messages: [prompt], input: size, output: rng.int(300...600), performative: true, into: &traces)
            t += loopPeriod * (1 + loopJitter * rng.uniform(-1...1))
        }
    }

    /// An agent task: each step's output feeds the next (tool calls), and the
    /// result is written at the end.
    private mutating func agentTask(at start: Double, into traces: inout [SimulatedTrace]) -> Double {
        var trace = newTrace(at: start)
        let root = rng.bytes(8)
        var t = start
        var context = rng.int(800...1500)
        let steps = rng.int(3...7)
        for step in 0..<steps {
            let last = step == steps - 1
            let output = rng.int(100...500)
            let description = LLMCallDescription(
                inputTokens: context, outputTokens: output, finishReason: last ? "stop" : "tool_calls", system: systemPrompt,
                messages: [rng.words(30)], completion: rng.words(20), agentID: nil)
            t = addCall(description, at: t, parent: root, performative: false, to: &trace)
            let toolTime = rng.uniform(0.2...3)
            trace.spans.append(SimulatedSpan(
                spanID: rng.bytes(8), parentID: root, name: last ? "write_file" : "execute_tool",
                start: nanos(t), end: nanos(t + toolTime),
                attributes: [("gen_ai.operation.name", .string("execute_tool")), ("gen_ai.tool.name", .string(last ? "write_file" : "search"))]))
            t += toolTime
            context += output + rng.int(100...600)
        }
        trace.spans.append(SimulatedSpan(
            spanID: root, name: "invoke_agent", start: nanos(start), end: nanos(t),
            attributes: [("gen_ai.operation.name", .string("invoke_agent")), ("user.id", .string(person.id))]))
        traces.append(trace)
        return t
    }

    /// One LLM call in its own trace, optionally followed by the span that uses its output.
    private mutating func lone(
        at t: Double, messages: [String], input: Int, output: Int, maxTokens: Int? = nil, finish: String = "stop",
        conversation: String? = nil, agent: String? = nil, failed: Bool = false, performative: Bool,
        consumedBy consumer: String? = nil, into traces: inout [SimulatedTrace]
    ) {
        var trace = newTrace(at: t)
        let description = LLMCallDescription(
            inputTokens: input, outputTokens: output, maxTokens: maxTokens, finishReason: finish,
            system: person.kind == .interactive ? nil : systemPrompt, messages: messages,
            completion: rng.words(25), conversationID: conversation, agentID: agent, failed: failed)
        let end = addCall(description, at: t, parent: nil, performative: performative, to: &trace)
        if let consumer {
            trace.spans.append(SimulatedSpan(spanID: rng.bytes(8), name: consumer, start: nanos(end + 0.01), end: nanos(end + 0.05),
                                             attributes: [("db.system", .string("postgresql"))]))
        }
        traces.append(trace)
    }

    private mutating func addCall(_ c: LLMCallDescription, at t: Double, parent: [UInt8]?, performative: Bool, to trace: inout SimulatedTrace) -> Double {
        let duration = c.failed ? rng.uniform(0.1...0.4) : 0.4 + Double(c.outputTokens) / rng.uniform(60...120)
        let id = rng.bytes(8)
        trace.spans.append(SimulatedSpan(
            spanID: id, parentID: parent ?? [], name: "chat \(c.model)", start: nanos(t), end: nanos(t + duration),
            attributes: SimulatedDialect.attributes(c, person: person), failed: c.failed))
        trace.truths.append((id, SimulatedCall(
            principal: person.id, persona: person.kind, performative: performative,
            inputTokens: c.failed ? 0 : c.inputTokens, outputTokens: c.failed ? 0 : c.outputTokens)))
        return t + duration
    }

    private mutating func newTrace(at t: Double) -> SimulatedTrace {
        SimulatedTrace(traceID: rng.bytes(16), start: nanos(t), person: person)
    }

    private func nanos(_ seconds: Double) -> UInt64 {
        TrafficSimulator.epoch + UInt64(max(0, seconds) * 1e9)
    }
}
