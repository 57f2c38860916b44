import Foundation
import OSSBatch
import Synchronization

/// Shows a batch's progress on stderr: one live line redrawn in place on a terminal; a summary line every
/// `interval` otherwise (cron mail stays short).
final class ProgressDisplay: Sendable {
    private let progress: BatchProgress
    private let interactive: Bool
    private let interval: Duration
    private let started = ContinuousClock.now
    private let lineShown = Mutex(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(progress: BatchProgress, interval: Duration, interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.progress = progress
        self.interval = interval
        self.interactive = interactive
    }

    func start() {
        let t = Task {
            let tick: Duration = interactive ? .milliseconds(500) : interval
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
        clearLine()
    }

    /// Erases the live line so a log message can be printed cleanly.
    func clearLine() {
        guard interactive else { return }
        lineShown.withLock { shown in
            if shown {
                FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
                shown = false
            }
        }
    }

    private func show() {
        let line = ProgressDisplay.describe(progress.snapshot, elapsed: (ContinuousClock.now - started))
        if interactive {
            lineShown.withLock { shown in
                FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
                shown = true
            }
        } else {
            FileHandle.standardError.write(Data("progress: \(line)\n".utf8))
        }
    }

    /// `12/200 files, 1.2 GiB/4.0 GiB, 110.3 MiB/s, ETA 26 s, 1 failed`.
    static func describe(_ s: BatchProgress.Snapshot, elapsed: Duration) -> String {
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let rate = Double(s.bytesSent) / seconds
        var parts = [
            "\(s.jobsDone)/\(s.jobsTotal) files",
            "\(ByteSize.format(s.bytesDone))/\(ByteSize.format(s.bytesTotal))",
            "\(ByteSize.format(Int64(rate)))/s",
        ]
        let remaining = s.bytesTotal - s.bytesDone
        if rate > 0, remaining > 0 { parts.append("ETA \(DurationText.format(Double(remaining) / rate))") }
        if s.jobsFailed > 0 { parts.append("\(s.jobsFailed) failed") }
        return parts.joined(separator: ", ")
    }
}
