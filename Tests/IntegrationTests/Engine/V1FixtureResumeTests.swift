import Digests
import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// The files the format-1 release wrote (Tests/Fixtures/v1-batch) still finish their batch: `resume` reads
/// the v1 report, journal and checkpoints and ends byte-exact, and `abort` gives back their uploads.
@Suite(.serialized)
struct V1FixtureResumeTests {
    static let accessKeyID = "LTAI5tFixtureKey"
    let secret = "SeCrEt-\(UUID().uuidString)"

    var environment: [String: String?] { ["OSS_ACCESS_KEY_ID": Self.accessKeyID, "OSS_ACCESS_KEY_SECRET": secret] }

    @Test func resumeFinishesTheV1BatchByteExactWithoutSendingAnythingTwice() async throws {
        let fixture = try V1Fixture.make()
        defer { fixture.dir.remove() }
        let server = try await fixture.startServer(accessKeyID: Self.accessKeyID, secret: secret)
        let result = await
            (try RunningProcess(
                Products.url("ossbatch"),
                [
                    "resume", fixture.reportPath, "--endpoint", "http://127.0.0.1:\(server.port)",
                    "--progress-interval", "3600",
                ],
                environment: environment.merging([
                    StateDirectory.environmentVariable: fixture.dir.path + "/ossbatch-state"
                ]) { $1 }
            )).wait()
        let log = server.log.all
        await server.stop()
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")

        // Every object is the data file, byte for byte.
        for file in try fixture.recorded() {
            let expected = try Data(contentsOf: URL(fileURLWithPath: fixture.root + "/src/" + file.path))
            #expect(server.objectData(bucket: V1Fixture.bucket, key: "data/" + file.path) == expected, "\(file.path)")
        }
        // What the v1 files say is done was not done again: no PutObject of the succeeded files (c.txt as
        // its journal line said), no part the checkpoints recorded or the server held, no new upload.
        let sent = log.filter { $0.status < 300 }
        #expect(!sent.contains { $0.operation == .putObject }, "\(sent.map(\.operation))")
        #expect(!sent.contains { $0.operation == .initiateMultipartUpload })
        let parts = Set(sent.filter { $0.operation == .uploadPart }.map { "\($0.key ?? "")#\($0.partNumber ?? 0)" })
        #expect(parts == ["data/big-1.bin#4", "data/big-2.bin#3"])
        #expect(sent.filter { $0.operation == .completeMultipartUpload }.count == 2)

        let report = try ReportStore.load(fixture.reportPath)
        // Written back in the current format.
        let text = try String(contentsOfFile: fixture.reportPath, encoding: .utf8)
        #expect(text.hasPrefix(#"{"format":"\#(Report.currentFormat)","#))
        #expect(report.status == .succeeded)
        #expect(report.totals.succeeded == 5 && report.totals.jobs == 5)
        // The journal's identity of c.txt's new version replaced the planned one.
        #expect(report.jobs.first { $0.spec.key == "data/c.txt" }?.spec.size == 49)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.checkpointDir).isEmpty)
    }

    @Test func abortGivesBackTheUploadsOfTheV1Checkpoints() async throws {
        let fixture = try V1Fixture.make()
        defer { fixture.dir.remove() }
        let server = try await fixture.startServer(accessKeyID: Self.accessKeyID, secret: secret)
        let result = await
            (try RunningProcess(
                Products.url("ossbatch"),
                ["abort", fixture.reportPath, "--endpoint", "http://127.0.0.1:\(server.port)"],
                environment: environment.merging([
                    StateDirectory.environmentVariable: fixture.dir.path + "/ossbatch-state"
                ]) { $1 }
            )).wait()
        let log = server.log.all
        await server.stop()
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("aborted 2"), "\(result.stdout)")
        let aborted = log.filter { $0.operation == .abortMultipartUpload && $0.status < 300 }
        #expect(Set(aborted.compactMap(\.key)) == ["data/big-1.bin", "data/big-2.bin"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.checkpointDir).isEmpty)
    }
}
