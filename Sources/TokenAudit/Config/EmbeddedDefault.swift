/// The embedded default configuration (DESIGN.md §3.1): what `tokenaudit
/// serve` runs with no `--config`. Loopback only; enriched data goes to a
/// local file.
enum EmbeddedDefault {
    static let yaml = """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:4317 }
              http: { endpoint: 127.0.0.1:4318 }
        processors:
          tokenaudit:
            principal_attributes: [user.id, enduser.id, traceloop.association.properties.user_id, langsmith.metadata.user_id, ai.telemetry.metadata.userId]
            team_attribute: team
            decision_wait: 2s
        exporters:
          file: { path: ./tokenaudit-data/enriched.jsonl }
        service:
          pipelines:
            traces: { receivers: [otlp], processors: [tokenaudit], exporters: [file] }
            logs:   { receivers: [otlp], processors: [tokenaudit], exporters: [file] }
          admin: { endpoint: 127.0.0.1:8900 }
          storage: { path: ./tokenaudit-data }
        """
}
