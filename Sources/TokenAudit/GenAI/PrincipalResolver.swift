import OTLPWire

/// Who made a call: the first configured attribute present on the span, then
/// on the resource; failing both, the calling service. Team from the team
/// attribute (span, then resource) or the directory.
///
/// A request's spans share a few resources, so what a resource says is read
/// once per resource group (`identity(of:)`) and each span adds only its own
/// attributes (`resolve`).
struct PrincipalResolver: Sendable {
    let attributes: [String]
    let teamAttribute: String
    let directory: TeamDirectory?
    /// `Principal.source` of each attribute found on a resource, made once.
    private let resourceSources: [String]

    /// What one resource says about its callers, every string copied out.
    struct ResourceIdentity: Sendable {
        /// Aligned with `attributes`: the principal that attribute names on
        /// the resource, nil when absent or empty.
        var principals: [Principal?]
        var team: String?
        var service: String?

        static let none = ResourceIdentity(principals: [], team: nil, service: nil)
    }

    init(attributes: [String], teamAttribute: String, directory: TeamDirectory?) {
        self.attributes = attributes
        self.teamAttribute = teamAttribute
        self.directory = directory
        resourceSources = attributes.map { "resource:\($0)" }
    }

    /// Reads the resource's principal, team and service attributes in one pass.
    func identity(of resource: ResourceView?) -> ResourceIdentity {
        guard let resource else { return .none }
        var identity = ResourceIdentity(principals: Array(repeating: nil, count: attributes.count), team: nil, service: nil)
        for pair in resource.attributes where pair.valueFrame != nil {
            // The first occurrence of a key wins, as on spans; one key may
            // play several parts (`service.name` as a principal attribute).
            // Values are decoded only for the keys wanted.
            if identity.service == nil, pair.key.equals("service.name") { identity.service = Self.nonEmptyText(pair.value) }
            if identity.team == nil, Self.key(pair.key, is: teamAttribute) { identity.team = Self.nonEmptyText(pair.value) }
            for index in attributes.indices where identity.principals[index] == nil && Self.key(pair.key, is: attributes[index]) {
                identity.principals[index] = Self.nonEmptyText(pair.value).map {
                    Principal(id: $0, kind: .user, source: resourceSources[index])
                }
            }
        }
        return identity
    }

    func resolve(_ span: GenAIAttributes, resource: ResourceIdentity) -> (Principal, team: String?, service: String?) {
        var principal = Principal.unknown
        for (index, key) in attributes.enumerated() {
            if let id = span.string(named: key) {
                principal = Principal(id: id, kind: .user, source: key)
                break
            }
            if index < resource.principals.count, let named = resource.principals[index] {
                principal = named
                break
            }
        }
        if principal.kind == .unknown, let service = resource.service {
            principal = Principal(id: service, kind: .service, source: "resource:service.name")
        }
        let team = span.string(named: teamAttribute) ?? resource.team ?? directory?.team(of: principal.id)
        return (principal, team, resource.service)
    }

    private static func key(_ wire: WireString, is name: String) -> Bool {
        name.withBorrowedUTF8 { wire.equals($0) }
    }

    private static func nonEmptyText(_ value: AnyValueView?) -> String? {
        guard let value, let text = AttributeScalar(value).text, !text.isEmpty else { return nil }
        return text
    }
}
