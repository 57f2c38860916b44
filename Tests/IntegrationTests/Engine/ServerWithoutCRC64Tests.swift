import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// `ossbatch` against an OSS-compatible store without CRC-64 (LocalOSS `withoutCRC64`: no
/// `x-oss-hash-crc64ecma`, 501 for ListParts and ListMultipartUploads): each `verify` mode.
@Suite(.serialized)
struct ServerWithoutCRC64Tests {
    static func start(_ label: String) async throws -> EngineHarness {
        try await EngineHarness.start(label) { $0.withoutCRC64 = true }
    }

    static func writeBatch(_ h: EngineHarness) throws {
        for i in 0..<12 { try h.writeFile("small/\(i).txt", size: 1000 + i * 777, seed: UInt64(i)) }
        try h.writeFile("big/a.bin", size: 1_300_000, seed: 40)
        try h.writeFile("big/b.bin", size: 2_100_000, seed: 41)
    }

    static let settings = ["concurrency: 1", "files_in_flight: 1", "part_size: 256KiB", "multipart_threshold: 1MiB"]

    @Test func defaultVerifyStopsAtTheFirstAnswerWithExit3AndOneLineNamingVerifyMD5ThenResumeWithMD5Finishes()
        async throws
    {
        let h = try await Self.start("nocrc-default")
        defer { Task { await h.stop() } }
        try Self.writeBatch(h)
        let manifest = try h.writeManifest(upload: Self.settings)
        let result = try await h.run(manifest)
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        let report = try h.report()
        #expect(report.status == .fatal)
        let fatal = try #require(report.fatalError)
        #expect(fatal.code == "MissingCRC64")
        #expect(fatal.message.contains("verify: md5"))
        #expect(!fatal.message.contains("\n"))
        let stopLines = result.stderr.split(separator: "\n").filter { $0.contains("stopping the batch") }
        #expect(stopLines.count == 1 && stopLines.first?.contains("verify: md5") == true, "\(result.stderr)")
        // Stopped at the first answer, not by failing every file: at most one upload request per open job.
        let uploads = h.server.log.all.filter { $0.operation == .putObject || $0.operation == .uploadPart }
        #expect(uploads.count <= 2, "\(uploads)")
        #expect(report.totals.failed <= 1)
        let interrupted = Set(report.jobs.compactMap(\.outcome.uploadID))
        #expect(!interrupted.isEmpty, "the multipart job (first by key) had started its upload")

        let resumed = try await h.resume(["--verify", "md5"])
        #expect(resumed.exitCode == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(try h.report().status == .succeeded)
        try h.expectAllStoredExactly()
        // The upload the stop left behind was aborted when the resume could not list its parts. (Only uploads
        // whose Initiate answer was lost, on a machine slow enough for a retry, could stay open: a server
        // without ListMultipartUploads cannot show them.)
        #expect(
            Set(h.server.openUploadIDs(bucket: h.bucket)).isDisjoint(with: interrupted),
            "\(h.server.log.all.map { "\($0.operation.rawValue) \($0.key ?? "") \($0.status) \($0.uploadID ?? "")" })"
        )
        h.expectNoSecrets(in: [result.stdout, result.stderr, resumed.stdout, resumed.stderr])
    }

    @Test func verifyMD5UploadsEveryObjectExactWithOneWarningThatTheSweepIsSkipped() async throws {
        let h = try await Self.start("nocrc-md5")
        defer { Task { await h.stop() } }
        try Self.writeBatch(h)
        try h.writeFile("big/c.bin", size: 1_100_000, seed: 42)
        let manifest = try h.writeManifest(upload: ["verify: md5"] + Self.settings)
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let report = try h.report()
        #expect(report.status == .succeeded && report.totals.succeeded == 15)
        try h.expectAllStoredExactly()
        // ListMultipartUploads answered 501 once; the sweep was not tried again, and one job says so.
        let listings = h.server.log.all.filter { $0.operation == .listMultipartUploads }
        #expect(listings.count == 1 && listings.first?.status == 501)
        let warned = report.jobs.filter {
            $0.outcome.warnings?.contains { $0.contains("cannot list multipart uploads (NotImplemented)") } == true
        }
        #expect(warned.count == 1)
        #expect(result.stderr.components(separatedBy: "cannot list multipart uploads").count == 2, "\(result.stderr)")
        // Every multipart outcome still carries the CRC-64 of the bytes sent.
        let big = try #require(report.jobs.first { $0.spec.key == "data/big/b.bin" })
        #expect(big.outcome.crc64 != nil)
    }

    @Test func verifyNoneRequiresNothingAndUploadsEveryObjectExact() async throws {
        let h = try await Self.start("nocrc-none")
        defer { Task { await h.stop() } }
        try Self.writeBatch(h)
        let manifest = try h.writeManifest(upload: ["verify: none"] + Self.settings)
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(try h.report().totals.succeeded == 14)
        try h.expectAllStoredExactly()
    }

    @Test func resumeOnAServerWithoutListPartsStartsTheUploadAfreshWithAWarningAndLeavesNoUploadOpen()
        async throws
    {
        let h = try await Self.start("nocrc-resume")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 4_000_000, seed: 1)
        let manifest = try h.writeManifest(upload: [
            "verify: md5", "concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB",
        ])
        try await EngineResumeTests.killMidUpload(h, manifest: manifest)
        let interrupted = try #require(CheckpointStore(directory: h.checkpointDir).all().first?.checkpoint.uploadID)
        let result = try await h.resume()
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.warnings?.contains { $0.contains("cannot list the parts") } == true)
        #expect(h.server.log.all.contains { $0.operation == .listParts && $0.status == 501 })
        try h.expectAllStoredExactly()
        // The interrupted upload was aborted, not orphaned.
        #expect(!h.server.openUploadIDs(bucket: h.bucket).contains(interrupted))
    }

    @Test func abortOnAServerWithoutListingsAbortsTheCheckpointedUploadWithOneWarning() async throws {
        let h = try await Self.start("nocrc-abort")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 3)
        let manifest = try h.writeManifest(upload: [
            "verify: md5", "concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB",
        ])
        try await EngineResumeTests.killMidUpload(h, manifest: manifest)
        let interrupted = try #require(CheckpointStore(directory: h.checkpointDir).all().first?.checkpoint.uploadID)
        let result = try await h.ossbatch(["abort", h.reportPath])
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("aborted 1 upload(s), 0 already gone, 0 failed"))
        #expect(result.stderr.components(separatedBy: "cannot list multipart uploads").count == 2)
        #expect(!h.server.openUploadIDs(bucket: h.bucket).contains(interrupted))
    }
}
