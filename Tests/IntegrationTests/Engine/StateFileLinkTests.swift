import Digests
import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// Issue 13 item 5, with the real binary: state files never follow links. A symbolic link planted at any path
/// ossbatch writes (report, journal, `.prev`, lock files, checkpoints) leaves its target untouched; a
/// checkpoint directory that is a link or writable by others is refused; an existing journal ends mode 0600.
@Suite(.serialized)
struct StateFileLinkTests {
    static let precious = "precious, not ossbatch's\n"

    /// A file a planted link points at, mode 0644.
    static func victim(_ h: EngineHarness, _ name: String = "victim.txt") throws -> String {
        let path = try h.dir.write(name, precious).path
        #expect(chmod(path, 0o644) == 0)
        return path
    }

    static func expectUntouched(_ path: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            (try? String(contentsOfFile: path, encoding: .utf8)) == precious,
            "\(context): the link's target was written",
            sourceLocation: sourceLocation
        )
        #expect(mode(path) == 0o644, "\(context): the link's target changed mode", sourceLocation: sourceLocation)
    }

    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    static func isLink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    static func plant(_ link: String, to target: String) {
        unlink(link)
        #expect(symlink(target, link) == 0, "symlink \(link)")
    }

    @Test func linksAtTheReportItsJournalAndItsLockLeaveTheirTargetsUntouched() async throws {
        let h = try await EngineHarness.start("links-report")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        let victim = try Self.victim(h)
        let report = h.reportPath
        for suffix in ["", ".journal", ".lock"] {
            for path in [report, report + ".journal", report + ".lock"] { unlink(path) }
            Self.plant(report + suffix, to: victim)
            let run = try await h.run(manifest)
            #expect([2, 3].contains(run.exitCode), "run with a link at REPORT\(suffix): \(run.stderr)")
            #expect(run.stderr.contains("symbolic link"), "\(run.stderr)")
            Self.expectUntouched(victim, "run, link at REPORT\(suffix)")
        }
        #expect(h.server.log.all.isEmpty, "nothing was sent")

        // A finished report whose journal, then lock, is replaced by a link: resume and abort refuse.
        for path in [report, report + ".journal", report + ".lock"] { unlink(path) }
        #expect(try await h.run(manifest).exitCode == 0)
        for suffix in [".journal", ".lock"] {
            // (The lock file is removed when its holder ends.)
            let saved = try? Data(contentsOf: URL(fileURLWithPath: report + suffix))
            Self.plant(report + suffix, to: victim)
            for command in ["resume", "abort"] {
                let result = try await h.ossbatch([command, report])
                #expect(
                    [2, 3].contains(result.exitCode),
                    "\(command) with a link at REPORT\(suffix): \(result.stderr)"
                )
                Self.expectUntouched(victim, "\(command), link at REPORT\(suffix)")
            }
            unlink(report + suffix)
            try saved?.write(to: URL(fileURLWithPath: report + suffix))
        }
    }

    @Test func linksAtThePreviousReportAreReplacedNotFollowed() async throws {
        let h = try await EngineHarness.start("links-prev")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        #expect(try await h.run(manifest).exitCode == 0)
        let victim = try Self.victim(h)
        let journalVictim = try Self.victim(h, "victim-journal.txt")
        let previous = ReportReplacement.previousPath(of: h.reportPath)
        Self.plant(previous, to: victim)
        Self.plant(previous + ".journal", to: journalVictim)
        let run = try await h.run(manifest)
        #expect(run.exitCode == 0, "\(run.stderr)")
        Self.expectUntouched(victim, "REPORT.prev")
        Self.expectUntouched(journalVictim, "REPORT.prev.journal")
        #expect(!Self.isLink(previous))
        #expect(try ReportStore.load(previous).status == .succeeded)
    }

    @Test func linksAtLockFilesAndCheckpointsInTheStateDirectoryLeaveTheirTargetsUntouched() async throws {
        let h = try await EngineHarness.start("links-state")
        defer { Task { await h.stop() } }
        let big = try h.writeFile("big.bin", size: 300_000, seed: 3)
        let manifest = try h.writeManifest(upload: ["part_size: 100KiB", "multipart_threshold: 200KiB"])
        let victim = try Self.victim(h)
        let state = StateDirectory(path: h.stateDir)
        for dir in [h.stateDir, state.locks, h.checkpointDir] {
            try FileManager.default.createDirectory(
                atPath: dir,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        let batchLock = BatchLock.path(manifest: manifest, bucket: h.bucket, in: state)
        let keyLocks = state.locks + "/keys-\(SHA256.hash(Array(h.bucket.utf8)).hexString.prefix(32)).lock"
        for lock in [batchLock, keyLocks] {
            Self.plant(lock, to: victim)
            let run = try await h.run(manifest)
            #expect(run.exitCode == 3, "a link at \(lock): \(run.stderr)")
            #expect(run.stderr.contains("symbolic link"), "\(run.stderr)")
            Self.expectUntouched(victim, "link at \(lock)")
            unlink(lock)
            for path in [h.reportPath, h.reportPath + ".journal"] { unlink(path) }
        }
        #expect(h.server.log.all.isEmpty, "nothing was sent")

        // A link where the checkpoint of big.bin goes: never read through, replaced when written.
        let checkpoint =
            h.checkpointDir + "/"
            + CheckpointStore.fileName(bucket: h.bucket, key: "data/big.bin", source: big.path)
        Self.plant(checkpoint, to: victim)
        h.server.faults.add(.failNth(1, .completeMultipartUpload, status: 400, code: .invalidPart))
        let run = try await h.run(manifest)
        #expect(run.exitCode == 1, "\(run.stderr)")
        Self.expectUntouched(victim, "link at the checkpoint")
        let job = try #require(try h.report().jobs.first { $0.spec.key == "data/big.bin" })
        #expect(job.outcome.checkpoint == checkpoint && !Self.isLink(checkpoint))
        #expect(try await h.resume().exitCode == 0)
        try h.expectAllStoredExactly()
        Self.expectUntouched(victim, "after resume")
        let probes = try FileManager.default.contentsOfDirectory(atPath: h.checkpointDir).filter {
            $0.contains("probe")
        }
        #expect(probes.isEmpty, "the write probe is removed")
    }

    @Test func aCheckpointDirectoryThatIsALinkOrWritableByOthersIsRefused() async throws {
        let h = try await EngineHarness.start("links-checkpoint-dir")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 300_000, seed: 3)
        let manifest = try h.writeManifest(upload: ["part_size: 100KiB", "multipart_threshold: 200KiB"])
        let real = h.dir.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: (h.checkpointDir as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        Self.plant(h.checkpointDir, to: real)
        let linked = try await h.run(manifest)
        #expect(linked.exitCode == 3, "\(linked.stderr)")
        #expect(
            (linked.stdout + linked.stderr).contains(
                "cannot use the checkpoint directory \(h.checkpointDir): is a symbolic link"
            ),
            "\(linked.stdout)\(linked.stderr)"
        )
        #expect(try FileManager.default.contentsOfDirectory(atPath: real).isEmpty)

        unlink(h.checkpointDir)
        try FileManager.default.createDirectory(atPath: h.checkpointDir, withIntermediateDirectories: true)
        #expect(chmod(h.checkpointDir, 0o777) == 0)
        let open = try await h.run(manifest)
        #expect(open.exitCode == 3, "\(open.stderr)")
        #expect(
            (open.stdout + open.stderr).contains("is writable by group or others (mode 777)"),
            "\(open.stdout)\(open.stderr)"
        )
        #expect(!h.server.log.all.contains { $0.operation == .uploadPart }, "no part was sent")

        #expect(chmod(h.checkpointDir, 0o700) == 0)
        let fixed = try await h.resume()
        #expect(fixed.exitCode == 0, "\(fixed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// `abort` holds the checkpoint directory to `resume`'s rule: a link there is refused (exit 3) and the
    /// checkpoints in its target are left alone. Before, abort deleted them through the link.
    @Test func abortRefusesACheckpointDirectoryThatIsALink() async throws {
        let h = try await EngineHarness.start("links-abort-checkpoints")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 3)
        let manifest = try EngineResumeTests.multipartManifest(h)
        try await EngineResumeTests.killMidUpload(h, manifest: manifest)
        let real = h.dir.path + "/elsewhere"
        #expect(rename(h.checkpointDir, real) == 0)
        Self.plant(h.checkpointDir, to: real)
        let held = try FileManager.default.contentsOfDirectory(atPath: real)
        #expect(held.count == 1, "\(held)")

        let linked = try await h.ossbatch(["abort", h.reportPath])
        #expect(linked.exitCode == 3, "\(linked.stdout)\(linked.stderr)")
        #expect((linked.stdout + linked.stderr).contains("is a symbolic link"), "\(linked.stdout)\(linked.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: real) == held, "the link's target untouched")
        #expect(!h.server.log.all.contains { $0.operation == .abortMultipartUpload })

        unlink(h.checkpointDir)
        #expect(rename(real, h.checkpointDir) == 0)
        let aborted = try await h.ossbatch(["abort", h.reportPath])
        #expect(aborted.exitCode == 0, "\(aborted.stdout)\(aborted.stderr)")
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
    }

    @Test func aJournalAndReportThatExistedWithMode0644End0600() async throws {
        let h = try await EngineHarness.start("journal-mode")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        #expect(try await h.run(manifest).exitCode == 0)
        for path in [h.reportPath, h.reportPath + ".journal"] { #expect(chmod(path, 0o644) == 0) }
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(Self.mode(h.reportPath + ".journal") == 0o600)
        #expect(Self.mode(h.reportPath) == 0o600)
    }

    /// The state directory itself, not only what ossbatch makes in it: one every user may write lets another
    /// rename `.index` or `.locks` away and put theirs in its place (review of 72b75db: only the
    /// subdirectories were checked, though the docs say such a directory is refused).
    @Test func aStateDirectoryOthersMayWriteIsRefusedBeforeAnythingIsSent() async throws {
        let h = try await EngineHarness.start("state-0777")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10, seed: 1)
        let manifest = try h.writeManifest(upload: ["unchanged: skip"])
        try FileManager.default.createDirectory(atPath: h.stateDir, withIntermediateDirectories: true)
        #expect(chmod(h.stateDir, 0o777) == 0)
        let run = try await h.run(manifest)
        #expect(run.exitCode == 3, "\(run.stderr)")
        #expect(run.stderr.contains("\(h.stateDir): is writable by group or others (mode 777)"), "\(run.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation["PutObject"] == nil)
        #expect(chmod(h.stateDir, 0o755) == 0)
        let fixed = try await h.run(manifest)
        #expect(fixed.exitCode == 0, "\(fixed.stderr)")

        // A state directory reached through a symbolic link (moved to a data disk) is checked where it leads,
        // not refused for the link (review of 1e1b6d5: the first version of the root's check refused it).
        let moved = h.dir.path + "/data-disk-state"
        try FileManager.default.moveItem(atPath: h.stateDir, toPath: moved)
        try FileManager.default.createSymbolicLink(atPath: h.stateDir, withDestinationPath: moved)
        let linked = try await h.ossbatch(["run", manifest, "--report", h.dir.path + "/r3.json"])
        #expect(linked.exitCode == 0, "\(linked.stderr)")
        #expect(chmod(moved, 0o777) == 0)
        let open = try await h.ossbatch(["run", manifest, "--report", h.dir.path + "/r4.json"])
        #expect(open.exitCode == 3 && open.stderr.contains("writable by group or others"), "\(open.stderr)")
    }

    @Test func aReportDirectoryMadeUnderUmask000IsTheUsersAlone() async throws {
        // cron and some service managers run with umask 000: the report's directory, which holds the batch's
        // state files, must not come out writable by every user.
        let h = try await EngineHarness.start("umask-000")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10, seed: 1)
        let manifest = try h.writeManifest()
        let report = h.dir.path + "/new/reports/r.json"
        let run = try await h.ossbatchAfterPython(
            "os.umask(0)",
            ["run", manifest, "--report", report, "--progress-interval", "3600"]
        )
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Self.mode(h.dir.path + "/new/reports") == 0o700)
        #expect(Self.mode(report) == 0o600)
    }

    @Test func stateDirectoriesAreMadeAt0700NotWidenedThenNarrowed() async throws {
        // Made at 0777 less the umask and `chmod`ed after (Foundation's `createDirectory(attributes:)`), a
        // state directory stood open to every user for a moment under umask 000: time to plant a file or a
        // link in it. Every `mkdir` the binary makes must ask for 0700 (strace is the second opinion).
        let h = try await EngineHarness.start("mkdir-0700")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10, seed: 1)
        let manifest = try h.writeManifest(upload: ["unchanged: skip"])
        let report = h.dir.path + "/new/reports/r.json"
        // One trace file a thread (`-ff`): a call another thread interrupts is split in two lines otherwise.
        // `/mkdir` matches mkdir and mkdirat by name, wherever the architecture has either.
        let trace = h.dir.path + "/mkdir.trace"
        let run = try await h.ossbatchVia(
            URL(fileURLWithPath: "/usr/bin/strace"),
            [
                "-f", "-ff", "-qq", "-o", trace, "-e", "trace=/mkdir", "/bin/sh", "-c", #"umask 000 && exec "$@""#,
                "sh", Products.url("ossbatch").path, "run", manifest, "--report", report, "--progress-interval", "3600",
            ]
        )
        #expect(run.exitCode == 0, "\(run.stderr)")
        let traces = try FileManager.default.contentsOfDirectory(atPath: h.dir.path).filter {
            $0.hasPrefix("mkdir.trace.")
        }
        let made = try traces.flatMap {
            try String(contentsOfFile: h.dir.path + "/" + $0, encoding: .utf8).split(separator: "\n")
        }.filter { $0.contains("mkdir") && $0.hasSuffix("= 0") }
        // The state directory, its `.locks` and `.index`, the report's two, the default checkpoint directory.
        #expect(made.count >= 5, "\(made)")
        let wide = made.filter { !$0.contains(", 0700)") }
        #expect(wide.isEmpty, "directories made wider than 0700: \(wide)")
        for directory in [h.stateDir, h.stateDir + "/.locks", h.stateDir + "/.index", h.dir.path + "/new/reports"] {
            #expect(Self.mode(directory) == 0o700, "\(directory)")
        }
    }
}
