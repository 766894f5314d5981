import NIOCore
import OTLPWire
import TestSupport

/// Differential properties of the protobuf reader:
/// - what we accept, libprotobuf-c accepts, and our views see exactly the
///   fields it sees;
/// - what libprotobuf-c accepts, we accept, except where we are deliberately
///   stricter: valid UTF-8 in strings, 16/8-byte ids, bounded nesting (OTLP
///   asks for more than protobuf), field numbers past 2^29 - 1 (the
///   protobuf limit, which libprotobuf-c does not enforce on unknown
///   fields), a singular message field sent twice (protobuf merges the
///   copies), and a known field sent with the wrong
///   wire type (libprotobuf-c reads a length-delimited `bool_value` as a
///   bool, where we refuse the request as malformed);
/// - splicing an attribute into every record keeps the request valid and
///   adds exactly that;
/// - protobuf → OTLP/JSON → protobuf gives back the same request.
enum ProtobufProperties {
    static func check(_ input: UnsafeRawBufferPointer) -> FuzzTarget.Outcome {
        var outcome = FuzzTarget.Outcome()
        let bytes = Array(input)
        for (schema, isTraces) in FuzzTarget.signals {
            let reference = isTraces ? Reference.traces(bytes) : Reference.logs(bytes)
            let ours: WireError?
            do {
                try OTLPValidator.validate(input, as: schema)
                ours = nil
            } catch {
                ours = error
            }
            if let ours {
                if reference != nil, !isDeliberateStrictness(ours.kind) {
                    outcome.violation = "\(schema.name): libprotobuf-c accepts what we reject: \(ours)"
                    return outcome
                }
                continue
            }
            outcome.accepted = true
            guard let reference else {
                outcome.violation = "\(schema.name): we accept what libprotobuf-c rejects"
                return outcome
            }
            let dump = isTraces ? CanonicalDump.traces(input) : CanonicalDump.logs(input)
            guard dump == reference else {
                outcome.violation = "\(schema.name): our views differ from libprotobuf-c\n--- ours\n\(dump)\n--- libprotobuf-c\n\(reference)"
                return outcome
            }
            if let problem = spliceProblem(input, isTraces: isTraces, reference: reference) ?? jsonRoundTripProblem(input, schema: schema, isTraces: isTraces, reference: reference) {
                outcome.violation = "\(schema.name): \(problem)"
                return outcome
            }
        }
        return outcome
    }

    /// Rejections libprotobuf-c does not make (it validates neither UTF-8, id
    /// lengths nor nesting depth, and skips the wire-type check for some
    /// scalar types), so its acceptance does not contradict them.
    static func isDeliberateStrictness(_ kind: WireError.Kind) -> Bool {
        switch kind {
        case .invalidUTF8, .invalidIDLength, .nestingTooDeep, .wrongWireType, .invalidFieldNumber, .repeatedSingularMessage: true
        default: false
        }
    }

    static let marker: StaticString = "fuzz.marker"

    /// One attribute appended to every span or log record.
    static func spliceProblem(_ input: UnsafeRawBufferPointer, isTraces: Bool, reference: String) -> String? {
        var writer = SpliceWriter()
        var records = 0
        func add(_ target: SpliceTarget, field: UInt32) {
            writer.append(to: target) { $0.attribute(field, key: "fuzz.marker", value: .int(Int64(records))) }
            records += 1
        }
        if isTraces {
            ExportTraceRequestView(bytes: input).forEachSpan { _, _, span in add(span.spliceTarget, field: 9) }
        } else {
            ExportLogsRequestView(bytes: input).forEachLogRecord { _, _, record in add(record.spliceTarget, field: 6) }
        }
        var out = ByteBuffer()
        writer.write(input, into: &out)
        let spliced = Array(out.readableBytesView)
        let schema = isTraces ? OTLPSchema.exportTraceRequest : OTLPSchema.exportLogsRequest
        do {
            try spliced.withUnsafeBytes { try OTLPValidator.validate($0, as: schema) }
        } catch {
            return "the spliced request does not validate: \(error)"
        }
        guard let after = isTraces ? Reference.traces(spliced) : Reference.logs(spliced) else {
            return "libprotobuf-c rejects the spliced request"
        }
        let markers = after.components(separatedBy: "key: \"fuzz.marker\"").count - 1
        guard markers == records else { return "spliced \(records) attributes, libprotobuf-c sees \(markers)" }
        guard Reference.removingAttributes(withPrefix: "fuzz.", from: after) == Reference.removingAttributes(withPrefix: "fuzz.", from: reference) else {
            return "splicing changed more than the added attributes"
        }
        return nil
    }

    static func jsonRoundTripProblem(_ input: UnsafeRawBufferPointer, schema: MessageSchema, isTraces: Bool, reference: String) -> String? {
        let json = OTLPJSONEncoder.json(fromProtobuf: input, as: schema)
        let back: [UInt8]
        do {
            back = try OTLPJSONDecoder.protobuf(fromJSON: json, as: schema)
        } catch {
            return "our own JSON does not decode: \(error)\n\(String(decoding: json, as: UTF8.self))"
        }
        guard let again = isTraces ? Reference.traces(back) : Reference.logs(back) else {
            return "libprotobuf-c rejects the request decoded from our JSON"
        }
        guard again == reference else {
            return "protobuf → JSON → protobuf changed the request\n--- before\n\(reference)\n--- after\n\(again)\n--- json\n\(String(decoding: json, as: UTF8.self))"
        }
        return nil
    }
}
