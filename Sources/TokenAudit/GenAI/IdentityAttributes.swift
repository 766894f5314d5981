import OTLPWire

/// `tokenaudit.principal` and `tokenaudit.team` as spliceable bytes, encoded
/// once per identity: the spans of a request mostly come from one caller,
/// and encoding the pair field by field for each of them cost about a
/// thousand instructions per span.
///
/// Holds the last identity only (a request that alternates callers encodes
/// at each change, as before); one instance per request.
struct IdentityAttributes {
    private var principal = ""
    private var team: String?
    private var encoded: [UInt8] = []

    /// The two attributes (the team only when known) as `Span.attributes` fields.
    mutating func fields(principal: String, team: String?) -> [UInt8] {
        if encoded.isEmpty || principal != self.principal || team != self.team {
            var writer = ProtoWriter(reservingCapacity: 32 + principal.utf8.count + (team?.utf8.count ?? 0))
            let field = SpanView.attributesFieldNumber
            writer.attribute(field, key: "tokenaudit.principal", value: .string(principal))
            if let team { writer.attribute(field, key: "tokenaudit.team", value: .string(team)) }
            (self.principal, self.team, encoded) = (principal, team, writer.bytes)
        }
        return encoded
    }
}
