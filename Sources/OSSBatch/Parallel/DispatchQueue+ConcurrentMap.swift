import Dispatch
import Foundation
import Synchronization

extension DispatchQueue {
    /// `body` for every index in `0..<iterations`, run on all cores (`concurrentPerform`), with the
    /// results in index order. The first error (by index) is rethrown once every call has ended.
    static func concurrentMap<T: Sendable, E: Error>(
        iterations: Int,
        _ body: @Sendable (Int) throws(E) -> T
    ) throws(E) -> [T] {
        let slots = Mutex([Result<T, E>?](repeating: nil, count: iterations))
        concurrentPerform(iterations: iterations) { index in
            let result = Result { () throws(E) -> T in try body(index) }
            slots.withLock { $0[index] = result }
        }
        var results: [T] = []
        results.reserveCapacity(iterations)
        for slot in slots.withLock({ $0 }) {
            // concurrentPerform returns only after every iteration has run, so every slot is filled.
            guard let slot else { preconditionFailure("an iteration of concurrentPerform did not run") }
            results.append(try slot.get())
        }
        return results
    }

    /// The cores this process may use, asked once: Foundation reads the cgroup's quota files at every ask (two
    /// files opened, 50 times as a night's report is written, strace 2026-12-06).
    static let activeCores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `0..<count` cut into one contiguous range per core, in order; a single range when `count` is below
    /// `serialBelow` (sharing out a handful of items costs more than it saves).
    static func ranges(splitting count: Int, serialBelow: Int = 256) -> [Range<Int>] {
        let parts = count < serialBelow ? 1 : activeCores
        return (0..<parts).map { (count * $0 / parts)..<(count * ($0 + 1) / parts) }
    }
}

extension Range<Int> {
    /// The same length, starting `offset` further on.
    func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}
