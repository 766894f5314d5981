import Foundation
import Logging
import NIOCore
import OTLPWire
import ServiceLifecycle

/// Pushes recorded OTLP through the configured pipelines, offline: the same
/// processors and exporters as `serve`, no receivers. Reads `.binpb` (one
/// protobuf request), `.json` (one OTLP/JSON request) and `.jsonl` (one
/// OTLP/JSON request per line, as the file exporter writes).
public struct Replay: Sendable {
    public struct Summary: Sendable, Equatable {
        public var requests = 0
        public var spans = 0
        public var logRecords = 0
    }

    public struct Failure: Error, CustomStringConvertible {
        public var file: String
        public var line: Int?
        public var reason: String
        public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)" }
    }

    public let daemon: Daemon
    /// Forces the signal of `.binpb` files whose name does not say it.
    public var signal: Signal?

    public init(daemon: Daemon, signal: Signal? = nil) {
        self.daemon = daemon
        self.signal = signal
    }

    /// Replays `files` in order and returns once every exporter has flushed.
    public func run(files: [String], progress: @Sendable (Summary) -> Void = { _ in }) async throws -> Summary {
        try await run(batches: try files.flatMap { try load($0) }, progress: progress)
    }

    /// Replays requests already in memory (the traffic simulator's).
    public func run(batches: [TelemetryBatch], progress: @Sendable (Summary) -> Void = { _ in }) async throws -> Summary {
        let group = try daemon.serviceGroup(gracefulShutdownSignals: [])
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var summary = Summary()
            for batch in batches {
                for pipeline in daemon.pipelines where pipeline.signal == batch.signal {
                    _ = await pipeline.submit(batch)
                }
                summary.requests += 1
                if batch.signal == .traces { summary.spans += batch.itemCount } else { summary.logRecords += batch.itemCount }
                progress(summary)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return summary
        }
    }

    /// The batches one file holds, validated.
    public func load(_ path: String) throws -> [TelemetryBatch] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(file: path, line: nil, reason: "cannot read: \(error.localizedDescription)")
        }
        let bytes = Array(data)
        if path.hasSuffix(".jsonl") {
            var batches: [TelemetryBatch] = []
            for (index, line) in bytes.split(separator: UInt8(ascii: "\n")).enumerated() where !line.allSatisfy(Self.isSpace) {
                batches.append(try fromJSON(Array(line), file: path, line: index + 1))
            }
            return batches
        }
        if path.hasSuffix(".json") { return [try fromJSON(bytes, file: path, line: nil)] }
        return [try fromProtobuf(bytes, file: path)]
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

    private func fromJSON(_ bytes: [UInt8], file: String, line: Int?) throws -> TelemetryBatch {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let signal: Signal = text.contains("\"resourceLogs\"") || text.contains("\"resource_logs\"") ? .logs : .traces
        do {
            let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: bytes, as: signal.requestSchema)
            return try batch(protobuf, signal: signal)
        } catch {
            throw Failure(file: file, line: line, reason: "\(error)")
        }
    }

    private func fromProtobuf(_ bytes: [UInt8], file: String) throws -> TelemetryBatch {
        let name = (file as NSString).lastPathComponent.lowercased()
        let candidates: [Signal] = signal.map { [$0] } ?? (name.contains("log") ? [.logs] : name.contains("trace") ? [.traces] : [.traces, .logs])
        var lastError: (any Error)?
        for candidate in candidates {
            do {
                return try batch(bytes, signal: candidate)
            } catch {
                lastError = error
            }
        }
        throw Failure(file: file, line: nil, reason: "not an OTLP \(candidates.map(\.rawValue).joined(separator: " or ")) request: \(lastError.map { "\($0)" } ?? "")")
    }

    private func batch(_ protobuf: [UInt8], signal: Signal) throws -> TelemetryBatch {
        let count = try protobuf.withUnsafeBytes { raw throws(WireError) -> Int in
            try OTLPValidator.validate(raw, as: signal.requestSchema)
            return signal.itemCount(in: raw)
        }
        return TelemetryBatch(signal: signal, request: ByteBuffer(bytes: protobuf), itemCount: count)
    }
}
