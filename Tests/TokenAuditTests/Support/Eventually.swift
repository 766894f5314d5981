/// Polls `condition` every 10 ms until it holds, for state a daemon reaches
/// on its own tasks after it answered. False once `timeout` passes: that
/// bound only keeps a broken test from hanging, it is never what is measured.
func eventually(within timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
