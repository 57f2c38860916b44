import ArgumentParser
import LocalFiles
import OSSBatch

/// `resume --batch NAME`: the batch's reports that `status` says to resume, one after the other.
extension ResumeCommand {
    /// `resume --batch NAME`: its exit code. Nothing while a report of the batch is running (4); an unknown
    /// batch is 2.
    func resume(batch: String, console: Console, state: StateDirectory) async throws -> Int32 {
        if let problem = state.unlistable() {
            console.error("state_directory_unreadable", problem + "; nothing was resumed", ["batch": .string(batch)])
            return ExitStatus.invalidInput.rawValue
        }
        guard let found = state.reportsToResume(ofBatch: batch) else {
            let names = state.batchNames()
            console.error(
                "batch_unknown",
                "no batch '\(batch)' in the state directory \(state.path) (its batches: "
                    + (names.isEmpty ? "none" : names.joined(separator: ", ")) + ")",
                ["batch": .string(batch)]
            )
            return ExitStatus.invalidInput.rawValue
        }
        if let running = found.running {
            // Its lock would refuse each report in turn, each refusal written into that report.
            StateLocking.printBusy(
                BusyError(what: "the batch \(batch) (its report \(running.report))", holder: running.holder),
                then: "nothing was resumed",
                console: console
            )
            return ExitStatus.busy.rawValue
        }
        // A report that cannot be read is not resumed (nothing in it can be trusted), but the batch is not done
        // beside it: said, and the exit code is not 0 (it was: a night never uploaded passed unseen).
        for report in found.unreadable {
            console.error(
                "report_unreadable",
                "batch \(batch): \(report.report) cannot be read (\(report.problem ?? "unreadable")); not resumed: "
                    + "look at it",
                ["batch": .string(batch), "path": .string(report.report)]
            )
        }
        let code = try await resume(found.reports.map(\.report), ofBatch: batch, console: console, state: state)
        return code == ExitStatus.success.rawValue && !found.unreadable.isEmpty
            ? ExitStatus.invalidInput.rawValue : code
    }

    /// Resumes `reports` (of batch `batch`), newest first, one after the other. Goes on past a resume that ended
    /// with files failed (1), a report it could not use (2) or busy for that report alone (4: its keys held by
    /// another batch, its own lock): the older nights' snapshots are what `--batch` is for. Stops at one that
    /// ended fatal (3: credentials, bucket, endpoint — which would stop each report after it the same way,
    /// minutes of retries each), at the batch's lock held (4, `BatchBusy`) or by a signal, and at a signal that
    /// came before a report started, with that exit code; otherwise returns the first that was not 0.
    func resume(
        _ reports: [String],
        ofBatch batch: String,
        console: Console,
        state: StateDirectory
    ) async throws -> Int32 {
        if !execution.quiet {
            let message =
                reports.isEmpty
                ? "batch \(batch): nothing to resume"
                : "batch \(batch): resuming \(reports.count) report\(reports.count == 1 ? "" : "s"), newest first: "
                    + reports.joined(separator: ", ")
            console.emit(
                LogRecord(
                    level: .info,
                    event: "resume_batch",
                    message: message,
                    fields: ["batch": .string(batch), "reports": .number(reports.count)],
                    text: message
                )
            )
        }
        // Each resume's own watcher takes the signals while it runs. Between two they are ignored but counted
        // (`SignalPipe.signalsTaken`; before the first resume's watcher, the default action ends the process,
        // nothing of it begun): one since the start stops before the next report, and one that came after that
        // check is handed to the next report's run as it starts (`signalsTakenBefore`).
        let start = SignalPipe.signalsTaken.count
        func signalled() -> StopSignal? {
            let taken = SignalPipe.signalsTaken
            return taken.count > start ? StopSignal(number: taken.last) : nil
        }
        var first = ExitStatus.success.rawValue
        for (i, report) in reports.enumerated() {
            // The report before, kept by its run for a quick exit, is freed: else all would be in memory at once.
            if i > 0 { KeptUntilExit.freeNow() }
            // A signal since the start (too late for the report before, its work done, or between two): this
            // report is not started, nor touched.
            if let signal = signalled() {
                Self.warnStopped(batch, "stopped by \(signal.rawValue)", left: reports[i...], console: console)
                return signal.exitStatus.rawValue
            }
            let code: Int32
            do {
                code = try await resume(
                    ReportTarget(report, endpoint: endpoint),
                    console: console,
                    state: state,
                    signalsTakenBefore: start
                ) { [left = reports[(i + 1)...]] in
                    // Calls that never return (a hung file system): this run's report is written and the
                    // process ends here, as a fatal error would stop the loop.
                    Self.warnStopped(batch, "the run of \(report) was abandoned", left: left, console: console)
                }
                .rawValue
            } catch let stopped as StoppedBeforeStart {
                // Its locks taken and its report read, a signal had come: released untouched.
                Self.warnStopped(batch, "stopped by \(stopped.signal.rawValue)", left: reports[i...], console: console)
                return stopped.signal.exitStatus.rawValue
            } catch is BatchBusy {
                // A run of the batch holds its lock: it would refuse each report after too (said and recorded).
                Self.warnStopped(batch, "its lock is held (a run of it)", left: reports[(i + 1)...], console: console)
                return ExitStatus.busy.rawValue
            } catch let exit as ExitCode {
                // Refused before it ran (its own lock held, unusable): said already.
                code = exit.rawValue
            }
            // Busy otherwise (keys another batch holds, the report's own lock: an abort of it) is that report's.
            let stops: [ExitStatus] = [.fatal, .hungUp, .interrupted, .terminated]
            if let status = ExitStatus(rawValue: code), stops.contains(status) {
                Self.warnStopped(
                    batch,
                    "stopped after \(report) (exit \(code))",
                    left: reports[(i + 1)...],
                    console: console
                )
                // What stopped it, not an earlier night's files failed: a ^C is 130, an endpoint down 3.
                return code
            }
            if first == ExitStatus.success.rawValue { first = code }
        }
        return first
    }

    /// Warning `resume_batch_stopped`: why, and the reports `left` (none: nothing to say).
    private static func warnStopped(_ batch: String, _ why: String, left: ArraySlice<String>, console: Console) {
        guard !left.isEmpty else { return }
        console.warning(
            "resume_batch_stopped",
            "batch \(batch): \(why); not resumed: " + left.joined(separator: ", "),
            ["batch": .string(batch), "not_resumed": .number(left.count)]
        )
    }
}
