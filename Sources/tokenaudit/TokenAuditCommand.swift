import ArgumentParser

@main
struct TokenAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenaudit",
        abstract: "Tells genuine LLM usage from performative usage in an OpenTelemetry pipeline.",
        subcommands: [Serve.self, Validate.self, Replay.self, Report.self, Simulate.self, Evaluate.self, Soak.self],
        defaultSubcommand: Serve.self)
}
