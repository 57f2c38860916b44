import Foundation
import LocalFiles

/// A `run` that ended before it could write a report — its manifest invalid, selecting no files, its report
/// path unusable or holding an unfinished batch — kept in its batch's directory of the state directory
/// (`STATE/BATCH/failed-start`, JSON), so that `status` does not judge the batch by the last report alone:
/// a manifest broken by an edit made every night exit 2 with no report, and `status` said `succeeded`, exit
/// 0, for ever (review of ca63f16). The next run that writes its report removes it.
///
/// It says what failed, never the manifest's own words: a diagnostic may quote a value, and this file is
/// read by whoever runs `status`.
package struct FailedStart: Sendable, Codable, Hashable {
    /// `run`.
    package var command: String
    /// When it ended (UTC).
    package var at: String
    package var exitCode: Int32
    /// The console code of its error (`manifest_invalid`, `no_files`, `report_write_failed`, ...).
    package var code: String
    package var message: String
    /// The manifest it was given (absolute path).
    package var manifest: String

    package init(
        command: String,
        at: String = Timestamp.iso8601(),
        exitCode: Int32,
        code: String,
        message: String,
        manifest: String
    ) {
        self.command = command
        self.at = at
        self.exitCode = exitCode
        self.code = code
        self.message = message
        self.manifest = manifest
    }

    private enum CodingKeys: String, CodingKey {
        case command, at
        case exitCode = "exit_code"
        case code, message, manifest
    }

    /// Not `.json`: every `.json` file directly in a batch's directory is one of its reports (`--report`).
    static let fileName = "failed-start"
    /// A record is a few hundred bytes; a larger file is not one.
    static let maximumBytes: Int64 = 64 << 10

    /// Where batch `batch`'s record is.
    package static func path(batch: String, in state: StateDirectory) -> String {
        state.batch(batch) + "/" + fileName
    }

    /// Records `start` for batch `batch`. Best effort: the run's own exit code and error stand whether or not
    /// this is written (a state directory it cannot use is said on the console already, or will be).
    package static func record(_ start: FailedStart, batch: String, in state: StateDirectory) {
        let path = path(batch: batch, in: state)
        guard (try? StateDirectory.prepare(state.batch(batch))) != nil,
            let bytes = try? StreamingJSONEncoder().encode(start)
        else { return }
        try? AtomicFile.write(bytes + [UInt8(ascii: "\n")], to: path)
    }

    /// Batch `batch`'s record, nil when it has none. A file there that is not one (emptied, edited, too large,
    /// not a regular file) throws: a start failed and said so, and `status` must not take that for no record
    /// (it did: `succeeded`, exit 0; review of 572eea5).
    static func read(batch: String, in state: StateDirectory) throws(FormatError) -> FailedStart? {
        let bytes: [UInt8]?
        do { bytes = try AtomicFile.read(path(batch: batch, in: state), maximumSize: maximumBytes) } catch {
            throw FormatError("its failed-start record cannot be read: \(error.reason)")
        }
        guard let bytes else { return nil }
        do { return try JSONDecoder().decode(FailedStart.self, from: Data(bytes)) } catch {
            throw FormatError("its failed-start record \(path(batch: batch, in: state)) is not one")
        }
    }

    /// Removes batch `batch`'s record: a run of it wrote its report.
    package static func clear(batch: String, in state: StateDirectory) {
        unlink(path(batch: batch, in: state))
    }

    /// When it ended (`nil` when `at` does not read as a time).
    var ended: Date? { Timestamp.parse(at) }

    /// `status`'s `problem` for it.
    var problem: String {
        "its last \(command) (\(at)) ended with exit \(exitCode) before writing a report: \(message)"
    }
}
