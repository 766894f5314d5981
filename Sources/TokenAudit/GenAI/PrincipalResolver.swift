import OTLPWire

/// Who made a call: the first configured attribute present on the span, then
/// on the resource; failing both, the calling service. Team from the team
/// attribute (span, then resource) or the directory.
struct PrincipalResolver: Sendable {
    let attributes: [String]
    let teamAttribute: String
    let directory: TeamDirectory?
    private let resourceKeys: [String]

    init(attributes: [String], teamAttribute: String, directory: TeamDirectory?) {
        self.attributes = attributes
        self.teamAttribute = teamAttribute
        self.directory = directory
        resourceKeys = Array(Set(attributes + [teamAttribute, "service.name"]))
    }

    func resolve(_ span: GenAIAttributes, resource: ResourceView?) -> (Principal, team: String?, service: String?) {
        let resourceValues = Self.strings(resource, keys: resourceKeys)
        var principal = Principal.unknown
        for key in attributes {
            if let id = span.string(key) {
                principal = Principal(id: id, kind: .user, source: key)
                break
            }
            if let id = resourceValues[key], !id.isEmpty {
                principal = Principal(id: id, kind: .user, source: "resource:\(key)")
                break
            }
        }
        if principal.kind == .unknown, let service = resourceValues["service.name"], !service.isEmpty {
            principal = Principal(id: service, kind: .service, source: "resource:service.name")
        }
        let team = span.string(teamAttribute)
            ?? resourceValues[teamAttribute].flatMap { $0.isEmpty ? nil : $0 }
            ?? directory?.team(of: principal.id)
        return (principal, team, resourceValues["service.name"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// String values of the wanted resource attributes; keys are compared
    /// in place, only matching values are copied.
    static func strings(_ resource: ResourceView?, keys: [String]) -> [String: String] {
        guard let resource else { return [:] }
        var found: [String: String] = [:]
        for pair in resource.attributes {
            guard let value = pair.value else { continue }
            for key in keys {
                var candidate = key
                let matches = candidate.withUTF8 { pair.key.equals(UnsafeRawBufferPointer($0)) }
                if matches {
                    found[key] = AttributeScalar(value).text
                    break
                }
            }
        }
        return found
    }
}
