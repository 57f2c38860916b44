import Dispatch
import Synchronization

/// The lines of one batch of a document's jobs, encoded on every core in the background: a queue of its own
/// (which always gets a thread) shares them out (`DispatchQueue.concurrentMap`) while the caller writes the
/// batch before. Each line is followed by a comma unless it is the document's last, and by a newline.
final class BatchEncoding: Sendable {
    private static let queue = DispatchQueue(label: "ossbatch.job-lines")
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<Result<[[UInt8]], any Error>?>(nil)

    /// Starts encoding `lines` (job numbers of a document of `last` jobs), reserving `lineLength` bytes a line.
    init(
        lines: Range<Int>,
        lineLength: Int,
        last count: Int,
        line: @escaping @Sendable (Int, inout [UInt8]) throws -> Void
    ) {
        Self.queue.async { [self] in
            let parts = DispatchQueue.ranges(splitting: lines.count).map { $0.shifted(by: lines.lowerBound) }
            let pieces = Result { () throws -> [[UInt8]] in
                try DispatchQueue.concurrentMap(iterations: parts.count) { part in
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(parts[part].count * lineLength)
                    for i in parts[part] {
                        try line(i, &bytes)
                        if i + 1 < count { bytes.append(UInt8(ascii: ",")) }
                        bytes.append(UInt8(ascii: "\n"))
                    }
                    return bytes
                }
            }
            result.withLock { $0 = pieces }
            done.signal()
        }
    }

    /// The batch's pieces, in order, once encoded.
    func wait() -> Result<[[UInt8]], any Error> {
        done.wait()
        // The semaphore is signalled only after the result is in.
        guard let result = result.withLock({ $0 }) else { preconditionFailure("a batch signalled unencoded") }
        return result
    }
}
