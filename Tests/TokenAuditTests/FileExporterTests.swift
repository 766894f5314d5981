import Foundation
import Testing
@testable import TokenAudit

@Suite struct FileExporterTests {
    @Test func rotatesAtTheSizeLimitKeepingNewestBackupsFirst() throws {
        let directory = TestFiles.temporaryDirectory()
        let path = "\(directory)/nested/out.jsonl"
        let writer = try RotatingFileWriter(path: path, maxBytes: 1000, maxBackups: 2)
        for index in 0..<10 {
            try writer.write(Array("\(index):\(String(repeating: "x", count: 396))\n".utf8))
        }
        writer.close()
        // 400-byte lines, two per file: 8,9 | 6,7 | 4,5 kept; older ones rotated away.
        #expect(TestFiles.lines(path).map { $0.prefix(2) } == ["8:", "9:"])
        #expect(TestFiles.lines("\(directory)/nested/out-1.jsonl").map { $0.prefix(2) } == ["6:", "7:"])
        #expect(TestFiles.lines("\(directory)/nested/out-2.jsonl").map { $0.prefix(2) } == ["4:", "5:"])
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/nested/out-3.jsonl"))
    }

    @Test func appendsToAnExistingFileAndCountsItsSize() throws {
        let directory = TestFiles.temporaryDirectory()
        let path = "\(directory)/out.jsonl"
        try String(repeating: "y", count: 900).appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        let writer = try RotatingFileWriter(path: path, maxBytes: 1000, maxBackups: 1)
        try writer.write(Array("\(String(repeating: "z", count: 199))\n".utf8))
        writer.close()
        #expect(TestFiles.lines(path).first?.first == "z")
        #expect(TestFiles.lines("\(directory)/out-1.jsonl").first?.first == "y")
    }

    @Test func backupNamesKeepTheExtension() throws {
        let directory = TestFiles.temporaryDirectory()
        #expect(try RotatingFileWriter(path: "\(directory)/a.b/out", maxBytes: 0, maxBackups: 1).backupPath(3) == "\(directory)/a.b/out-3")
        #expect(try RotatingFileWriter(path: "\(directory)/x.jsonl", maxBytes: 0, maxBackups: 1).backupPath(1) == "\(directory)/x-1.jsonl")
    }
}
