import OTLPWire
import TestSupport

/// The JSON transcoder: any input either fails with an error, or becomes a
/// request our validator and libprotobuf-c both accept. And the in-place
/// reader that message content goes through: `JSONParser.check` accepts
/// exactly what `parse` accepts, and `JSONValueView` walks to the same tree.
enum JSONProperties {
    static func check(_ input: UnsafeRawBufferPointer) -> FuzzTarget.Outcome {
        var outcome = FuzzTarget.Outcome()
        if let violation = readInPlace(input) {
            outcome.violation = violation
            return outcome
        }
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

    static func readInPlace(_ input: UnsafeRawBufferPointer) -> String? {
        let parsed = try? JSONParser.parse(input)
        let checked = (try? JSONParser.check(input)) != nil
        guard checked == (parsed != nil) else {
            return checked ? "JSONParser.check accepts what parse refuses" : "JSONParser.check refuses what parse accepts"
        }
        guard let parsed else { return nil }
        guard let view = JSONValueView.parse(input) else { return "JSONValueView refuses what JSONParser accepts" }
        return same(view, parsed.value) ? nil : "JSONValueView walks to another tree than JSONParser builds"
    }

    private static func same(_ view: JSONValueView, _ value: JSONValue) -> Bool {
        switch (view.kind, value) {
        case (.null, .null), (.bool, .bool): return true
        case (.number, .number(let n)): return view.number == n
        case (.string, .string(let s)): return view.string == s && view.withString { String(decoding: $0, as: UTF8.self) } == s
        case (.array, .array(let items)):
            var index = 0, matches = true
            view.forEachElement { element in
                matches = matches && index < items.count && same(element, items[index].value)
                index += 1
            }
            return matches && index == items.count
        case (.object, .object(let members)):
            var index = 0, matches = true
            view.forEachMember { key, member in
                matches = matches && index < members.count && key.string == members[index].key && same(member, members[index].node.value)
                index += 1
            }
            return matches && index == members.count
        default: return false
        }
    }
}
