import CInstructionCounter
import Foundation
import NIOCore
import TokenAudit

/// `--repeat-WORKLOAD N`: one workload N times on one payload and nothing
/// else, for profilers (`perf record`, callgrind) and A/B of two builds in the
/// same minutes. One pass warms up first; under callgrind (`make profile`)
/// only the N passes after it are counted.
struct RepeatedWorkload {
    enum Kind: String, CaseIterable, Sendable {
        /// libprotobuf-c unpack + pack, the baseline of every ratio.
        case reference
        case walk
        case validate
        case processor
    }

    var kind: Kind
    var passes: Int
    /// The processor as the daemon runs it, summaries included.
    var summaries: Bool
    var payload: Payload
    var payloadLabel: String

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// The `--repeat-*` request in `arguments`, or nil when there is none.
    static func parse(_ arguments: [String], fixtures: URL) throws -> RepeatedWorkload? {
        func value(after flag: String) -> String? {
            arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        guard let kind = Kind.allCases.first(where: { arguments.contains("--repeat-\($0.rawValue)") }) else { return nil }
        guard let passes = value(after: "--repeat-\(kind.rawValue)").flatMap(Int.init), passes > 0 else {
            throw UsageError(description: "--repeat-\(kind.rawValue) takes a number of passes, e.g. --repeat-\(kind.rawValue) 20")
        }
        let payload: Payload
        let label: String
        if arguments.contains("--fixture") {
            let dialect = value(after: "--fixture").flatMap { $0.hasPrefix("--") ? nil : $0 } ?? "openllmetry"
            payload = try Payloads.fixture(spans: 1000, fixturesRoot: fixtures, dialect: dialect)
            label = "fixture \(dialect)"
        } else {
            let share = value(after: "--llm-share").flatMap(Double.init) ?? 1
            guard (0...1).contains(share) else { throw UsageError(description: "--llm-share takes a share between 0 and 1") }
            payload = Payloads.reference(llmShare: share, name: "reference")
            label = "reference, LLM share \(share)"
        }
        return RepeatedWorkload(kind: kind, passes: passes, summaries: arguments.contains("--summaries"), payload: payload, payloadLabel: label)
    }

    /// Runs the passes; `processor` is used by the processor workload only.
    func run(processor: TokenAuditProcessor?) async {
        let pass: () async -> Int
        switch kind {
        case .reference:
            var output = Workloads.referenceOutput(for: payload.bytes)
            pass = { [bytes = payload.bytes] in Workloads.reference(bytes, into: &output) }
        case .walk:
            pass = { [bytes = payload.bytes] in Workloads.walkReadSplice(bytes) }
        case .validate:
            pass = { [bytes = payload.bytes] in Workloads.validate(bytes) }
        case .processor:
            guard let processor else { return }
            let batch = TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: payload.bytes), itemCount: payload.spans)
            pass = { await processor.process(batch).request.readableBytes }
        }
        var checksum = await pass()
        let clock = ContinuousClock()
        let started = clock.now
        ta_instructions_begin()
        for _ in 0..<passes { checksum &+= await pass() }
        ta_instructions_end("\(kind.rawValue) × \(passes)")
        let seconds = (clock.now - started) / .seconds(1)
        // The rate is for comparing two builds in the same minutes, not a result (`make bench` gives those).
        let rate = ta_under_valgrind() != 0 ? "instructions counted by callgrind" : "\(Int(Double(passes * payload.spans) / seconds)) spans/s"
        print("\(passes) passes of \(kind.rawValue)\(summaries ? " with summaries" : "") × \(payload.spans) spans (\(payloadLabel)), "
              + "checksum \(checksum), \(rate)")
    }
}
