import ArgumentParser
import OSSBatch

/// The locks `run`, `resume` and `abort` take, and what a command says when one is held elsewhere.
enum StateLocking {
    /// Takes the lock of the report at `path` for `command`. Held by another process: exit 4 (busy) naming
    /// it, with nothing written; a lock file that cannot be used: exit 3.
    static func lockReport(_ path: String, command: String, manifest: String?) throws -> StateLock {
        do {
            return try ReportLock.acquire(report: path, command: command, manifest: manifest)
        } catch {
            throw exit(for: error)
        }
    }

    /// Prints `error` and returns the exit code it means.
    static func exit(for error: LockError) -> ExitCode {
        switch error {
        case .busy(let busy):
            printBusy(busy)
            return ExitCode(ExitStatus.busy.rawValue)
        case .unusable(let problem):
            Console.printError("error: \(problem)")
            return ExitCode(ExitStatus.fatal.rawValue)
        }
    }

    /// `error: busy: …` and what to do about it (`then`: after it has ended).
    static func printBusy(_ busy: BusyError, then: String = "nothing was started") {
        Console.printError("error: busy: \(busy)")
        if let pid = busy.holder?.pid, pid > 0 {
            Console.printError("\(then); wait for it to end, or stop it first (kill -INT \(pid))")
        } else {
            Console.printError("\(then); wait for it to end")
        }
    }
}

extension StateLocking {
    /// Warns when the batch lock's last holder died holding it (killed): its report may be unfinished.
    static func warnIfCrashed(_ lock: StateLock) {
        guard let previous = lock.previousHolder, !previous.isCurrentProcess else { return }
        var text = "the previous \(previous.command) of this batch (\(previous)) ended without releasing its lock: "
        text += "it was killed"
        if let report = previous.report {
            text += "; if its report is unfinished, finish it with 'ossbatch resume \(report)' or give it up with "
            text += "'ossbatch abort \(report)' (this run continues any upload of it that it meets)"
        }
        Console.warn(text)
    }
}
