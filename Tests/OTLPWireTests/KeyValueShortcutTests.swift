@testable import OTLPWire
import TestSupport
import Testing

/// The validator settles attributes in the common layout without walking
/// them (`KeyValueShortcut`); it may only ever accept what the walk accepts.
@Suite struct KeyValueShortcutTests {
    @Test func theShortcutAcceptsOnlyWhatTheSchemaWalkAccepts() {
        var random = SeededRandom(seed: 41)
        var accepted = 0, rejectedByWalk = 0
        for _ in 0..<20_000 {
            var pair = ProtoWriter()
            if Bool.random(using: &random) {
                pair.bytesField(1, Self.text(using: &random))
                pair.message(2) { Self.writeScalar(&$0, using: &random) }
            } else {
                KeyScanTests.writePair(&pair, using: &random)
            }
            var bytes = pair.bytes
            if !bytes.isEmpty, Int.random(in: 0..<4, using: &random) == 0 {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            bytes.withUnsafeBytes { raw in
                let walk = (try? OTLPValidator.validate(raw, as: OTLPSchema.keyValue)) != nil
                if !walk { rejectedByWalk += 1 }
                if KeyValueShortcut.accepts(raw, 0..<raw.count) {
                    accepted += 1
                    #expect(walk, "accepted by the shortcut, rejected by the walk: \(bytes)")
                }
            }
        }
        #expect(accepted > 4000)
        #expect(rejectedByWalk > 1000)
    }

    /// Mostly valid UTF-8, sometimes not (a lone continuation byte, a
    /// surrogate, an overlong form, a truncated sequence).
    static func text(using random: inout SeededRandom) -> [UInt8] {
        var bytes = Array("gen_ai.usage.é名".utf8.prefix(Int.random(in: 0...19, using: &random)))
        if Int.random(in: 0..<4, using: &random) == 0 {
            bytes += [[0x80], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x82]].randomElement(using: &random) ?? []
        }
        return bytes
    }

    /// One AnyValue member, sometimes malformed: varints of 1-11 bytes with
    /// or without an end, doubles of 7-9 bytes, strings of any validity.
    static func writeScalar(_ value: inout ProtoWriter, using random: inout SeededRandom) {
        switch Int.random(in: 0..<5, using: &random) {
        case 0: value.bytesField(1, text(using: &random))
        case 1, 2:
            value.tag(UInt32.random(in: 2...3, using: &random), .varint)
            let length = Int.random(in: 1...11, using: &random)
            var varint = (0..<length).map { _ in UInt8.random(in: 0x80...0xFF, using: &random) }
            if Int.random(in: 0..<4, using: &random) != 0 { varint[length - 1] &= 0x7F }
            value.append(raw: varint)
        case 3:
            value.tag(4, .fixed64)
            value.append(raw: [UInt8](repeating: 0x40, count: Int.random(in: 7...9, using: &random)))
        default:
            break  // an empty AnyValue
        }
    }
}
