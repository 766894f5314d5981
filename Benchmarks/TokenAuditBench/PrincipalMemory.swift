import Foundation
import NIOCore
import OTLPWire
import TokenAudit

/// Issue 7's memory row: a processor tracking `principals` principals, fed
/// through its public path (requests of LLM spans), with peak RSS read from
/// the kernel. Most principals make a few calls, one in ten fills its window.
enum PrincipalMemory {
    struct Result: Codable {
        var principals: Int
        var calls: Int
        var stateBytesPerPrincipal: Double
        var residentGrowthMiB: Double
        var peakResidentMiB: Double
    }

    static func measure(principals: Int = 100_000) async throws -> Result {
        let processor = try TokenAuditProcessor(id: ComponentID("tokenaudit/memory"), config: TokenAuditProcessorConfig())
        let before = residentMiB(.resident)
        var calls = 0
        let perRequest = 1000
        var writer = ProtoWriter(reservingCapacity: 1 << 20)
        var inRequest = 0
        for p in 0..<principals {
            let count = p % 10 == 0 ? 40 : 1 + p % 6
            for c in 0..<count {
                span(principal: p, call: c, into: &writer)
                calls += 1
                inRequest += 1
                if inRequest == perRequest {
                    _ = await processor.process(TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: writer.bytes), itemCount: inRequest))
                    writer = ProtoWriter(reservingCapacity: 1 << 20)
                    inRequest = 0
                }
            }
        }
        if inRequest > 0 {
            _ = await processor.process(TelemetryBatch(signal: .traces, request: ByteBuffer(bytes: writer.bytes), itemCount: inRequest))
        }
        let tracked = processor.detection.trackedPrincipals
        return Result(
            principals: tracked, calls: calls,
            stateBytesPerPrincipal: Double(processor.detection.principalStateBytes) / Double(max(1, tracked)),
            residentGrowthMiB: residentMiB(.resident) - before, peakResidentMiB: residentMiB(.peakResident))
    }

    private static func span(principal p: Int, call c: Int, into w: inout ProtoWriter) {
        w.message(1) { rs in
            rs.message(2) { ss in
                ss.message(2) { s in
                    var id = [UInt8](repeating: 0, count: 16)
                    withUnsafeBytes(of: UInt64(p).bigEndian) { id.replaceSubrange(0..<8, with: $0) }
                    withUnsafeBytes(of: UInt64(c).bigEndian) { id.replaceSubrange(8..<16, with: $0) }
                    s.bytesField(1, id)
                    s.bytesField(2, id[8..<16])
                    s.stringField(5, "chat")
                    let start = 1_790_000_000_000_000_000 + UInt64(c) * 97_000_000_000
                    s.fixed64Field(7, start)
                    s.fixed64Field(8, start + 2_000_000_000)
                    s.attribute(9, key: "gen_ai.operation.name", value: .string("chat"))
                    s.attribute(9, key: "gen_ai.request.model", value: .string("gpt-4o-mini"))
                    s.attribute(9, key: "gen_ai.usage.input_tokens", value: .int(Int64(300 + (p * 7 + c * 13) % 900)))
                    s.attribute(9, key: "gen_ai.usage.output_tokens", value: .int(Int64(100 + c % 300)))
                    s.attribute(9, key: "user.id", value: .string("user-\(p)@example.com"))
                }
            }
        }
    }

    /// This process's resident memory now, or at its peak, in MiB.
    static func residentMiB(_ figure: ProcessMemory.Figure) -> Double {
        Double(ProcessMemory.bytes(figure) ?? 0) / 1_048_576
    }
}
