import TestSupport

/// Deterministic mutations of seed inputs, for the bounded fuzz run inside
/// `make test` (libFuzzer, under `make fuzz`, brings its own coverage-guided
/// mutator). The mutations aim at what breaks protobuf, JSON and gzip
/// readers: flipped bits, lying lengths, cut and duplicated ranges, and
/// crossovers of two valid inputs.
public struct SeededMutator {
    private var random: SeededRandom

    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    public mutating func next() -> UInt64 { random.next() }

    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    static let interestingBytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x12, 0x1A, 0x22, 0x2A, 0x08, 0x10, 0x09, 0x11]
    static let hugeVarint: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
    static let jsonTokens: [String] = [
        "{", "}", "[", "]", "\"", ",", ":", "null", "true", "-0", "1e400", "18446744073709551616", "-9223372036854775809",
        "\"\\u0000\"", "\"\\ud800\"", "\"traceId\"", "\"AAAA\"", "{\"intValue\":\"12\"}", "NaN", "0.5", "\\",
    ]

    /// One to four mutations of `seed`, sometimes crossed with `other`.
    public mutating func mutate(_ seed: [UInt8], other: [UInt8], json: Bool = false) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(4) {
            let at = below(bytes.count + 1)
            switch below(json ? 10 : 9) {
            case 0 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] = Self.interestingBytes[below(Self.interestingBytes.count)]
            case 2:
                bytes.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: next()) }, at: at)
            case 3 where !bytes.isEmpty:
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(32)))
            case 4 where !bytes.isEmpty:
                let start = below(bytes.count), length = 1 + below(min(64, bytes.count - start))
                bytes.insert(contentsOf: bytes[start..<(start + length)], at: at)
            case 5:
                bytes = Array(bytes.prefix(at))
            case 6:
                bytes.insert(contentsOf: Self.hugeVarint.prefix(1 + below(5)), at: at)
            case 7 where !other.isEmpty:
                // Crossover: our head, the other input's tail.
                bytes = Array(bytes.prefix(at)) + other.suffix(below(other.count + 1))
            case 8 where !bytes.isEmpty:
                // Rewrite a byte that may be a length prefix to point further.
                let i = min(at, bytes.count - 1)
                bytes[i] = bytes[i] &+ UInt8(truncatingIfNeeded: 1 + below(16))
            case 9:
                bytes.insert(contentsOf: Array(Self.jsonTokens[below(Self.jsonTokens.count)].utf8), at: at)
            default:
                bytes.append(UInt8(truncatingIfNeeded: next()))
            }
        }
        return bytes
    }
}
