import Foundation
import LocalFiles

/// The mark a run leaves beside an upload index it found but could not open (another process held it past
/// SQLite's patience, an I/O error, no memory): `<index>-condemned`. Such a run uploads without the index, so
/// it cannot take out the entries of the keys it replaces; left standing, another batch's entry of one of them
/// vouched for bytes no longer there, and that batch's next night skipped its file as unchanged, exit 0
/// (review of 572eea5). The next process that opens the index rebuilds it (one night uploads what it cannot
/// vouch for), and `plan` does not read it. A mark, not a lineage: a process still using the index records
/// its lineage when it is done, and would have written over a lineage that said "rebuild".
///
/// **Held while the runs that gave it up go on.** Each run uploading without the index holds the mark with a
/// shared lock (`Hold`) until it ends; the index is rebuilt only by an opener that can lock the mark
/// exclusively, so never while such a run may still replace keys whose new entries it would not take out
/// (review of c56b4e6: an `index prune` rebuilt it at once, another batch's next run indexed a key anew, and
/// the run still going overwrote that key: that batch skipped its file as unchanged over other bytes, exit 0).
/// An opener that finds the mark held goes without the index too, and holds the mark in its turn.
enum IndexCondemnation {
    /// The mark of the index file `file` (the index's resolved path).
    static func path(ofIndex file: String) -> String { file + "-condemned" }

    static func isCondemned(_ file: String) -> Bool { (try? FileStatus.lstat(path(ofIndex: file))) != nil }

    /// A run's shared lock on the mark: the index is not rebuilt while it lives (the lock goes with the
    /// descriptor, and with the process if it is killed).
    final class Hold: Sendable {
        let lock: FileLock
        init(_ lock: FileLock) { self.lock = lock }
    }

    /// Marks the index at `indexPath` (as `UploadIndex.path` names it) and holds the mark until the returned
    /// hold is released; `reason` is kept for whoever looks. The mark is made in place, never replaced by a
    /// rename: a rename would take it from under the locks of the other runs still holding it (its meaning is
    /// that it exists; an empty one left by a crash means the same).
    static func condemn(indexAt indexPath: String, because reason: String) throws(StateFileError) -> Hold {
        let mark = path(ofIndex: UploadIndex.resolvedFile(indexPath))
        // A rebuild holds the mark exclusively for the moment it takes to remove the index's files, then the
        // mark: the mark is locked again, or made again once that one is gone.
        for _ in 0..<200 {
            let lock: FileLock
            do {
                lock = try FileLock(path: mark)
                guard try lock.tryLockShared() else {
                    usleep(5_000)
                    continue
                }
            } catch {
                throw StateFileError(path: mark, operation: "mark", reason: error.description)
            }
            guard lock.isStillAtPath else { continue }
            if lock.contents(limit: 1).isEmpty {
                try? lock.replaceContents(Array("ossbatch could not open this index: \(reason)\n".utf8))
            }
            return Hold(lock)
        }
        throw StateFileError(path: mark, operation: "mark", reason: "another process keeps rebuilding the index")
    }

    /// Whether no run holds the mark of the index file `file`, taken exclusively for the rebuild that then
    /// removes it: nil when a run that gave the index up still goes on (the index must be left alone).
    static func lockForRebuild(_ file: String) -> FileLock? {
        guard let lock = try? FileLock(path: path(ofIndex: file)), (try? lock.tryLock()) == true else { return nil }
        return lock
    }
}
