import ArgumentParser
import Foundation
import TokenAudit

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Replay simulated organisations through the pipeline and score the verdicts against their ground truth.")

    @Option(help: "Comma-separated seeds; each is a different organisation.")
    var seeds: String = "11,23,37"

    @Option(help: "Simulated days per organisation.")
    var days: Int = 3

    @Option(help: "Spread of persona parameters (1 = as designed; higher = organisations unlike the tuning one).")
    var variation: Double = 1.3

    @Option(help: "Also write the report (Markdown) to this file.")
    var output: String?

    func run() async throws {
        let seeds = self.seeds.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !seeds.isEmpty else { throw ValidationError("--seeds must list at least one number") }
        var results: [Evaluation.Result] = []
        for (index, seed) in seeds.enumerated() {
            let simulator = TrafficSimulator(seed: seed, days: days, variation: variation)
            let total = simulator.generate().requests.count
            let bar = ProgressBar(total: total, label: "seed \(seed) (\(index + 1)/\(seeds.count))")
            let result = try await Evaluation().run(simulator) { summary in bar.update(summary.requests) }
            bar.finish()
            results.append(result)
        }
        let report = "# tokenaudit detection evaluation (\(days) simulated days, variation \(variation))\n\n" + EvaluationReport.render(results)
        print(report)
        if let output { try report.write(toFile: output, atomically: true, encoding: .utf8) }
    }
}
