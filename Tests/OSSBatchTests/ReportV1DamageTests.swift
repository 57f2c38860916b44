import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// Damaged format-1 reports found by fuzzing (`fuzz-report`): refused with a clear error, never read into a
/// report that says something else than the file.
struct ReportV1DamageTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/v1-batch/report.json")

    /// Format 1 wrote each key twice. A line whose outcome names another key than its job was read as the
    /// job's, and written back (format 2 keeps one key) as an outcome of the other object: now refused.
    @Test func aJobLineWhoseOutcomeNamesAnotherKeyIsRefused() throws {
        let dir = try TemporaryDirectory("v1-damage")
        defer { dir.remove() }
        // The fixture's paths are `@ROOT@/…`; a loaded report's paths must be absolute (`ReportValidation`).
        let text = try String(contentsOf: Self.fixture, encoding: .utf8).replacingOccurrences(
            of: "@ROOT@",
            with: dir.path
        )
        let damaged = text.replacingOccurrences(
            of: "\"outcome\":{\"key\":\"data/sub/b.txt\"",
            with: "\"outcome\":{\"key\":\"data/other.txt\""
        )
        #expect(damaged != text)
        let path = try dir.write("report.json", damaged).path
        #expect {
            _ = try ReportStore.load(path)
        } throws: { error in
            "\(error)".contains("the outcome's key 'data/other.txt' is not the job's key 'data/sub/b.txt'")
        }
        // The fixture as written still loads.
        #expect(try ReportStore.load(try dir.write("intact.json", text).path).jobs.count == 5)
    }
}
