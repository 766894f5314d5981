import Testing
@testable import TokenAudit

@Suite struct DelayLineTests {
    @Test func dueElementsComeOutInOrder() async {
        let line = DelayLine<Int>(limitBytes: 1000)
        let past = ContinuousClock.now - .seconds(1)
        for i in 0..<5 { await line.append(i, bytes: 10, deadline: past) }
        var out: [Int] = []
        for _ in 0..<5 { if let i = await line.next() { out.append(i) } }
        #expect(out == [0, 1, 2, 3, 4])
        #expect(line.earlyReleases == 0)
    }

    @Test func overTheLimitTheOldestLeaveEarlyAndTheProducerWaits() async {
        let line = DelayLine<Int>(limitBytes: 100)
        let far = ContinuousClock.now + .seconds(3600)
        await line.append(1, bytes: 60, deadline: far)
        // The second append goes over the limit: it returns only once the
        // consumer has released the oldest element early.
        async let appended: Void = line.append(2, bytes: 60, deadline: far)
        #expect(await line.next() == 1)
        await appended
        #expect(line.earlyReleases == 1)
        #expect(line.bytes == 60)
        line.finish()
        #expect(await line.next() == 2, "finish releases what is held at once")
        #expect(await line.next() == nil)
    }

    @Test func aWaitingConsumerWakesWhenTheLineFinishes() async {
        let line = DelayLine<Int>(limitBytes: 100)
        async let first = line.next()
        await line.append(7, bytes: 1, deadline: ContinuousClock.now + .seconds(3600))
        line.finish()
        #expect(await first == 7)
        #expect(await line.next() == nil)
    }

    /// `nextIfDue` never waits: it takes the head only when `next` would
    /// hand it out at once (due, over the limit, or finished) and it is accepted.
    @Test func nextIfDueTakesOnlyWhatMayLeaveNow() async {
        let line = DelayLine<Int>(limitBytes: 100)
        let past = ContinuousClock.now - .seconds(1)
        let far = ContinuousClock.now + .seconds(3600)
        await line.append(1, bytes: 10, deadline: past)
        await line.append(2, bytes: 10, deadline: past)
        await line.append(3, bytes: 10, deadline: far)
        #expect(line.nextIfDue(where: { $0 != 1 }) == nil, "not accepted")
        #expect(line.nextIfDue(where: { _ in true }) == 1)
        #expect(line.nextIfDue(where: { _ in true }) == 2)
        #expect(line.nextIfDue(where: { _ in true }) == nil, "not due yet")
        #expect(line.count == 1 && line.bytes == 10)
        // Over the limit, the oldest may leave early, and the producer it held goes on.
        async let appended: Void = line.append(4, bytes: 95, deadline: far)
        while line.count < 2 { await Task.yield() }
        #expect(line.nextIfDue(where: { _ in true }) == 3)
        await appended
        #expect(line.earlyReleases == 1)
        #expect(line.nextIfDue(where: { _ in true }) == nil, "within the limit again, and not due")
        line.finish()
        #expect(line.nextIfDue(where: { _ in true }) == 4, "finished: everything may leave")
        #expect(line.count == 0)
    }
}
