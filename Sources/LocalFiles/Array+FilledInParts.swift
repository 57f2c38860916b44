import Dispatch

extension Array where Element: Sendable {
    /// An array whose elements `parts[k]` are written by `fill(k, &out)`, the parts at once on all cores
    /// (`concurrentPerform`), each straight into its own stretch of the one buffer, with room for
    /// `capacity` elements in all.
    ///
    /// For a list of many large values made from data that is already split (a plan's chunks of jobs): made
    /// on one core, its first touch of fresh memory and its moves were the one busy core of a nightly run
    /// (perf, 2026-12-06), and safe Swift has no way to hand two threads two stretches of one array.
    ///
    /// `parts` must follow one another from 0 (`parts[0].lowerBound == 0`, each part's upper bound the next
    /// one's lower bound); the array's count is the last part's upper bound. `fill` must append exactly
    /// `parts[k].count` elements to `out`: a part that writes fewer stops the process (a hole would be memory
    /// no element was written to).
    public init(
        filledInParts parts: [Range<Int>],
        reservingCapacity capacity: Int = 0,
        by fill: @Sendable (_ part: Int, _ out: inout OutputSpan<Element>) -> Void
    ) {
        var end = 0
        for part in parts {
            precondition(part.lowerBound == end, "the parts of an array filled in parts must follow one another")
            end = part.upperBound
        }
        self.init(unsafeUninitializedCapacity: Swift.max(end, capacity)) { buffer, initializedCount in
            // Sendable by hand: each part writes only within its own range, and the ranges do not overlap
            // (checked above); `concurrentPerform` returns only after every part has ended.
            let base = UncheckedBuffer(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                // The part's stretch: inside the buffer (the parts end at `end` ≤ its capacity), uninitialized,
                // and written by this iteration alone.
                let stretch = UnsafeMutableBufferPointer(rebasing: base.buffer[parts[k]])
                var out = OutputSpan(buffer: stretch, initializedCount: 0)
                fill(k, &out)
                let written = out.finalize(for: stretch)
                precondition(written == parts[k].count, "a part of an array filled in parts left a hole")
            }
            // Every part wrote its whole range (checked in each): elements 0..<end are initialized.
            initializedCount = end
        }
    }
}

/// A buffer handed to the iterations of `concurrentPerform`, which write disjoint parts of it.
private struct UncheckedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
}
