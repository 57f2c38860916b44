import Synchronization
import TestSupport
import Testing

@testable import OSSBatch

/// Shared state for the tasks of a test (the synchronization types are not copyable, a class shares them).
private final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func callAsFunction() -> Value { value.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { value.withLock { body(&$0) } }
}

/// Set by a task as it starts: a lock-free flag, so the canceller can spin on it for nanosecond timing.
private final class Started: Sendable {
    let flag = Atomic<Bool>(false)
}

@Suite struct AsyncSemaphoreTests {
    /// Waits until `condition` holds; false after `timeout`. Conditions here do not depend on timing, so the
    /// timeout only keeps a broken semaphore from hanging the run: it is long because a parallel test run
    /// can keep these tasks off the (two-thread) cooperative pool for many seconds.
    private func eventually(
        within timeout: Duration = .seconds(120),
        _ condition: () -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(1))
        }
        return true
    }

    @Test func waitersAreServedInTheOrderTheyArrivedAndCancelledOnesLeaveTheLine() async throws {
        var random = SeededRandom()
        let semaphore = AsyncSemaphore(permits: 1)
        try await semaphore.acquire()
        let served = Shared<[Int]>([])
        var waiters: [Task<Void, any Error>] = []
        for i in 0..<40 {
            waiters.append(
                Task {
                    try await semaphore.acquire()
                    served.update { $0.append(i) }
                    semaphore.release()
                }
            )
            // One at a time, so arrival order is known.
            #expect(try await eventually { semaphore.waiterCount == i + 1 }, "waiter \(i) never queued")
        }
        // Some leave the line from anywhere in it (the front, the middle, the back).
        let cancelled = Set((0..<40).filter { _ in Bool.random(using: &random) })
        for i in cancelled { waiters[i].cancel() }
        #expect(try await eventually { semaphore.waiterCount == 40 - cancelled.count }, "\(random)")
        semaphore.release()
        for (i, waiter) in waiters.enumerated() {
            let result = await waiter.result
            if cancelled.contains(i) {
                #expect(throws: CancellationError.self, "waiter \(i), \(random)") { try result.get() }
            } else {
                #expect(throws: Never.self) { try result.get() }
            }
        }
        let expected = (0..<40).filter { !cancelled.contains($0) }
        #expect(served() == expected, "\(random)")
        #expect(semaphore.availablePermits == 1)
        #expect(semaphore.waiterCount == 0)
    }

    @Test func aTaskCancelledBeforeItAsksThrowsWithoutTakingAPermit() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        // A free permit is not taken by a cancelled task…
        let free = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await semaphore.acquire()
            semaphore.release()  // wrongly granted: give it back, so the rest of the test runs
        }
        await #expect(throws: CancellationError.self) { try await free.value }
        #expect(semaphore.availablePermits == 1)
        // …and with none free it does not queue: the cancellation handler runs before the enqueue here,
        // finds nothing to remove, and only the check inside the lock stops the task from waiting forever.
        try await semaphore.acquire()
        let busy = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await semaphore.acquire()
        }
        let finished = Shared(false)
        let watcher = Task {
            _ = await busy.result
            finished.update { $0 = true }
        }
        // Either it ends, or it is queued (and would wait forever).
        #expect(try await eventually { finished() || semaphore.waiterCount > 0 })
        #expect(semaphore.waiterCount == 0, "a cancelled task is waiting for a permit")
        semaphore.release()  // unblocks a wrongly queued waiter, so the test ends either way
        await #expect(throws: CancellationError.self) { try await busy.value }
        await watcher.value
    }

    /// Cancels tasks at random moments around their call to `acquire` while no permit is free: each must
    /// throw `CancellationError`; none may stay queued waiting for a permit it would then take.
    @Test func cancellationRacingTheEnqueueAlwaysEndsTheWait() async throws {
        var random = SeededRandom()
        let semaphore = AsyncSemaphore(permits: 1)
        try await semaphore.acquire()
        let rounds = 20_000
        let outcomes = Shared<(cancelled: Int, other: Int)>((0, 0))
        var tasks: [Task<Void, Never>] = []
        for _ in 0..<rounds {
            let started = Started()
            tasks.append(
                Task {
                    started.flag.store(true, ordering: .sequentiallyConsistent)
                    do {
                        try await semaphore.acquire()
                        outcomes.update { $0.other += 1 }
                        semaphore.release()
                    } catch is CancellationError {
                        outcomes.update { $0.cancelled += 1 }
                    } catch {
                        outcomes.update { $0.other += 1 }
                    }
                }
            )
            // Cancel a few hundred nanoseconds either side of the task's entry into `acquire`.
            while !started.flag.load(ordering: .sequentiallyConsistent) { await Task.yield() }
            for _ in 0..<Int.random(in: 0..<200, using: &random) {
                _ = started.flag.load(ordering: .sequentiallyConsistent)
            }
            tasks.last!.cancel()
        }
        // `cancel()` runs a registered handler before it returns, so from here on a correct semaphore holds no
        // waiter at all; every task ends, or stays queued for good (the bug). Wait until each is one or the other.
        #expect(try await eventually { outcomes().cancelled + outcomes().other + semaphore.waiterCount == rounds })
        let stuck = semaphore.waiterCount
        #expect(stuck == 0, "\(stuck) cancelled tasks still wait for a permit (\(random))")
        semaphore.release()  // lets any wrongly queued waiter through, so the test ends either way
        for task in tasks { await task.value }
        #expect(outcomes().cancelled == rounds, "\(random)")
    }
}
