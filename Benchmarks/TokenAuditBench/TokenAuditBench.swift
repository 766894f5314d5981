import CProtobufReference
import Foundation
import Logging
import Synchronization
import NIOCore
import OTLPWire
import TokenAudit

/// `make bench`: the codec and the processor against libprotobuf-c unpack +
/// pack, measured in the same run on the same payloads; results as ratios,
/// written to bench/results/ as JSON and Markdown with the machine and commit.
@main
struct TokenAuditBench {
    static let baseline = "libprotobuf-c unpack+pack"

    static let usage = """
        USAGE: tokenaudit-bench [--output DIR] [--quick] [--only TEXT] [--default-allocator]
               tokenaudit-bench --profile [--output DIR] [--passes N]
               tokenaudit-bench --repeat-WORKLOAD N [--llm-share S | --fixture [DIALECT]] [--summaries]

        With no --repeat-* option: every workload against libprotobuf-c unpack+pack in the same run,
        end to end and memory included; results in DIR (default bench/results) as latest.json and latest.md.
          --quick              fewer iterations (a smoke run, not a result)
          --only TEXT          only workloads or payloads whose name contains TEXT
          --default-allocator  leave malloc's settings as they are (the daemon tunes them)
        --profile: instructions per span of each workload under valgrind's callgrind (repeatable where
        times are not), ratios to libprotobuf-c and each processor run's hottest functions; results in DIR
        as profile.json and profile.md.
          --passes N           passes counted per workload (default 5), after one uncounted warm-up pass
        --repeat-WORKLOAD N: one workload N times and nothing else, for profilers and A/B of two builds.
        WORKLOAD is reference (libprotobuf-c unpack+pack), walk, validate or processor.
          --llm-share S        share of LLM spans in the reference payload (default 1)
          --fixture [DIALECT]  a real capture instead: openllmetry (default; messages as a JSON string) or openinference
          --summaries          the processor as the daemon runs it, summaries included
        """

