public import CProtobufReference

/// Calls into libprotobuf-c.
public enum Reference {
    public static func dump(_ bytes: [UInt8], kind: ta_ref_kind) -> String? {
        bytes.withUnsafeBufferPointer { buffer -> String? in
            guard let cString = ta_ref_dump(kind, buffer.baseAddress, buffer.count) else { return nil }
            defer { free(cString) }
            return String(cString: cString)
        }
    }

    public static func traces(_ bytes: [UInt8]) -> String? { dump(bytes, kind: TA_REF_EXPORT_TRACE_REQUEST) }
    public static func logs(_ bytes: [UInt8]) -> String? { dump(bytes, kind: TA_REF_EXPORT_LOGS_REQUEST) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Reference {
    /// A canonical dump without the `attributes { key: "<prefix>..." ... }`
    /// blocks: what a request looked like before enrichment.
    public static func removingAttributes(withPrefix prefix: String, from dump: String) -> String {
        let lines = dump.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == " " }
            if line.dropFirst(indent.count) == "attributes {", index + 1 < lines.count,
               lines[index + 1].hasPrefix(indent + " key: \"" + prefix) {
                index += 1
                while index < lines.count, lines[index] != indent + "}" { index += 1 }
                index += 1
                continue
            }
            kept.append(line)
            index += 1
        }
        return kept.joined(separator: "\n")
    }
}
