import Digests
import Foundation
import LocalFiles
import Synchronization

/// Locks on object keys, so that two batches never upload one key at the same time (their parts would
/// interleave, and each one's sweep for stray uploads would abort the other's). One lock file per bucket in
/// the state directory, `STATE/.locks/keys-HASH.lock`; a key is the one-byte record at an offset taken from
/// its hash. One descriptor for any number of keys, and every lock goes when the process dies.
///
/// A key is locked only while its job runs (at most `files_in_flight` + `concurrency` at once), so a batch of
/// 100,000 files never holds 100,000 locks. Record locks belong to the process (see `FileLock`), so the file
/// is opened once per process and kept open: `KeyLocks.forBucket` hands out one shared instance per file.
package final class KeyLocks: Sendable {
    package let bucket: String
    private let file: FileLock

    private init(bucket: String, file: FileLock) {
        self.bucket = bucket
        self.file = file
    }

    private static let shared = Mutex<[String: KeyLocks]>([:])

    /// The key locks of `bucket` in `state` (created on first use).
    package static func forBucket(_ bucket: String, in state: StateDirectory) throws(StateFileError) -> KeyLocks {
        let name = SHA256.hash(Array(bucket.utf8)).hexString.prefix(32)
        let path = state.locks + "/keys-\(name).lock"
        return try shared.withLock { (open: inout [String: KeyLocks]) throws(StateFileError) -> KeyLocks in
            if let known = open[path] { return known }
            try StateDirectory.prepare(state.locks)
            let file: FileLock
            do throws(FileSystemError) { file = try FileLock(path: path) } catch {
                throw StateFileError(path: path, operation: error.operation, reason: error.reason)
            }
            let locks = KeyLocks(bucket: bucket, file: file)
            open[path] = locks
            return locks
        }
    }

    /// Locks `key`, or returns who holds it. (A hash collision of two keys — 1 in 2^62 — would only make one
    /// of them wait or be refused, never let two uploads of one key overlap.)
    package func lock(_ key: String) throws(StateFileError) -> BusyError? {
        let holder: Int32?
        do { holder = try file.tryLockRecord(at: Self.offset(key)) } catch {
            throw StateFileError(path: file.path, operation: error.operation, reason: error.reason)
        }
        guard let holder else { return nil }
        return BusyError(what: "the key '\(key)' of bucket \(bucket)", holder: holder > 0 ? .process(holder) : nil)
    }

    /// Unlocks `key`.
    package func unlock(_ key: String) { file.unlockRecord(at: Self.offset(key)) }

    /// The process (another one) that holds `key` now, if one does.
    package func holder(of key: String) -> LockHolder? {
        file.recordHolder(at: Self.offset(key)).map { LockHolder.process($0) }
    }

    /// The record of `key`: 62 bits of its SHA-256, so far past any byte the file holds.
    static func offset(_ key: String) -> Int64 {
        let digest = SHA256.hash(Array(key.utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(value >> 2)
    }
}
