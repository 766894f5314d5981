extension ConfigMapping {
    /// `auth: { authenticator: <extension id> }`, as in the Collector: which
    /// extension checks the credentials of requests to this endpoint.
    mutating func authenticator(_ key: String = "auth") -> ComponentID? {
        guard has(key) else { return nil }
        var auth = mapping(key)
        let name = auth.string("authenticator", default: "")
        if name.isEmpty {
            auth.report("authenticator", "must name the extension that checks credentials, e.g. bearertokenauth")
        }
        auth.finish()
        return name.isEmpty ? nil : ComponentID(name)
    }
}
