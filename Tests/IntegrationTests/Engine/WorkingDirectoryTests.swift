import Foundation
import OSSBatch
import TestSupport
import Testing

/// A command started in a directory deleted since (a shell left in it): relative paths name nothing there.
/// Before, they were joined to "/" (Foundation gives "" for a working directory it cannot find): `--report
/// rep.json` was written as /rep.json, and a relative manifest read from / (audit of 49872c5).
@Suite(.serialized)
struct WorkingDirectoryTests {
    @Test func relativePathsInADeletedWorkingDirectoryFailThereAndAbsoluteOnesWork() async throws {
        let h = try await EngineHarness.start("deleted-cwd")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 1_000, seed: 1)
        let manifest = try h.writeManifest()
        let gone = h.dir.path + "/gone"
        let leaveIt = "os.makedirs('\(gone)'); os.chdir('\(gone)'); os.rmdir('\(gone)')"
        let name = "ossbatch-deleted-cwd-\(UUID().uuidString).json"
        defer { for suffix in ["", ".journal", ".lock"] { unlink("/" + name + suffix) } }

        let relative = try await h.ossbatchAfterPython(leaveIt, ["run", manifest, "--report", name])
        #expect(relative.exitCode != 0, "\(relative.stderr)")
        #expect(relative.stderr.contains("the current directory no longer exists"), "\(relative.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/" + name), "written at the root")
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)

        let absolute = try await h.ossbatchAfterPython(leaveIt, ["run", manifest, "--report", h.reportPath])
        #expect(absolute.exitCode == 0, "\(absolute.stderr)")
        try h.expectAllStoredExactly()

        // A manifest named through `..` (which the kernel still resolves from a deleted directory): its own
        // relative paths (`source: src/`) are its directory's, not `/`'s (review of 033c720: a tree under `/`
        // with the source's name was uploaded, exit 0).
        h.server.stats.reset()
        let parent = try await h.ossbatchAfterPython(
            leaveIt,
            ["run", "../manifest.yaml", "--report", h.dir.path + "/parent.json"]
        )
        #expect(parent.exitCode == 0, "\(parent.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 1], "\(parent.stderr)")
        try h.expectAllStoredExactly()
    }
}
