import ArgumentParser
import TokenAudit

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration file and report every problem with its key path and line.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        do {
            let config = try options.load()
            let pipelines = config.service.pipelines.map(\.id.description).sorted().joined(separator: ", ")
            print("\(options.config ?? "(embedded default)"): configuration is valid (pipelines: \(pipelines))")
        } catch let error as ConfigError {
            var stderr = StandardError()
            print(error, to: &stderr)
            throw ExitCode(1)
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.writeStderr(string)
    }
}

import Foundation

enum FileHandleOutput {
    static func writeStderr(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
