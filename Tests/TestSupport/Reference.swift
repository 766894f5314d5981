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
