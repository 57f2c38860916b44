import Foundation
import OSSBatch
import Synchronization

/// Shows a batch's progress on stderr: one live line redrawn in place on a terminal (text logs); otherwise a
/// `progress` record every `interval` (cron mail stays short; with JSON logs, one JSON object).
final class ProgressDisplay: Sendable {
    private let progress: BatchProgress
    private let console: Console
    private let interval: Duration
    private let started = ContinuousClock.now
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(progress: BatchProgress, console: Console, interval: Duration) {
        self.progress = progress
        self.console = console
        self.interval = interval
    }

    func start() {
        let t = Task {
            let tick: Duration = console.showsLiveLine ? .milliseconds(500) : interval
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                if Task.isCancelled { break }
                show()
            }
        }
        task.withLock { $0 = t }
    }

    func stop() {
        task.withLock { $0?.cancel() }
        console.clearLive()
    }

    private func show() {
        let snapshot = progress.snapshot
        let now = ContinuousClock.now
        let elapsed = now - started
        let line = ProgressDisplay.describe(snapshot, elapsed: elapsed, now: now)
        if console.showsLiveLine {
            console.showLive(line)
        } else {
            console.emit(
                LogRecord(
                    level: .info,
                    event: "progress",
                    message: line,
                    fields: ProgressDisplay.fields(snapshot, elapsed: elapsed, now: now),
                    text: "progress: \(line)"
                )
            )
        }
    }

    /// `12/200 files, 1.2 GiB/4.0 GiB, 110.3 MiB/s, ETA 26 s, 1 failed`; while the requests are held, `…, requests
    /// held for 1 m 10 s (the service looks lost)` in place of the ETA, which nothing moving would make up; while
    /// the attempts are paced, `…, paced for 2 m 05 s (the service throttles the batch)` after it.
    static func describe(_ s: BatchProgress.Snapshot, elapsed: Duration, now: ContinuousClock.Instant) -> String {
        let rate = rate(s, elapsed: elapsed)
        var parts = [
            "\(s.jobsDone)/\(s.jobsTotal) files",
            "\(ByteSize.format(s.bytesDone))/\(ByteSize.format(s.bytesTotal))",
            "\(ByteSize.format(Int64(rate)))/s",
        ]
        if let held = s.heldSince {
            parts.append("requests held for \(DurationText.format((now - held).seconds)) (the service looks lost)")
        } else if let eta = eta(s, rate: rate) {
            parts.append("ETA \(DurationText.format(eta))")
        }
        if let paced = s.pacedSince, s.heldSince == nil {
            parts.append("paced for \(DurationText.format((now - paced).seconds)) (the service throttles the batch)")
        }
        if s.jobsFailed > 0 { parts.append("\(s.jobsFailed) failed") }
        return parts.joined(separator: ", ")
    }

    /// The same as fields: `files_done`, `files_total`, `files_failed`, `bytes_done`, `bytes_total`,
    /// `bytes_sent`, `bytes_per_second`, `eta_seconds` (when there is a rate and nothing is held), `held_ms`
    /// (while the requests are held), `paced_ms` (while the attempts are paced), `elapsed_ms`.
    static func fields(
        _ s: BatchProgress.Snapshot,
        elapsed: Duration,
        now: ContinuousClock.Instant
    ) -> [String: LogValue] {
        let rate = rate(s, elapsed: elapsed)
        var fields: [String: LogValue] = [
            "files_done": .number(s.jobsDone), "files_total": .number(s.jobsTotal),
            "files_failed": .number(s.jobsFailed), "bytes_done": .number(s.bytesDone),
            "bytes_total": .number(s.bytesTotal), "bytes_sent": .number(s.bytesSent),
            "bytes_per_second": .number(Int64(rate)), "retries": .number(s.retries),
            "elapsed_ms": .number(elapsed.milliseconds),
        ]
        if let held = s.heldSince {
            fields["held_ms"] = .number((now - held).milliseconds)
        } else if let eta = eta(s, rate: rate) {
            fields["eta_seconds"] = .number(Int64(eta.rounded()))
        }
        if let paced = s.pacedSince { fields["paced_ms"] = .number((now - paced).milliseconds) }
        return fields
    }

    private static func rate(_ s: BatchProgress.Snapshot, elapsed: Duration) -> Double {
        Double(s.bytesSent) / max(0.001, elapsed.seconds)
    }

    private static func eta(_ s: BatchProgress.Snapshot, rate: Double) -> Double? {
        let remaining = s.bytesTotal - s.bytesDone
        guard rate > 0, remaining > 0 else { return nil }
        return min(Double(remaining) / rate, 1e9)
    }
}
