import Dispatch
import Foundation
import Glibc
import LocalFiles

/// A file removed on a thread of its own. Removing the last name of a large file frees its blocks before the
/// call returns: a nightly run with one `--report` path replaced the `.prev` of two nights ago, 50 MB, in a
/// rename that took 12 ms on the run's one busy thread, on a night whose whole work after the walk is
/// ~200 ms (2026-12-06). The file is first set aside, at once, under a name of a temporary file of its owner
/// (`.NAME.tmp-PID-N`), where it can still be put back (`SetAside`); should the process die before the
/// removal, `AtomicFile.removeLeftovers(of:)` of the owner takes it later, as it takes any write's that died.
package struct BackgroundRemoval: Sendable {
    private let group: DispatchGroup?

    private init(group: DispatchGroup?) { self.group = group }

    /// Nothing to wait for.
    package static let none = BackgroundRemoval(group: nil)

    /// Returns once the file is removed.
    package func wait() { group?.wait() }

    /// A file renamed out of the way, to be removed (`remove()`) or put back (`putBack()`).
    struct SetAside {
        let original: String
        let temporary: String

        /// Sets `path`, a regular file in `owner`'s directory, aside. `nil`, having done nothing, when `path` is
        /// not a regular file or cannot be renamed (it does not exist, or the directory refuses): the caller's
        /// own rename over it then replaces it as before.
        init?(_ path: String, asLeftoverOf owner: String) {
            // Anything else (a directory, a link) is for the caller's rename to refuse or replace, as before.
            guard let status = try? FileStatus.lstat(path), status.kind == .regular else { return nil }
            let temporary = AtomicFile.temporaryPath(for: owner)
            guard rename(path, temporary) == 0 else { return nil }
            (original, self.temporary) = (path, temporary)
        }

        /// Starts removing the file on another thread.
        func remove() -> BackgroundRemoval {
            let group = DispatchGroup()
            DispatchQueue.global(qos: .utility).async(group: group) { [temporary] in unlink(temporary) }
            return BackgroundRemoval(group: group)
        }

        /// Puts the file back where it was (the step it was set aside for failed).
        func putBack() { rename(temporary, original) }
    }
}
