import Foundation
import Synchronization
import Testing

@testable import OSSBatch

/// The watchdog's rules on its own thread, with an activity count the test moves (end-to-end, with a read
/// that never returns: `StalledRunTests`).
@Suite struct RunWatchdogTests {
    /// What the watchdog did, in order, with when.
    final class Log: Sendable {
        let events = Mutex<[(String, ContinuousClock.Instant)]>([])
        func add(_ event: String) { events.withLock { $0.append((event, .now)) } }
        var names: [String] { events.withLock { $0.map(\.0) } }
        func at(_ name: String) -> ContinuousClock.Instant? { events.withLock { $0.first { $0.0 == name }?.1 } }

        func actions() -> RunWatchdog.Actions {
            RunWatchdog.Actions(
                onStall: { _ in self.add("stall") },
                onHalt: { self.add("halt") },
                onAbandon: { self.add("abandon") }
            )
        }
    }

    private func waitFor(_ log: Log, _ name: String, within limit: Duration = .seconds(60)) async {
        let deadline = ContinuousClock.now + limit
        while log.at(name) == nil && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    }

    @Test func aRunThatNeverMovesStallsIsHaltedThenAbandoned() async {
        let log = Log()
        let started = ContinuousClock.now
        let watchdog = RunWatchdog(stallLimit: .milliseconds(300), abandonAfter: .milliseconds(300)) { 7 }
        watchdog.start(log.actions())
        await waitFor(log, "abandon")
        #expect(log.names == ["stall", "halt", "abandon"])
        if let stall = log.at("stall") { #expect(stall - started >= .milliseconds(300)) }
        if let halt = log.at("halt"), let abandon = log.at("abandon") {
            #expect(abandon - halt >= .milliseconds(300))
        }
    }

    @Test func aRunThatKeepsMovingNeverStalls() async throws {
        // Each look finds it moved (the watchdog reads on its own thread; a count moved by the test's task
        // stood still whenever the test pool was busy).
        let count = Atomic<Int64>(0)
        let log = Log()
        let watchdog = RunWatchdog(stallLimit: .milliseconds(300)) { count.add(1, ordering: .relaxed).newValue }
        watchdog.start(log.actions())
        try await Task.sleep(for: .seconds(1))
        watchdog.ended()
        #expect(log.names.isEmpty)
    }

    @Test func aStopsGraceHaltsWhenItEndsAndARunThatThenEndsIsNotAbandoned() async throws {
        let log = Log()
        let watchdog = RunWatchdog(stallLimit: .seconds(600), abandonAfter: .milliseconds(200)) { 1 }
        // The run ends as it is halted (on the watchdog's thread, before its next look).
        var actions = log.actions()
        actions.onHalt = {
            log.add("halt")
            watchdog.ended()
        }
        let asked = ContinuousClock.now
        watchdog.halt(after: .milliseconds(300))
        watchdog.start(actions)
        await waitFor(log, "halt")
        let halt = try #require(log.at("halt"))
        #expect(halt - asked >= .milliseconds(300))
        try await Task.sleep(for: .seconds(1))
        #expect(log.names == ["halt"])
    }

    @Test func anEarlierHaltWinsOverALaterGrace() async throws {
        let log = Log()
        let watchdog = RunWatchdog(stallLimit: .seconds(60), abandonAfter: .seconds(60)) { 1 }
        watchdog.halt(after: .seconds(30))
        watchdog.halt(after: .zero)
        watchdog.halt(after: .seconds(30))
        watchdog.start(log.actions())
        await waitFor(log, "halt", within: .seconds(5))
        #expect(log.names == ["halt"])
        watchdog.ended()
    }
}

/// Time the process was not running between two looks (stopped, suspended) is not quiet time.
@Suite struct RunWatchdogPauseTests {
    @Test func aLookOnTimeOrALittleLateFindsNoPause() {
        #expect(RunWatchdog.pausedTime(sinceLastLook: .milliseconds(100)) == .zero)
        #expect(RunWatchdog.pausedTime(sinceLastLook: .milliseconds(1_900)) == .zero)
    }

    @Test func aLookFarLaterThanItsTickCountsAllButOneTickAsPaused() {
        #expect(RunWatchdog.pausedTime(sinceLastLook: .seconds(12)) == .seconds(12) - RunWatchdog.tick)
        #expect(RunWatchdog.pausedTime(sinceLastLook: .seconds(3_600)) == .seconds(3_600) - RunWatchdog.tick)
    }
}
