import Foundation
import LocalFiles

#if canImport(Glibc)
import Glibc
#endif

/// `--metrics-file PATH`: a Prometheus text file for node_exporter's textfile collector, replaced atomically
/// (a temporary file in the same directory, renamed over it), mode 0644 — it holds no secret, and the
/// collector usually runs as another user. Never written or read through a symbolic link.
package struct MetricsFile: Sendable {
    package let path: String

    /// A previous file larger than this is not a metrics file of ours (it is a few kilobytes).
    static let readLimit = 1 << 20
    /// Clocks differ a little between runs (NTP steps); a previous time later than this is not believed.
    static let allowedFutureSkew: TimeInterval = 3600
    /// Past this (the year 9999) a value is not a time at all.
    static let latestTime: TimeInterval = 253_402_300_799

    /// Whether a previous last success `time` can be believed at `now` (at most `allowedFutureSkew` ahead).
    package static func isBelievable(_ time: Date, now: Date) -> Bool {
        time.timeIntervalSince(now) <= allowedFutureSkew
    }

    package init(path: String) { self.path = path }

    /// Replaces the file with `metrics`. Refuses a symbolic link or anything but a regular file at the path.
    package func write(_ metrics: BatchMetrics) throws(StateFileError) {
        if let status = try? FileStatus.lstat(path), status.kind != .regular {
            throw StateFileError(
                path: path,
                operation: "write",
                reason: "it is \(status.kind.description), not a regular file"
            )
        }
        try AtomicFile.write(metrics.prometheusText(), to: path, mode: 0o644)
        if !metrics.inProgress { AtomicFile.removeLeftovers(of: path) }  // once a run, at its end
    }

    /// The last success time the previous file holds: `nil` when there is no file or it holds none. A file
    /// that cannot be read or is not what this writes is input, not trusted: the reason is returned instead.
    package func previousLastSuccess(now: Date = Date()) -> Result<Date?, MetricsFileProblem> {
        let status: FileStatus
        do {
            status = try FileStatus.lstat(path)
        } catch {
            return error.doesNotExist ? .success(nil) : .failure(MetricsFileProblem(path: path, reason: error.reason))
        }
        guard status.kind == .regular else {
            return .failure(
                MetricsFileProblem(path: path, reason: "it is \(status.kind.description), not a regular file")
            )
        }
        guard status.size <= Self.readLimit else {
            return .failure(MetricsFileProblem(path: path, reason: "it is \(status.size) bytes, not a metrics file"))
        }
        let text: String
        switch read() {
        case .success(let s): text = s
        case .failure(let problem): return .failure(problem)
        }
        let samples: [PrometheusSample]
        do {
            samples = try PrometheusSample.parse(text)
        } catch {
            return .failure(MetricsFileProblem(path: path, reason: error.description))
        }
        let found = samples.filter { $0.name == "ossbatch_last_success_timestamp_seconds" }
        guard let sample = found.first else { return .success(nil) }
        guard found.count == 1 else {
            return .failure(MetricsFileProblem(path: path, reason: "it holds \(found.count) last success times"))
        }
        guard sample.value.isFinite, sample.value > 0, sample.value <= Self.latestTime else {
            return .failure(
                MetricsFileProblem(path: path, reason: "its last success time \(sample.value) is not a time")
            )
        }
        let time = Date(timeIntervalSince1970: sample.value)
        guard Self.isBelievable(time, now: now) else {
            return .failure(
                MetricsFileProblem(
                    path: path,
                    reason: "its last success time \(sample.value) is in the future",
                    ahead: time
                )
            )
        }
        return .success(time)
    }

    /// The file's text, opened without following a symbolic link that replaced it since the `lstat`.
    private func read() -> Result<String, MetricsFileProblem> {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            return .failure(MetricsFileProblem(path: path, reason: String(cString: strerror(errno))))
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let data: Data
        do {
            data = try handle.read(upToCount: Self.readLimit + 1) ?? Data()
        } catch {
            return .failure(MetricsFileProblem(path: path, reason: error.localizedDescription))
        }
        guard data.count <= Self.readLimit else {
            return .failure(
                MetricsFileProblem(path: path, reason: "it is over \(Self.readLimit) bytes, not a metrics file")
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(MetricsFileProblem(path: path, reason: "it is not UTF-8 text"))
        }
        return .success(text)
    }
}

/// Why a previous metrics file was not used.
package struct MetricsFileProblem: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var reason: String
    /// The last success time, when the only problem is that it is ahead of the clock it was judged by (which
    /// may be the one that is wrong: a run learns OSS's time later).
    package var ahead: Date?

    package init(path: String, reason: String, ahead: Date? = nil) {
        self.path = path
        self.reason = reason
        self.ahead = ahead
    }

    package var description: String { "\(path): \(reason)" }
}
