import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// The real binary: placeholders resolved once when `run` plans and kept by `resume`, errors and warnings
/// as `plan` prints them, `--set` for one run, and `OSSBATCH_NOW`.
@Suite(.serialized)
struct PlaceholderCommandTests {
    static let day1 = "2026-12-01T23:00:00Z"
    static let day2 = "2026-12-02T23:00:00Z"

    /// Every key in the harness's bucket, listed over HTTP.
    private func storedKeys(_ h: EngineHarness) async throws -> [String] {
        try await h.makeClient().listObjectsV2(bucket: h.bucket, prefix: "").map(\.key)
    }

    @Test func resumeADayLaterUploadsToTheKeysOfTheFirstDay() async throws {
        let h = try await EngineHarness.start("dated")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("big-\(i).bin", size: 2_000_000, seed: UInt64(i)) }
        try h.writeFile("small.txt", size: 100)
        let manifest = try h.writeManifest(
            upload: ["concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB"],
            prefix: "\"{date:%Y/%m/%d}/\""
        )
        // Once some parts are checkpointed every part hangs until the signal: the batch cannot finish before
        // it, however loaded the machine.
        let gate = h.holdAfterACheckpoint()
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: ["OSSBATCH_NOW": Self.day1]
        )
        #expect(await h.waitUntil(.seconds(120)) { !EngineResumeTests.recordedParts(in: h.checkpointDir).isEmpty })
        await h.interrupt(process)
        let interrupted = await process.wait(timeout: .seconds(30))
        #expect(interrupted.exitCode == 130, "\(interrupted.stderr)")
        #expect(try h.report().totals.pending > 0)
        h.server.faults.removeAll()
        h.server.faults.open(gate: gate)

        // A day later a fresh plan would upload elsewhere (by design)…
        let replanned = try await h.ossbatch(["plan", manifest, "--json"], environment: ["OSSBATCH_NOW": Self.day2])
        #expect(replanned.stdout.contains("\"key\":\"2026/12/02/big-0.bin\""))
        // …but resume finishes the batch to the keys of the day it was planned.
        let resumed = try await h.ossbatch(
            ["resume", h.reportPath, "--progress-interval", "3600"],
            environment: ["OSSBATCH_NOW": Self.day2]
        )
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try h.report().jobs.map(\.spec.key).allSatisfy { $0.hasPrefix("2026/12/01/") })
        try h.expectAllStoredExactly(prefix: "2026/12/01/")
        #expect(try await storedKeys(h).allSatisfy { $0.hasPrefix("2026/12/01/") })
    }

    @Test func anUnsetVariableIsAnErrorAtItsLineAndColumnAndNothingIsSent() async throws {
        let h = try await EngineHarness.start("unset")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest(prefix: "\"{env:OSSBATCH_TEST_ROLE}/\"")
        for command in ["plan", "run"] {
            let result = try await h.ossbatch([command, manifest], environment: ["OSSBATCH_TEST_ROLE": nil])
            #expect(result.exitCode == 2)
            #expect(
                result.stderr == """
                    \(manifest):11:17: error: {env:OSSBATCH_TEST_ROLE}: the environment variable OSSBATCH_TEST_ROLE is not set
                    1 error in the manifest; nothing was sent

                    """
            )
        }
        #expect(try await storedKeys(h).isEmpty)
        let set = try await h.ossbatch(["plan", manifest], environment: ["OSSBATCH_TEST_ROLE": "db"])
        #expect(set.exitCode == 0, "\(set.stderr)")
        #expect(set.stdout.contains("  files[0].key_prefix: {env:OSSBATCH_TEST_ROLE}/ → db/\n"))
    }

    @Test func planShowsResolvedKeysAndPrintsWarnings() async throws {
        let h = try await EngineHarness.start("warnings")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest(prefix: "\"{name}-{date}\"")
        let result = try await h.ossbatch(["plan", manifest], environment: ["OSSBATCH_NOW": "2026-12-02T03:00:00Z"])
        #expect(result.exitCode == 0)
        #expect(
            result.stdout.contains(
                """
                Keys (placeholders resolved for 2026-12-02T03:00:00.000Z, time zone UTC)
                  files[0].key_prefix: {name}-{date} → manifest-2026-12-02
                Totals

                """
            )
        )
        #expect(
            result.stderr == """
                \(manifest):11:17: warning: key_prefix 'manifest-2026-12-02' does not end with '/', so it runs into every path after it ('manifest-2026-12-02' + 'etc/x' gives 'manifest-2026-12-02etc/x'); end it with '/' for a folder

                """
        )
        // `run` prints the same warning and uploads.
        let run = try await h.run(manifest)
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stderr.contains(":11:17: warning: key_prefix '"))
        #expect(try await storedKeys(h).count == 1)
    }

    @Test func setOverridesManifestValuesForOneRun() async throws {
        let h = try await EngineHarness.start("set")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        try h.writeFile("sub/b.txt", size: 20)
        let manifest = try h.writeManifest()
        let before = try String(contentsOfFile: manifest, encoding: .utf8)
        let result = try await h.run(
            manifest,
            ["--set", "files[0].key_prefix=other/{date:%Y}/", "--set", "upload.concurrency=3", "--set", "name=adhoc"]
        )
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(try await storedKeys(h).allSatisfy { $0.hasPrefix("other/20") })
        #expect(try await storedKeys(h).count == 2)
        #expect(try h.report().upload.concurrency == 3)
        #expect(try String(contentsOfFile: manifest, encoding: .utf8) == before)

        let wrong = try await h.ossbatch(["run", manifest, "--set", "upload.concurrency=many", "--set", "nope"])
        #expect(wrong.exitCode == 2)
        #expect(
            wrong.stderr == """
                error: --set 'nope': expected PATH=VALUE, such as upload.concurrency=4 or files[0].key_prefix=web/
                1 error on the command line; nothing was sent

                """
        )
        let badValue = try await h.ossbatch(["plan", manifest, "--set", "upload.concurrency=many"])
        #expect(badValue.exitCode == 2)
        #expect(
            badValue.stderr.hasPrefix(
                "error: --set upload.concurrency=many: 'concurrency' must be an integer, not 'many'\n"
            )
        )
    }

    @Test func aMalformedFixedTimeIsAnError() async throws {
        let h = try await EngineHarness.start("now")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        let result = try await h.ossbatch(["plan", manifest], environment: ["OSSBATCH_NOW": "yesterday"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.hasPrefix("error: OSSBATCH_NOW='yesterday' is not a time; expected ISO 8601"))
        // A day or a time no calendar has was moved on to a later moment: a past night redone under it went to
        // the next night's keys (review of b827939).
        for impossible in [
            "2026-11-31T03:00:00Z", "2026-02-30T03:00:00Z", "2026-12-02T25:00:00Z", "2026-12-02T03:61:00Z",
            "2026-12-02T03:00:60Z",
        ] {
            let refused = try await h.ossbatch(["plan", manifest], environment: ["OSSBATCH_NOW": impossible])
            #expect(refused.exitCode == 2, "\(impossible): \(refused.stdout)")
            #expect(
                refused.stderr.hasPrefix("error: OSSBATCH_NOW='\(impossible)' names a day or a time no calendar has")
            )
        }
        for possible in ["2028-02-29T03:00:00Z", "2026-12-31T23:59:59.999-05:00", "2026-12-02T03:00:00+0800"] {
            let planned = try await h.ossbatch(["plan", manifest], environment: ["OSSBATCH_NOW": possible])
            #expect(planned.exitCode == 0, "\(possible): \(planned.stderr)")
        }
        let offset = try await h.ossbatch(
            ["plan", manifest, "--set", "files[0].key_prefix={date:%F %H}/", "--json"],
            environment: ["OSSBATCH_NOW": "2026-12-02T11:00:00+08:00"]
        )
        #expect(offset.stdout.contains("\"key\":\"2026-12-02 03/a.txt\""), "\(offset.stderr)")
    }
}