    /// Synchronous on purpose: an async main parks the main thread in
    /// libdispatch's `sigsuspend` loop, which valgrind 3.19 cannot run
    /// (`make profile`); the work runs in a detached task (a plain `Task`
    /// would inherit the main actor, whose thread is the one waiting).
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.contains("--help") || arguments.contains("-h") {
            print(usage)
            return
        }
        let finished = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Task.detached {
            do {
                try await run(arguments)
            } catch {
                failure.withLock { $0 = error }
            }
            finished.signal()
        }
        finished.wait()
        if let error = failure.withLock({ $0 }) {
            FileHandle.standardError.write(Data("tokenaudit-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: [String]) async throws {
        // As `tokenaudit serve` does; `--default-allocator` leaves malloc as it is, for comparison.
        if !arguments.contains("--default-allocator") { AllocatorTuning.keepFreedMemory() }
        let output = arguments.firstIndex(of: "--output").map { arguments[$0 + 1] } ?? "bench/results"
        let quick = arguments.contains("--quick")
        // `--only TEXT`: run just the workloads (and payloads) whose name contains TEXT, for profiling.
        let only = arguments.firstIndex(of: "--only").map { arguments[$0 + 1] }
        var harness = Harness()
        if quick {
            harness.minIterations = 3
            harness.minSeconds = 0.05
            harness.warmup = 1
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fixtures = root.deletingLastPathComponent().appendingPathComponent("shared/fixtures/real-instrumentation")
        if arguments.contains("--profile") {
            let passes = arguments.firstIndex(of: "--passes").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 5
            // Children under callgrind run the workloads; this process only launches and reads them.
            try await InstructionProfile.run(passes: passes, output: output, root: root)
            return
        }

        var payloads = [
            Payloads.reference(name: "reference: 1,000 spans × 512 B, all LLM"),
            Payloads.reference(llmShare: 0.05, name: "reference: 1,000 spans × 512 B, 5% LLM"),
            Payloads.reference(llmShare: 0, name: "reference: 1,000 spans × 512 B, no LLM (pass-through cost)"),
            Payloads.reference(spans: 8000, name: "4 MiB: 8,000 spans × 512 B, all LLM"),
        ]
        // Real captures: OpenLLMetry sends messages as JSON text, OpenInference as indexed attributes and JSON.
        let captures = ["openllmetry", "openinference"].compactMap { try? Payloads.fixture(spans: 1000, fixturesRoot: fixtures, dialect: $0) }
        payloads.insert(contentsOf: captures, at: 1)

        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let processor = try TokenAuditProcessor(id: ComponentID("tokenaudit"), config: TokenAuditProcessorConfig())
        // As the daemon runs it: verdicts also go to the summaries (a SQLite
        // store, written only at flush, and Prometheus counters).
        PrometheusMetrics.bootstrap()
        let summaryFolder = FileManager.default.temporaryDirectory.appendingPathComponent("tokenaudit-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: summaryFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: summaryFolder) }
        let summarised = try TokenAuditProcessor(
            id: ComponentID("tokenaudit"), config: TokenAuditProcessorConfig(),
            summaries: SummaryRecorder(store: try SummaryStore(path: summaryFolder + "/summaries.sqlite"), folder: summaryFolder, logger: logger))

        if let repeated = try RepeatedWorkload.parse(arguments, fixtures: fixtures) {
            await repeated.run(processor: repeated.summaries ? summarised : processor)
            return
        }

        var results: [Harness.Result] = []
        for payload in payloads {
            let spanBytes = payload.bytes.count / max(1, payload.spans)
            print("\n\(payload.name) — \(payload.bytes.count) bytes, \(payload.spans) spans, ~\(spanBytes) B/span")
            var rows: [Harness.Result] = []
            var output = Workloads.referenceOutput(for: payload.bytes)
            func selected(_ name: String) -> Bool { only.map { name.contains($0) || payload.name.contains($0) } ?? true }
            rows.append(await harness.measure(baseline, payload) { Workloads.reference(payload.bytes, into: &output) })
            if selected("byte scan") {
                rows.append(await harness.measure("byte scan (memory ceiling)", payload) { Workloads.byteScan(payload.bytes) })
            }
            if selected("validate") {
                rows.append(await harness.measure("OTLPWire validate", payload) { Workloads.validate(payload.bytes) })
            }
            if selected("walk") {
                rows.append(await harness.measure("OTLPWire walk + read gen_ai + splice 1 attr", payload) { Workloads.walkReadSplice(payload.bytes) })
            }
            let batch = TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: payload.bytes), itemCount: payload.spans)
            if selected("processor") {
                rows.append(await harness.measure("tokenaudit processor (extract + detect + enrich)", payload) {
                    await processor.process(batch).request.readableBytes
                })
                rows.append(await harness.measure("  … and summaries, as the daemon runs it", payload) {
                    await summarised.process(batch).request.readableBytes
                })
            }
            let base = rows[0].medianNanoseconds
            for index in rows.indices { rows[index].ratioToBaseline = base / rows[index].medianNanoseconds }
            for row in rows { print(Report.line(row)) }
            results += rows
        }
        var memory: PrincipalMemory.Result?
        if only == nil || only == "memory" {
            print("\nprincipal state: 100,000 principals through the processor …")
            let measured = try await PrincipalMemory.measure()
            print(String(format: "  %d principals, %d calls: %.0f B of state per principal, RSS +%.0f MiB, peak RSS %.0f MiB",
                         measured.principals, measured.calls, measured.stateBytesPerPrincipal, measured.residentGrowthMiB, measured.peakResidentMiB))
            memory = measured
        }
        var scaling: [PipelineScaling.Run]?
        if only == nil || only == "scaling" {
            print("\npipeline scaling: memory queue → processor → counting exporter, reference payload …")
            let reference = Payloads.reference(name: "reference")
            let runs = try await PipelineScaling.measure(payload: reference.bytes, spans: reference.spans, requests: quick ? 40 : 400)
            for run in runs { print(String(format: "  %d preparer(s): %.0f spans/s", run.preparers, run.spansPerSecond)) }
            scaling = runs
        }
        var endToEnd: EndToEnd.Result?
        if only == nil || only == "e2e" {
            print("\nend to end: 4 connections posting the reference payload, 5 s per target …")
            let reference = Payloads.reference(name: "reference")
            let mixed = Payloads.reference(llmShare: 0.05, name: "mixed")
            let small = Payloads.reference(spans: 10, name: "small")
            let measured = try await EndToEnd.measure(payload: reference.bytes, spans: reference.spans, mixed: (mixed.bytes, mixed.spans),
                                                      small: (small.bytes, small.spans), seconds: quick ? 1 : 5)
            let otherRuns = [measured.mixed, measured.small].compactMap { $0 }.flatMap { [$0.nullSink, $0.daemon] }
            for run in [measured.nullSink, measured.daemon] + measured.breakdown + otherRuns {
                print(String(format: "  %@: %.0f spans/s sustained, %.0f accepted, p50 %.1f ms, p99 %.1f ms (%d requests, %d refused)",
                             run.target as NSString, run.sustainedSpansPerSecond, run.spansPerSecond, run.p50Milliseconds,
                             run.p99Milliseconds, run.requests, run.refused))
            }
            for half in measured.halfLoad {
                let p99s = { (runs: [EndToEnd.Run]) in runs.map { String(format: "%.1f", $0.p99Milliseconds) }.joined(separator: ", ") }
                print(String(format: "  half load, %@ (%.0f req/s): null sink p50 %.1f / p99 %.1f ms [%@], tokenaudit p50 %.1f / p99 %.1f ms [%@], p99 added %.1f ms",
                             half.payload as NSString, half.requestsPerSecond, half.p50(half.nullSink), half.nullSinkP99Milliseconds,
                             p99s(half.nullSink) as NSString, half.p50(half.daemon), half.daemonP99Milliseconds, p99s(half.daemon) as NSString,
                             half.addedP99Milliseconds))
            }
            print(String(format: "  ratio %.2f (all LLM), %.2f (5%% LLM), %.2f (10-span requests); peak RSS of the bench process %.0f MiB",
                         measured.ratio, measured.mixed?.ratio ?? 0, measured.small?.ratio ?? 0, measured.peakResidentMiB))
            endToEnd = measured
        }
        try Report.write(results, memory: memory, scaling: scaling, endToEnd: endToEnd, to: output, root: root)
        print("\nwrote \(output)/latest.json and \(output)/latest.md")
    }
}

enum Workloads {
    /// The baseline: libprotobuf-c unpacks `bytes` and packs the request again into `output`.
    static func reference(_ bytes: [UInt8], into output: inout [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                ta_ref_roundtrip(TA_REF_EXPORT_TRACE_REQUEST, input.baseAddress, input.count, out.baseAddress, out.count)
            }
        }
    }

    /// Room for `reference` to pack `bytes` into.
    static func referenceOutput(for bytes: [UInt8]) -> [UInt8] {
        [UInt8](repeating: 0, count: bytes.count * 2 + 1024)
    }

    static func byteScan(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw in
            var sum: UInt64 = 0
            var i = 0
            while i + 8 <= raw.count {
                sum &+= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            return Int(truncatingIfNeeded: sum)
        }
    }

    static func validate(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw in
            (try? OTLPValidator.validate(raw, as: OTLPSchema.exportTraceRequest)) == nil ? 0 : raw.count
        }
    }

    /// The attribute spliced into every span, encoded once.
    static let splicedAttribute: [UInt8] = {
        var writer = ProtoWriter()
        writer.attribute(SpanView.attributesFieldNumber, key: "tokenaudit.verdict", value: .string("genuine"))
        return writer.bytes
    }()

    /// The issue 7 codec target: every span walked, its gen_ai usage and
    /// model read, one attribute spliced in, the request re-emitted.
    static func walkReadSplice(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw in
            var writer = SpliceWriter()
            let verdict = splicedAttribute
            var sum = 0
            ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                for pair in span.attributes {
                    if pair.key.equals("gen_ai.usage.input_tokens") || pair.key.equals("gen_ai.usage.output_tokens") {
                        sum &+= Int(pair.value?.intValue ?? 0)
                    } else if pair.key.equals("gen_ai.request.model") {
                        sum &+= pair.value?.stringValue?.count ?? 0
                    }
                }
                verdict.withUnsafeBytes { writer.append(encoded: $0, to: span.spliceTarget) }
            }
            var out = ByteBuffer()
            writer.write(raw, into: &out)
            return sum &+ out.readableBytes
        }
    }
}
