import Foundation
import TestSupport
import Testing

/// Every saved fuzz input — the seeds and each input that once crashed a fuzz target (Fuzz/Corpus), the
/// shipped manifests and the format-1 report fixture — replayed through the fuzz targets as an ordinary build
/// makes them (`FuzzDriver` replays the files it is given): none may crash. The fuzzing itself is
/// `scripts/fuzz.sh`.
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func replay(_ target: String, _ paths: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run(
            Products.url("fuzz-\(target)"),
            paths.map { Self.root.appendingPathComponent($0).path }
        )
    }

    @Test func manifestInputsLoadAndPlanWithoutACrash() async throws {
        let result = try await replay("manifest", ["Fuzz/Corpus/manifest", "manifests", "manifests/features"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("inputs replayed without a crash\n"))
    }

    @Test func reportInputsLoadOrFailCleanlyAndReadBackAsWritten() async throws {
        let dir = try TemporaryDirectory("fuzz-corpus")
        defer { dir.remove() }
        // The fixture's report and journal as one input, as the fuzz script makes it.
        let fixture = Self.root.appendingPathComponent("Tests/Fixtures/v1-batch")
        var input = try Data(contentsOf: fixture.appendingPathComponent("report.json"))
        input += Data("\n\u{0}JOURNAL\u{0}\n".utf8)
        input += try Data(contentsOf: fixture.appendingPathComponent("report.json.journal"))
        try dir.write("v1-batch", input)
        let result = try await replay("report", ["Fuzz/Corpus/report"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let fixtureResult = try await ProcessRunner.run(Products.url("fuzz-report"), [dir.path + "/v1-batch"])
        #expect(fixtureResult.exitCode == 0, "\(fixtureResult.stderr)")
    }

    @Test func requestInputsAreTakenApartWithoutACrash() async throws {
        let result = try await replay("request", ["Fuzz/Corpus/request"])
        #expect(result.exitCode == 0, "\(result.stderr)")
    }

    /// A wrong path must not pass as "nothing crashed".
    @Test func aMissingInputFailsTheReplay() async throws {
        let missing = try await ProcessRunner.run(Products.url("fuzz-manifest"), ["/nonexistent/input"])
        #expect(missing.exitCode != 0)
    }
}
