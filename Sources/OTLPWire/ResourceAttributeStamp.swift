public import NIOCore

/// Sets one string attribute on every resource of an export request (traces
/// or logs: both keep their resource groups in field 1 and the `Resource` in
/// field 1 of each), replacing any attribute the sender put there under the
/// same key. A group without a resource gets one.
///
/// This is how a receiver records who sent the data (an authenticated
/// tenant) so that a client cannot claim to be someone else by sending the
/// attribute itself.
public enum ResourceAttributeStamp {
    /// Writes `request` with the stamp applied into `out`. Invariant:
    /// `request` is a validated export request.
    public static func apply(key: String, value: String, to request: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        var writer = SpliceWriter()
        Array(key.utf8).withUnsafeBytes { keyBytes in
            for group in ExportRequestView<SpanView>(bytes: request).resources {
                guard let resource = group.resource else {
                    writer.append(to: SpliceTarget(topLevel: group.frame)) { w in
                        w.message(1) { $0.attribute(1, key: key, value: .string(value)) }
                    }
                    continue
                }
                let target = SpliceTarget(parent: group.frame, inner: resource.frame)
                var cursor = ProtoCursor(bytes: request, range: resource.frame.payload)
                while let field = cursor.nextField() {
                    guard field.number == 1, field.wireType == .lengthDelimited else { continue }
                    if KeyValueView(bytes: request, frame: field.frame, context: ()).key.equals(keyBytes) {
                        writer.remove(field.extent, from: target)
                    }
                }
                writer.append(to: target) { $0.attribute(1, key: key, value: .string(value)) }
            }
        }
        writer.write(request, into: &out)
    }
}
