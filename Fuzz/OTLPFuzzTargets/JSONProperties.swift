import OTLPWire
import TestSupport

/// The JSON transcoder: any input either fails with an error, or becomes a
/// request our validator and libprotobuf-c both accept.
enum JSONProperties {
    static func check(_ input: UnsafeRawBufferPointer) -> FuzzTarget.Outcome {
        var outcome = FuzzTarget.Outcome()
        for (schema, isTraces) in FuzzTarget.signals {
            let protobuf: [UInt8]
            do {
                protobuf = try OTLPJSONDecoder.protobuf(fromJSON: input, as: schema)
            } catch {
                continue
            }
            outcome.accepted = true
            do {
                try protobuf.withUnsafeBytes { try OTLPValidator.validate($0, as: schema) }
            } catch {
                outcome.violation = "\(schema.name): the transcoded request does not validate: \(error)"
                return outcome
            }
            if (isTraces ? Reference.traces(protobuf) : Reference.logs(protobuf)) == nil {
                outcome.violation = "\(schema.name): libprotobuf-c rejects the transcoded request"
                return outcome
            }
        }
        return outcome
    }
}
