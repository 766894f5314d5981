import Foundation
import OTLPFuzzTargets

// Built two ways (see `make fuzz`):
// - with `--sanitize=fuzzer` and `-DFUZZING`: libFuzzer's main drives
//   `LLVMFuzzerTestOneInput`; FUZZ_TARGET picks the target;
// - without: `tokenaudit-fuzz <target> <file|dir>...` replays inputs (a
//   crash libFuzzer saved, a corpus) and says which property broke.

#if FUZZING
private let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "protobuf"
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue))\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let outcome = selected.run(UnsafeRawBufferPointer(start: data, count: size))
    if let violation = outcome.violation {
        // A broken property is the crash libFuzzer is looking for: it saves the input.
        FileHandle.standardError.write(Data("property violated (\(selected.rawValue)): \(violation)\n".utf8))
        abort()
    }
    return 0
}
#else
@main
struct FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count >= 2 else {
            print("usage: tokenaudit-fuzz <\(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|"))> <file or directory>...")
            exit(2)
        }
        var files: [String] = []
        for path in arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        var violations = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let outcome = data.withUnsafeBytes { target.run($0) }
            if let violation = outcome.violation {
                violations += 1
                print("\(file): \(violation)")
            }
        }
        print("\(files.count) inputs replayed against \(target.rawValue), \(violations) violations")
        exit(violations == 0 ? 0 : 1)
    }
}
#endif
