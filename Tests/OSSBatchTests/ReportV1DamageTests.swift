import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// Damaged format-1 reports found by fuzzing (`fuzz-report`): refused with a clear error, never read into a
/// report that says something else than the file.
struct ReportV1DamageTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/v1-batch/report.json")

    /// The fixture's report or journal `text` placed under `root`: `@ROOT@` replaced, and the checkpoint names
    /// it holds — a hash of bucket, key and source path, made where the fixture was made — made again for
    /// the sources under `root`, as a loaded report's must be (`Report.checkCheckpointNames`).
    static func placed(_ text: String, under root: String) throws -> String {
        var text = text
        let checkpoints = fixture.deletingLastPathComponent().appendingPathComponent("state/checkpoints")
        for name in try FileManager.default.contentsOfDirectory(atPath: checkpoints.path) {
            let data = try Data(contentsOf: checkpoints.appendingPathComponent(name))
            let body = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["checkpoint"] as? [String: Any]
            let bucket = try #require(body?["bucket"] as? String)
            let key = try #require(body?["key"] as? String)
            let source = try #require(body?["source"] as? String).replacingOccurrences(of: "@ROOT@", with: root)
            text = text.replacingOccurrences(
                of: "@ROOT@/state/checkpoints/" + name,
                with: root + "/state/checkpoints/" + CheckpointStore.fileName(bucket: bucket, key: key, source: source)
            )
        }
        return text.replacingOccurrences(of: "@ROOT@", with: root)
    }

    /// Format 1 wrote each key twice. A line whose outcome names another key than its job was read as the
    /// job's, and written back (format 2 keeps one key) as an outcome of the other object: now refused.
    @Test func aJobLineWhoseOutcomeNamesAnotherKeyIsRefused() throws {
        let dir = try TemporaryDirectory("v1-damage")
        defer { dir.remove() }
        // The fixture's paths are `@ROOT@/…`; a loaded report's paths must be absolute (`ReportValidation`).
        let text = try Self.placed(String(contentsOf: Self.fixture, encoding: .utf8), under: dir.path)
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
