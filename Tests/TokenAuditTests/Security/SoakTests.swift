import Foundation
import Testing
@testable import TokenAudit

/// The bounded soak of `make test`: the real executable under steady load
/// for 20 seconds while its backend fails (503s, 429s, slow answers and an
/// outage), then every accepted span must have reached the backend.
/// `make soak DURATION=…` runs the same thing for as long as asked.
@Suite(.serialized) struct SoakTests {
    @Test func aShortSoakWithAFailingBackendLosesNothing() async throws {
        var plan = SoakPlan()
        plan.duration = .seconds(20)
        plan.requestsPerSecond = 20
        plan.senders = 2
        plan.failures.outageEvery = .seconds(10)
        plan.failures.outageLength = .seconds(2)
        plan.drainTimeout = .seconds(60)
        let run = SoakRun(plan: plan, executable: DaemonProcess.executable.path, directory: TestFiles.temporaryDirectory())
        let report = try await run.run()

        #expect(report.problems.isEmpty, "\(report.markdown)")
        #expect(report.lostSpans == 0)
        #expect(report.acceptedSpans >= 20 * 10 * 50, "the load ran at most of its rate: \(report.acceptedSpans)")
        #expect(report.deliveredSpans >= report.acceptedSpans)
        #expect(report.injected["502 (outage)", default: 0] > 0, "the outage happened")
        #expect(report.injected["503", default: 0] + report.injected["429", default: 0] > 0)
        #expect(report.samples.count >= 15, "RSS sampled every second")
        #expect(report.daemonExitStatus == 0)
    }

    @Test func theSlopeIsFittedAfterWarmUp() {
        // Flat after a warm-up climb: no slope, no growth.
        let flat = (0..<100).map { SoakReport.Sample(second: Double($0), rssMiB: $0 < 20 ? Double($0) * 5 : 100) }
        let (slope, growth) = SoakReport.trend(flat, warmUp: 25)
        #expect(abs(slope) < 1e-9)
        #expect(abs(growth) < 1e-9)
        // A leak of 1 MiB a minute shows as 60 MiB an hour.
        let leak = (0..<600).map { SoakReport.Sample(second: Double($0), rssMiB: 100 + Double($0) / 60) }
        let leaking = SoakReport.trend(leak, warmUp: 150)
        #expect(abs(leaking.slope - 60) < 0.01)
        #expect(leaking.growth > 6)
    }
}
