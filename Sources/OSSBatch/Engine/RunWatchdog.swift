import Foundation
import LocalFiles
import Synchronization

/// Watches a run from a thread of its own, which goes on when every other thread is stuck. A read from a file
/// system that stopped answering (a hung NFS or FUSE mount) is a system call that never returns: in the
/// transport's one thread it stalls every transfer, timeouts included; in the jobs' threads (an `open`, a
/// checksum) it takes the cooperative pool, and with it every timer and task. Before this, such a night never
/// ended, and every later cron start met its lock.
///
/// - Nothing moving for `stallLimit` (no body byte sent, no request ended, no job finished): the batch stops
///   as fatal, and the run is halted.
/// - A stop's grace runs out (`halt(after:)`): the run is halted (what is in flight is cancelled).
/// - A halted run that has not ended `abandonAfter` later is abandoned: what is stuck cannot be cancelled,
///   so the report is written as it stands and the process ends, the stuck threads with it.
package final class RunWatchdog: Sendable {
    /// How long a halted run may take to end before it is abandoned: a cancelled request ends in
    /// milliseconds; only a call that never returns takes this long.
    static let defaultAbandonAfter: Duration = .seconds(5)
    /// How often the thread looks: the resolution of a stop's grace too.
    static let tick: Duration = .milliseconds(100)
    /// A look this much later than its tick means the process was not running in between: stopped (SIGSTOP,
    /// a frozen cgroup, `docker pause`) or its machine suspended or its VM paused. Nothing could move then,
    /// so that time is not counted as quiet (or as a halted run's time to end). A loaded machine that keeps
    /// this thread off its core as long only makes a stall found that much later.
    static let pausedAfter: Duration = .seconds(2)

    private struct State {
        /// When the run is to be halted (a stop's grace, or now).
        var haltAt: ContinuousClock.Instant?
        var haltedAt: ContinuousClock.Instant?
        var stalled = false
        var ended = false
    }

    private let state = Mutex(State())
    private let stallLimit: Duration
    let abandonAfter: Duration
    private let activity: @Sendable () -> Int64

    /// `activity` is a count that grows whenever the run moves (read on the watchdog's thread).
    package init(
        stallLimit: Duration,
        abandonAfter: Duration = RunWatchdog.defaultAbandonAfter,
        activity: @escaping @Sendable () -> Int64
    ) {
        self.stallLimit = stallLimit
        self.abandonAfter = abandonAfter
        self.activity = activity
    }

    /// What the watchdog does, on its thread: held by the thread only, so that an engine and its watchdog
    /// do not keep each other once the thread ends (at `ended()`, or after `onAbandon`).
    package struct Actions: Sendable {
        /// The run has not moved for the given time (the watchdog halts it next).
        var onStall: @Sendable (_ quiet: Duration) -> Void
        /// Cancel what is in flight.
        var onHalt: @Sendable () -> Void
        /// The halted run did not end: write its report and end the process.
        var onAbandon: @Sendable () -> Void

        package init(
            onStall: @escaping @Sendable (_ quiet: Duration) -> Void,
            onHalt: @escaping @Sendable () -> Void = {},
            onAbandon: @escaping @Sendable () -> Void = {}
        ) {
            self.onStall = onStall
            self.onHalt = onHalt
            self.onAbandon = onAbandon
        }
    }

    /// Starts the thread.
    package func start(_ actions: Actions) {
        let thread = Thread { [self] in watch(actions) }
        thread.name = "run-watchdog"
        thread.start()
    }

    /// What this process's threads wait in now, for a stall's message: `waiting in pread64 of /mnt/share/db.dump`
    /// (up to three), or nothing when no thread waits in a call about a file (a call made through a library
    /// that sleeps, a pool thread parked).
    package static func blockedCallsText() -> String {
        let calls = BlockedCalls.current()
        guard !calls.isEmpty else { return "" }
        let shown = calls.prefix(3).map { "\($0.name) of \($0.path)" }.joined(separator: ", ")
        return "; waiting in \(shown)" + (calls.count > 3 ? ", and \(calls.count - 3) more" : "")
    }

    /// Halts the run once `grace` has passed (at once for zero), unless an earlier halt is due.
    func halt(after grace: Duration) {
        let at = ContinuousClock.now + max(grace, .zero)
        state.withLock { s in
            if let due = s.haltAt, due <= at { return }
            s.haltAt = at
        }
    }

    /// How much of the time between two looks the process was not running (zero for a look on time).
    static func pausedTime(sinceLastLook gap: Duration) -> Duration {
        gap > pausedAfter ? gap - tick : .zero
    }

    /// The run ended by itself: the thread stops.
    package func ended() { state.withLock { $0.ended = true } }

    private enum Action {
        case none
        case stall(Duration)
        case halt, abandon, stop
    }

    private func watch(_ actions: Actions) {
        var last = activity()
        var lastChange = ContinuousClock.now
        var lastLook = lastChange
        while true {
            Thread.sleep(forTimeInterval: Self.tick.seconds)
            let now = ContinuousClock.now
            let paused = Self.pausedTime(sinceLastLook: now - lastLook)
            lastLook = now
            lastChange += paused
            let sample = activity()
            if sample != last {
                last = sample
                lastChange = now
            }
            let quiet = now - lastChange
            let action: Action = state.withLock { s in
                if s.ended { return .stop }
                if var haltedAt = s.haltedAt {
                    haltedAt += paused
                    s.haltedAt = haltedAt
                    return now - haltedAt >= abandonAfter ? .abandon : .none
                }
                if !s.stalled && quiet >= stallLimit {
                    s.stalled = true
                    s.haltAt = now
                    return .stall(quiet)
                }
                if let haltAt = s.haltAt, now >= haltAt {
                    s.haltedAt = now
                    return .halt
                }
                return .none
            }
            switch action {
            case .none: continue
            case .stop: return
            case .stall(let quiet): actions.onStall(quiet)
            case .halt: actions.onHalt()
            case .abandon:
                actions.onAbandon()
                return
            }
        }
    }
}
