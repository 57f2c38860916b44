import Glibc
import Synchronization

/// Writes to stdout or stderr and goes on when the write fails: the first failure is kept (its `errno`), and
/// what is written after it is dropped. `FileHandle.write(_:)` traps on a failed write, so a full
/// log disk at 4 a.m. stopped a run in the middle, its report unfinished.
public final class StandardStreamWriter: Sendable {
    public let descriptor: Int32
    private let failed = Mutex<Int32?>(nil)

    public init(_ descriptor: Int32) { self.descriptor = descriptor }

    /// Writes all of `bytes`, unless an earlier write failed; returns whether they were written. Writes are
    /// serialized: one caller's bytes are never mixed with another's.
    @discardableResult
    public func write<Bytes: Sequence>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        failed.withLock { failed in
            guard failed == nil else { return false }
            let failure = FileDescriptorWriter.writeAll(descriptor, bytes)
            guard failure == 0 else {
                failed = failure
                return false
            }
            return true
        }
    }

    /// The `errno` of the write that failed, if one did.
    public var failure: Int32? { failed.withLock { $0 } }

    /// `failure` as the C library says it ("No space left on device"), if a write failed.
    public var failureReason: String? { failure.map { String(cString: strerror($0)) } }
}
