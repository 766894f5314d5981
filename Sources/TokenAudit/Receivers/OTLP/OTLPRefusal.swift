import HTTPTypes
import NIOCore
import OTLPWire

/// The media types OTLP/HTTP speaks; responses use the request's type.
enum OTLPMediaType: Sendable {
    case protobuf, json

    init?(contentType: String?) {
        guard let contentType else { return nil }
        let essence = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        switch essence {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}

/// `google.rpc.Code` values used in OTLP error bodies.
enum RPCCode: Int32, Sendable {
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case resourceExhausted = 8
    case unimplemented = 12
    case unavailable = 14
    case unauthenticated = 16
}

/// A refused OTLP request, for either protocol: the HTTP status, the
/// `google.rpc` code (also the gRPC status) and a message that says what was
/// wrong.
struct OTLPRefusal: Error, Sendable {
    var status: HTTPResponse.Status
    var code: RPCCode
    var message: String
    /// Sent as `Retry-After` (whole seconds, at least 1) for 429/503.
    var retryAfter: Duration?
    var extraHeaders: HTTPFields = [:]

    static func badRequest(_ message: String) -> OTLPRefusal {
        OTLPRefusal(status: .badRequest, code: .invalidArgument, message: message)
    }

    static func tooLarge(limit: Int, decompressed: Bool) -> OTLPRefusal {
        OTLPRefusal(
            status: .contentTooLarge, code: .resourceExhausted,
            message: "request body \(decompressed ? "after decompression " : "")exceeds the limit of \(limit) bytes")
    }

    /// 401 / UNAUTHENTICATED, with the challenge RFC 6750 asks for.
    static func unauthenticated(_ rejection: BearerTokenAuthenticator.Rejection) -> OTLPRefusal {
        var refusal = OTLPRefusal(status: .unauthorized, code: .unauthenticated, message: rejection.message)
        refusal.extraHeaders[.wwwAuthenticate] = rejection == .unknownToken
            ? #"Bearer realm="OTLP", error="invalid_token""# : #"Bearer realm="OTLP""#
        return refusal
    }

    static func unavailable(_ message: String, retryAfter: Duration) -> OTLPRefusal {
        OTLPRefusal(status: .serviceUnavailable, code: .unavailable, message: message, retryAfter: retryAfter)
    }

    /// The body: a `google.rpc.Status` in `mediaType`, or plain text when the
    /// request's media type is not one OTLP knows.
    func body(as mediaType: OTLPMediaType?) -> (contentType: String, bytes: ByteBuffer) {
        var status = ProtoWriter()
        status.varintField(1, UInt64(bitPattern: Int64(code.rawValue)))
        status.stringField(2, message)
        switch mediaType {
        case .protobuf:
            return (OTLPMediaType.protobuf.contentType, ByteBuffer(bytes: status.bytes))
        case .json:
            let json = status.bytes.withUnsafeBytes { OTLPJSONEncoder.json(fromProtobuf: $0, as: OTLPSchema.rpcStatus) }
            return (OTLPMediaType.json.contentType, ByteBuffer(bytes: json))
        case nil:
            return ("text/plain; charset=utf-8", ByteBuffer(string: message + "\n"))
        }
    }
}
