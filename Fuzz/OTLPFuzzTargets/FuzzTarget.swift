import CompressNIO
import NIOCore
import OTLPWire
import TestSupport

/// The properties fuzzing checks, one target per way bytes enter the daemon.
/// Each run takes one input and reports a violated property, never traps on
/// its own: the libFuzzer driver turns a violation into a crash, the test
/// harness into a test failure.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Protobuf export requests (both signals): our reader against
    /// libprotobuf-c, then splice and JSON round trip on what both accept.
    case protobuf
    /// OTLP/JSON bodies: whatever the transcoder produces must be a valid
    /// request that libprotobuf-c reads.
    case json
    /// gzip bodies: bounded output, truncation detected, round trip exact.
    case gzip

    public struct Outcome: Sendable {
        /// Whether some signal accepted the input (for corpus statistics).
        public var accepted = false
        /// The property that did not hold, in words.
        public var violation: String?
    }

    public func run(_ input: UnsafeRawBufferPointer) -> Outcome {
        switch self {
        case .protobuf: ProtobufProperties.check(input)
        case .json: JSONProperties.check(input)
        case .gzip: GzipProperties.check(input)
        }
    }

    /// The signals an input is tried as.
    static let signals: [(schema: MessageSchema, isTraces: Bool)] = [
        (OTLPSchema.exportTraceRequest, true), (OTLPSchema.exportLogsRequest, false),
    ]
}
