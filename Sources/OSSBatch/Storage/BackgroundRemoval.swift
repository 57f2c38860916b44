import Dispatch
import Foundation
import Glibc
import LocalFiles

/// A file removed on a thread of its own. Removing the last name of a large file frees its blocks before the
/// call returns: a nightly run with one `--report` path replaced the `.prev` of two nights ago, 50 MB, in a
/// rename that took 12 ms on the run's one busy thread, on a night whose whole work after the walk is
/// ~200 ms (2026-12-06). The file is first renamed, at once, to a name of a temporary file of `owner`
/// (`.NAME.tmp-PID-N`): should the process die before the removal, `AtomicFile.removeLeftovers(of: owner)`
/// takes it later, as it takes any write's that died.
package struct BackgroundRemoval: Sendable {
    private let group: DispatchGroup?

    private init(group: DispatchGroup?) { self.group = group }

    /// Nothing to wait for.
    package static let none = BackgroundRemoval(group: nil)

    /// Starts removing `path`, a regular file in `owner`'s directory. Returns `.none`, having done nothing,
    /// when `path` is not a regular file or cannot be renamed (it does not exist, or the directory refuses):
    /// the caller's own rename over it then removes it as before.
    static func start(removing path: String, asLeftoverOf owner: String) -> BackgroundRemoval {
        // Anything else (a directory, a link) is for the caller's rename to refuse or replace, as before.
        guard let status = try? FileStatus.lstat(path), status.kind == .regular else { return .none }
        let dir = (owner as NSString).deletingLastPathComponent
        let name = (owner as NSString).lastPathComponent
        let doomed = (dir.isEmpty ? "." : dir) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard rename(path, doomed) == 0 else { return .none }
        let group = DispatchGroup()
        DispatchQueue.global(qos: .utility).async(group: group) { unlink(doomed) }
        return BackgroundRemoval(group: group)
    }

    /// Returns once the file is removed.
    package func wait() { group?.wait() }
}
