import NIOCore
import OTLPWire

/// Records the authenticated tenant on the data: `tokenaudit.tenant` on
/// every resource of the request, replacing whatever the sender put there.
enum TenantStamp {
    static let attributeKey = "tokenaudit.tenant"

    /// `batch` with its request rewritten to carry `tenant`.
    static func apply(_ tenant: String, to batch: TelemetryBatch) -> TelemetryBatch {
        var stamped = batch
        var out = ByteBuffer()
        out.reserveCapacity(batch.request.readableBytes + 64)
        batch.request.withUnsafeReadableBytes { ResourceAttributeStamp.apply(key: attributeKey, value: tenant, to: $0, into: &out) }
        stamped.request = out
        return stamped
    }
}
