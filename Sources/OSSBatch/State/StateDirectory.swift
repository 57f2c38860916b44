import Foundation
import LocalFiles

/// Where ossbatch keeps what it needs between runs when the manifest and the command line say nothing else:
/// default reports and checkpoints (one subdirectory per batch name) and the lock files of batches and keys.
///
/// `$OSSBATCH_STATE_DIR`, else `$XDG_STATE_HOME/ossbatch` (an absolute path, as the XDG specification asks),
/// else `~/.local/state/ossbatch` — for root `/var/lib/ossbatch`. Directories are created with mode 0700; one
/// that is a symbolic link, not this user's, or writable by others is refused.
package struct StateDirectory: Sendable, Hashable {
    package static let environmentVariable = "OSSBATCH_STATE_DIR"

    package let path: String

    package init(path: String) { self.path = path }

    /// The state directory this process uses, from its environment.
    package static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) -> StateDirectory {
        if let dir = environment[environmentVariable], !dir.isEmpty {
            return StateDirectory(path: PathResolver.absolute(dir, relativeTo: workingDirectory))
        }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return StateDirectory(path: PathResolver.normalize(xdg) + "/ossbatch")
        }
        if geteuid() == 0 { return StateDirectory(path: "/var/lib/ossbatch") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return StateDirectory(path: PathResolver.absolute(home, relativeTo: "/") + "/.local/state/ossbatch")
    }

    /// The lock files of batches and keys (a dot name, which no batch name has).
    package var locks: String { path + "/.locks" }

    /// The upload indexes, one per endpoint and bucket (`UploadIndex`; a dot name, which no batch name has).
    package var indexes: String { path + "/.index" }

    /// The directory of the batch named `name` (`Plan.batchName`).
    package func batch(_ name: String) -> String { path + "/" + name }

    /// Where the reports of batch `name` go when `run` is given no `--report`.
    package func reports(batch name: String) -> String { batch(name) + "/reports" }

    /// Where the checkpoints of batch `name` go when its manifest names no `checkpoint_dir`.
    package func checkpoints(batch name: String) -> String { batch(name) + "/checkpoints" }

    /// Creates `dir` (and its parents) with mode 0700 if needed, and checks it is fit for state files (not a
    /// symbolic link, this user's, writable by nobody else). `use` names the directory in the error.
    package static func prepare(_ dir: String, use: String = "use") throws(StateFileError) {
        // The state directory first, when it is there: nothing is made inside one that is refused (audit of
        // 49872c5: a run refused a root-owned 1777 directory after making its batch's directories in it).
        let stateRoot = resolve().path
        if stateRoot != "/", dir.hasPrefix(stateRoot + "/"), FileManager.default.fileExists(atPath: stateRoot) {
            let resolved = URL(fileURLWithPath: stateRoot).resolvingSymlinksInPath().path
            do { try StateFile.requirePrivateDirectory(resolved) } catch {
                throw StateFileError(path: stateRoot, operation: "use the state directory", reason: error.reason)
            }
        }
        do { try StateFile.createPrivateDirectory(dir) } catch {
            throw StateFileError(path: error.path, operation: "create directory", reason: error.reason)
        }
        do { try StateFile.requirePrivateDirectory(dir) } catch {
            throw StateFileError(path: dir, operation: use, reason: error.reason)
        }
        // And the state directory above it, with what lies between: another user who may write there could
        // rename `.index`, `.locks` or a batch's directory away and put one of theirs in its place (docs:
        // such a directory is refused; before 2026-12-05 only the subdirectories were checked).
        // The root itself by the directory it names: a state directory reached through a symbolic link
        // (/var/lib/ossbatch -> /data/ossbatch) is the operator's choice (failure-and-resume.md).
        let root = resolve().path
        guard root != "/", dir.hasPrefix(root + "/") else { return }
        var ancestor = (dir as NSString).deletingLastPathComponent
        while ancestor.count > root.count {
            do { try StateFile.requirePrivateDirectory(ancestor) } catch {
                throw StateFileError(path: ancestor, operation: "use the state directory", reason: error.reason)
            }
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        let resolved = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        do { try StateFile.requirePrivateDirectory(resolved) } catch {
            throw StateFileError(path: root, operation: "use the state directory", reason: error.reason)
        }
    }
}
