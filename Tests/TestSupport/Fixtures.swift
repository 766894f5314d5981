public import Foundation

/// The real captures in ../shared/fixtures/real-instrumentation (beside the
/// repository, as on every developer machine and in CI).
public enum Fixtures {
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/Fixtures.swift
        return url.deletingLastPathComponent().appendingPathComponent("shared/fixtures/real-instrumentation")
    }()

    public struct Capture {
        public var name: String
        public var isTraces: Bool
        public var protobuf: [UInt8]
        public var json: [UInt8]
    }

    public static func all() throws -> [Capture] {
        var captures: [Capture] = []
        let dialects = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        for dialect in dialects {
            let folder = root.appendingPathComponent(dialect)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where file.hasSuffix(".binpb") {
                let base = String(file.dropLast(".binpb".count))
                let protobuf = try Data(contentsOf: folder.appendingPathComponent(file))
                let json = try Data(contentsOf: folder.appendingPathComponent(base + ".json"))
                captures.append(Capture(
                    name: "\(dialect)/\(base)", isTraces: base.hasSuffix("_traces"),
                    protobuf: Array(protobuf), json: Array(json)))
            }
        }
        return captures
    }
}
