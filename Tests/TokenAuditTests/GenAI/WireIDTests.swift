import OTLPWire
import Testing
@testable import TokenAudit

/// `WireID` keeps ids inline: it must read back, compare, hash and key
/// exactly as the bytes it was made from.
@Suite struct WireIDTests {
    @Test func idsOfEveryLengthReadBackCompareAndKeyAsTheirBytes() {
        var seen: [WireID: [UInt8]] = [:]
        for length in 0...16 {
            for fill in [UInt8(0), 1, 0xFF] {
                let bytes = (0..<length).map { UInt8(truncatingIfNeeded: Int(fill) &+ $0 &* 37) }
                let id = WireID(bytes)
                #expect(Array(id) == bytes)
                #expect(id.count == length)
                #expect(id.withUnsafeBytes { Array($0) } == bytes)
                #expect(WireIDKey.of(id) == WireIDKey.of(bytes))
                var hex: [UInt8] = []
                HexCoding.encode(bytes, into: &hex)
                #expect(id.description == String(decoding: hex, as: UTF8.self))
                if let earlier = seen[id] { #expect(earlier == bytes, "equal ids, equal bytes") }
                seen[id] = bytes
            }
        }
        // A trailing zero byte is part of the id: lengths tell such ids apart.
        #expect(WireID([1, 0]) != WireID([1]))
        #expect(WireID([]) == [])
        #expect(WireID(Array(repeating: 9, count: 20)).count == 16, "longer input keeps its first 16 bytes")
    }
}
