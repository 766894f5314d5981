/// `exporters.file`: OTLP/JSON, one request per line, as the Collector's file
/// exporter writes it.
public struct FileExporterConfig: Sendable, Equatable {
    public var path = "./tokenaudit-data/enriched.jsonl"
    /// Rotate when the file would grow past this size; 0 disables rotation.
    public var maxMegabytes = 100
    /// Rotated files kept (`enriched-1.jsonl` is the newest).
    public var maxBackups = 5

    public init(path: String = "./tokenaudit-data/enriched.jsonl") {
        self.path = path
    }

    init(_ m: inout ConfigMapping) {
        path = m.string("path", default: path)
        if path.isEmpty { m.report("path", "must not be empty") }
        if m.has("format") {
            let format = m.string("format", default: "json")
            if format != "json" { m.report("format", "only 'json' is supported, found '\(format)'") }
        }
        var rotation = m.mapping("rotation")
        maxMegabytes = rotation.int("max_megabytes", default: maxMegabytes, range: 0...1_000_000)
        maxBackups = rotation.int("max_backups", default: maxBackups, range: 0...10_000)
        rotation.finish()
    }
}
