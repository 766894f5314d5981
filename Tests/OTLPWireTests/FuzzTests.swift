import CompressNIO
import Foundation
import NIOCore
import OTLPFuzzTargets
import OTLPWire
import TestSupport
import Testing

/// The bounded fuzz run of `make test`: every input libFuzzer ever broke a
/// property with (Fuzz/regressions), then a deterministic mutation campaign
/// over the real fixtures, through the same properties `make fuzz` checks.
@Suite struct FuzzTests {
    static let regressions: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/OTLPWireTests/FuzzTests.swift
        return url.appendingPathComponent("Fuzz/regressions")
    }()

    static func seeds(for target: FuzzTarget) throws -> [[UInt8]] {
        let captures = try Fixtures.all()
        var random = RandomRequests(seed: 99)
        let generated = [random.traces().encode(), random.logs().encode(), random.traces().encode(unknownFields: true)]
        switch target {
        case .protobuf:
            return captures.map(\.protobuf) + generated
        case .json:
            return captures.map(\.json)
        case .gzip:
            // Fixtures gzipped, plain ones, and a bomb past the 1 MiB limit.
            let bodies = captures.prefix(6).map(\.protobuf) + [[UInt8](repeating: 0, count: 3 << 20)]
            return try bodies.map { body in
                var buffer = ByteBuffer(bytes: body)
                return Array(try buffer.compress(with: .gzip()).readableBytesView)
            } + captures.prefix(3).map(\.json)
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everySavedCrashInputNowHoldsEveryProperty(target: FuzzTarget) throws {
        let folder = Self.regressions.appendingPathComponent(target.rawValue)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for file in files.sorted() where !file.hasPrefix(".") {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let outcome = data.withUnsafeBytes { target.run($0) }
            #expect(outcome.violation == nil, "\(target.rawValue)/\(file): \(outcome.violation ?? "")")
        }
    }

    /// Inputs per target: enough to reach every reader path from the
    /// fixtures in a few seconds of a debug build.
    static let campaign: [FuzzTarget: Int] = [.protobuf: 6000, .json: 6000, .gzip: 3000]
    /// Mutated inputs that must get past the first checks, or the campaign
    /// only tests the first byte. gzip has none: its CRC refuses nearly every
    /// mutated stream, and its round-trip property runs on every input.
    static let minimumAccepted: [FuzzTarget: Int] = [.protobuf: 300, .json: 100, .gzip: 0]

    @Test(arguments: FuzzTarget.allCases)
    func mutatedFixturesHoldEveryProperty(target: FuzzTarget) throws {
        let seeds = try Self.seeds(for: target)
        #expect(!seeds.isEmpty)
        var mutator = SeededMutator(seed: 0x7A0D_17 &+ UInt64(target.rawValue.utf8.count))
        var accepted = 0, violations: [String] = []
        let runs = Self.campaign[target] ?? 0
        for _ in 0..<runs {
            let seed = seeds[mutator.below(seeds.count)], other = seeds[mutator.below(seeds.count)]
            let input = mutator.mutate(seed, other: other, json: target == .json)
            let outcome = input.withUnsafeBytes { target.run($0) }
            if outcome.accepted { accepted += 1 }
            if let violation = outcome.violation, violations.count < 3 {
                violations.append("input \(input.prefix(64).map { String(format: "%02x", $0) }.joined())…: \(violation)")
            }
        }
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n\n"))")
        #expect(accepted >= Self.minimumAccepted[target] ?? 0, "\(accepted) of \(runs) mutated inputs were accepted")
    }
}
