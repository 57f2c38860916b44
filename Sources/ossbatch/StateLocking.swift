import ArgumentParser
import OSSBatch

/// The locks `run`, `resume` and `abort` take, and what a command says when one is held elsewhere.
enum StateLocking {
    /// Takes the lock of the report at `path` for `command`. Held by another process: exit 4 (busy) naming
    /// it, with nothing written; a lock file that cannot be used: exit 3.
    static func lockReport(_ path: String, command: String, manifest: String?, console: Console) throws -> StateLock {
        do {
            return try ReportLock.acquire(report: path, command: command, manifest: manifest)
        } catch {
            throw exit(for: error, console: console)
        }
    }

    /// Says what `error` is on `console` and returns the exit code it means.
    static func exit(for error: LockError, console: Console) -> ExitCode {
        switch error {
        case .busy(let busy):
            printBusy(busy, console: console)
            return ExitCode(ExitStatus.busy.rawValue)
        case .unusable(let problem):
            console.error("lock_error", "\(problem)")
            return ExitCode(ExitStatus.fatal.rawValue)
        }
    }

    /// `error: busy: …` and what to do about it (`then`: after it has ended).
    static func printBusy(_ busy: BusyError, then: String = "nothing was started", console: Console) {
        let advice: String
        if let pid = busy.holder?.pid, pid > 0 {
            advice = "\(then); wait for it to end, or stop it first (kill -INT \(pid))"
        } else {
            advice = "\(then); wait for it to end"
        }
        var fields: [String: LogValue] = ["code": "Busy"]
        if let holder = busy.holder {
            fields["holder_pid"] = .number(Int(holder.pid))
            fields["holder_host"] = .string(holder.host)
            fields["holder_command"] = .string(holder.command)
        }
        console.emit(
            LogRecord(
                level: .error,
                event: "busy",
                message: "busy: \(busy) (\(advice))",
                fields: fields,
                text: "error: busy: \(busy)",
                followingLines: [advice]
            )
        )
    }
}

extension StateLocking {
    /// Warns when the batch lock's last holder died holding it (killed): its report may be unfinished.
    static func warnIfCrashed(_ lock: StateLock, console: Console) {
        guard let previous = lock.previousHolder, !previous.isCurrentProcess else { return }
        var text = "the previous \(previous.command) of this batch (\(previous)) ended without releasing its lock: "
        text += "it was killed"
        if let report = previous.report {
            text += "; if its report is unfinished, finish it with 'ossbatch resume \(report)' or give it up with "
            text += "'ossbatch abort \(report)' (this run continues any upload of it that it meets)"
        }
        console.warning("previous_run_killed", text)
    }
}
