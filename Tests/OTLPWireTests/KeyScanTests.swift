import OTLPWire
import TestSupport
import Testing

/// `containsKey(where:)` reads keys without building views; on any layout,
/// adversarial ones included, it must see exactly the keys the views see.
@Suite struct KeyScanTests {
    @Test func theKeyScanSeesWhatTheViewsSee() {
        var random = SeededRandom(seed: 29)
        for _ in 0..<3000 {
            var writer = ProtoWriter()
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                writer.message(9) { pair in Self.writePair(&pair, using: &random) }
                if Bool.random(using: &random) { writer.varintField(10, 3) }  // a span field between pairs
            }
            let bytes = writer.bytes
            bytes.withUnsafeBytes { raw in
                let attributes = RepeatedMessages<KeyValueView>(bytes: raw, range: 0..<raw.count, fieldNumber: 9, context: ())
                let viewed = attributes.map { Array($0.key.rawBytes) }
                // The views against a plain decoding of each pair: the last
                // key and the last value on the wire win, on any layout.
                let expected = Self.referencePairs(raw)
                #expect(viewed == expected.map(\.key))
                #expect(attributes.map { $0.value?.stringValue.map { Array($0.rawBytes) } } == expected.map(\.value))
                var scanned: [[UInt8]] = []
                let found = attributes.containsKey { key in
                    scanned.append(Array(key.rawBytes))
                    return false
                }
                #expect(!found)
                #expect(scanned == viewed)
                // And it stops at the first key that satisfies the predicate.
                if let target = viewed.last {
                    var visited = 0
                    #expect(attributes.containsKey { key in visited += 1; return Array(key.rawBytes) == target })
                    #expect(visited == (viewed.firstIndex(of: target) ?? -1) + 1)
                }
            }
        }
    }

    /// `SpanView.attributeKeyInitials` may only err towards "maybe": every
    /// first byte of every key the views see must be in the set, whatever
    /// the layout; and pairs in the layout encoders write add only their own.
    @Test func keyInitialsHoldTheFirstByteOfEveryKeyTheViewsSee() {
        var random = SeededRandom(seed: 31)
        var exact = 0
        for _ in 0..<3000 {
            var span = ProtoWriter()
            span.bytesField(1, [UInt8](repeating: 1, count: 16))
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                span.message(9) { pair in Self.writePair(&pair, using: &random) }
                if Bool.random(using: &random) { span.varintField(10, 3) }
            }
            let bytes = span.bytes
            bytes.withUnsafeBytes { raw in
                let frame = LengthFrame(prefixStart: 0, payload: 0..<raw.count)
                let view = SpanView(bytes: raw, frame: frame, context: ParentFrames(resource: frame, scope: frame))
                let initials = view.attributeKeyInitials
                let keys = view.attributes.map { Array($0.key.rawBytes) }
                for key in keys {
                    guard let first = key.first else { continue }
                    let one = Self.initials(of: first)
                    #expect(initials.mayShare(one), "key starting with \(first)")
                }
                if initials.bits != ~0 {
                    exact += 1
                    let expected = keys.compactMap(\.first).reduce(UInt64(0)) { $0 | 1 << UInt64($1 & 63) }
                    #expect(initials.bits == expected)
                }
            }
        }
        #expect(exact > 300)
    }

    static func initials(of byte: UInt8) -> KeyInitials {
        // Through a one-pair span: KeyInitials' only way in from outside OTLPWire.
        var span = ProtoWriter()
        span.message(9) { pair in
            pair.bytesField(1, [byte])
            pair.message(2) { $0.bytesField(1, [0x78]) }
        }
        return span.bytes.withUnsafeBytes { raw in
            let frame = LengthFrame(prefixStart: 0, payload: 0..<raw.count)
            return SpanView(bytes: raw, frame: frame, context: ParentFrames(resource: frame, scope: frame)).attributeKeyInitials
        }
    }

    /// Each pair's key and string value, decoded field by field without the views.
    static func referencePairs(_ raw: UnsafeRawBufferPointer) -> [(key: [UInt8], value: [UInt8]?)] {
        var pairs: [(key: [UInt8], value: [UInt8]?)] = []
        var outer = ProtoCursor(bytes: raw)
        while let field = try? outer.next() {
            guard field.number == 9, field.wireType == .lengthDelimited else { continue }
            var key: [UInt8] = []
            var value: [UInt8]?
            var inner = ProtoCursor(bytes: raw, range: field.payload)
            while let member = try? inner.next() {
                guard member.wireType == .lengthDelimited else { continue }
                if member.number == 1 { key = Array(raw[member.payload]) }
                if member.number == 2 {
                    value = nil
                    var any = ProtoCursor(bytes: raw, range: member.payload)
                    while let part = try? any.next() {
                        if part.number == 1, part.wireType == .lengthDelimited { value = Array(raw[part.payload]) }
                    }
                }
            }
            pairs.append((key, value))
        }
        return pairs
    }

    /// One `KeyValue` in one of the layouts encoders write, or one they do not.
    static func writePair(_ pair: inout ProtoWriter, using random: inout SeededRandom) {
        func key() -> [UInt8] {
            let length = [0, 1, 7, 20, 127, 128, 300].randomElement(using: &random) ?? 7
            return (0..<length).map { _ in UInt8.random(in: 0x61...0x7A, using: &random) }
        }
        func value(_ pair: inout ProtoWriter) {
            let length = [0, 5, 126, 127, 128, 600].randomElement(using: &random) ?? 5
            pair.message(2) { $0.bytesField(1, [UInt8](repeating: 0x78, count: length)) }
        }
        switch Int.random(in: 0..<7, using: &random) {
        case 0, 1, 2:  // key, value: what every encoder writes
            pair.bytesField(1, key())
            value(&pair)
        case 3:  // key only
            pair.bytesField(1, key())
        case 4:  // value first
            value(&pair)
            pair.bytesField(1, key())
        case 5:  // two keys: the last one wins
            pair.bytesField(1, key())
            value(&pair)
            pair.bytesField(1, key())
        default:  // an unknown field after the value, or no key at all
            if Bool.random(using: &random) { pair.bytesField(1, key()) }
            value(&pair)
            pair.varintField(3, 1)
        }
    }
}
