import LocalFiles

/// An exclusive lock on a lock file that holds its holder's description (`LockHolder` as JSON): one batch,
/// one report. The kernel releases it when the holder dies, so `kill -9` never leaves a stale lock; a lock
/// file without a live lock is a dead holder's, and says who that was (`previousHolder`).
///
/// The holder removes the file when it is done, while still holding the lock. A process that opened the
/// file before that and locks it afterwards sees that the path no longer names it, and starts over: so two
/// processes never both believe they hold the lock of one path.
package final class StateLock: Sendable {
    package let path: String
    package let holder: LockHolder
    /// The holder of the lock file before this one, when it died without releasing it (killed).
    package let previousHolder: LockHolder?
    private let file: FileLock

    private init(path: String, holder: LockHolder, previousHolder: LockHolder?, file: FileLock) {
        self.path = path
        self.holder = holder
        self.previousHolder = previousHolder
        self.file = file
    }

    /// Takes the lock at `path` for `holder`, or throws `.busy` naming the process that holds it.
    package static func acquire(
        _ path: String,
        holder: LockHolder,
        what: @autoclosure () -> String
    ) throws(LockError) -> StateLock {
        for _ in 0..<100 {
            let file: FileLock
            do { file = try FileLock(path: path) } catch {
                throw .unusable(StateFileError(path: path, operation: error.operation, reason: error.reason))
            }
            let locked: Bool
            do { locked = try file.tryLock() } catch {
                throw .unusable(StateFileError(path: path, operation: error.operation, reason: error.reason))
            }
            guard locked else { throw .busy(BusyError(what: what(), holder: LockHolder.decode(file.contents()))) }
            // Removed or replaced by its last holder between our open and our lock: lock the file now there.
            guard file.isStillAtPath else { continue }
            let previous = LockHolder.decode(file.contents())
            do { try file.replaceContents(holder.encoded()) } catch {
                throw .unusable(StateFileError(path: path, operation: error.operation, reason: error.reason))
            }
            return StateLock(path: path, holder: holder, previousHolder: previous, file: file)
        }
        throw .busy(BusyError(what: what(), holder: nil))
    }

    /// Who holds the lock at `path`: `nil` when nobody does (no file, or a dead holder's file).
    package static func holder(at path: String) -> LockHolder? {
        guard let file = FileLock(existing: path), file.isLockedElsewhere() else { return nil }
        // Locked but not yet described (its holder is between lock and write): say so with what is known.
        return LockHolder.decode(file.contents())
            ?? LockHolder(pid: 0, host: "?", command: "?", startedAt: "unknown")
    }

    /// Whether the lock at `path` is held (by another descriptor, this process's included).
    package static func isHeld(at path: String) -> Bool {
        FileLock(existing: path)?.isLockedElsewhere() ?? false
    }

    /// Gives the lock up and removes its file.
    package func release() {
        file.unlinkIfStillAtPath()
        file.unlock()
    }
}

/// Why a lock could not be taken.
package enum LockError: Error, Sendable, CustomStringConvertible {
    /// Another process holds it.
    case busy(BusyError)
    /// The lock file cannot be created or used (a symbolic link, permissions, a full disk).
    case unusable(StateFileError)

    package var description: String {
        switch self {
        case .busy(let error): return error.description
        case .unusable(let error): return error.description
        }
    }
}

extension LockError {
    /// The exit status a command ends with on this error.
    package var exitStatus: ExitStatus {
        switch self {
        case .busy: return .busy
        case .unusable: return .fatal
        }
    }

    /// This error as a report records it (in a run's `error`).
    package var jobError: JobError {
        switch self {
        case .busy(let busy): return JobError(code: "Busy", message: busy.description)
        case .unusable(let problem): return JobError(code: "LockError", message: problem.description)
        }
    }
}
