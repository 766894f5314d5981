/// The protobuf wire types tokenaudit reads. Groups (3, 4) are deprecated and
/// no OTLP message uses them; they are rejected as unsupported.
public enum WireType: UInt8, Hashable, Sendable, CustomStringConvertible {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5

    public var description: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .fixed32: "fixed32"
        }
    }
}
