import ArgumentParser
import Foundation
import TokenAudit

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the anomaly summary from the store, without a running daemon.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Period: the last span of span time up to the newest data (24h, 7d, 30d).")
    var since: String = "7d"

    @Option(help: "Only this team.")
    var team: String?

    @Option(help: "md, json, html or csv.")
    var format: String = "md"

    @Option(help: "Principals and findings listed.")
    var limit: Int = 25

    func validate() throws {
        guard ["md", "json", "html", "csv"].contains(format) else { throw ValidationError("--format must be md, json, html or csv") }
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func run() throws {
        let config = try options.load()
        let path = config.service.storagePath + "/summaries.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no summaries at \(path): run the daemon (or `tokenaudit replay`) with this storage path first")
        }
        let store = try SummaryStore(path: path, readOnly: true)
        guard let hours = SummaryPeriod.hours(in: since) else { throw ValidationError("--since must be a duration of at least 1h, such as 24h, 7d or 30d") }
        guard let period = try store.period(lastHours: hours) else {
            print("No LLM calls judged yet in \(path).")
            return
        }
        let report = try SummaryReport.build(store: store, period: period, team: team, limit: limit)
        switch format {
        case "json": FileHandle.standardOutput.write(try SummaryReport.json(report))
        case "csv": print(SummaryReport.csv(report), terminator: "")
        case "html": print(SummaryReport.html(report))
        default: print(SummaryReport.markdown(report))
        }
    }
}
