import Foundation
import OSSBatch
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A source on a file system that comes back under another device number — as an LVM volume, a loop
/// device, a disk found in another order or a btrfs subvolume may after a reboot — is still the same source:
/// an unchanged night sends nothing, and a batch interrupted before the remount resumes without calling its
/// files replaced. Needs root and loop devices (CI runs as root); elsewhere the suite is skipped.
@Suite(.serialized, .enabled(if: LoopMount.isPossible, "needs root, /dev/loop-control and mkfs.ext4"))
struct RemountedSourceTests {
    @Test func anUnchangedTreeRemountedUnderAnotherDeviceNumberSendsNothing() async throws {
        let s = try await UploadIndexTests.start("remount-index")
        defer { Task { await s.h.stop() } }
        let mount = try await LoopMount.make(in: s.h.dir.url, at: "src")
        try await LoopMount.unmounting([mount]) {
            try await UploadIndexTests.writeFiles(s.h)
            let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
            let first = try await s.run(manifest, report: "r1.json")
            #expect(first.exitCode == 0, "\(first.stderr)")
            #expect(try s.entries().count == 6)
            try await s.expectNothingSentAfterRemounting([mount.point], manifest: manifest, files: 6) {
                try await LoopMount.remountThroughOtherLoopDevices([mount])
            }
        }
    }

    @Test func aTreeCrossingIntoAnotherFileSystemKeepsEachFileSystemsNumberAcrossRemounts() async throws {
        // The walk meets a second file system below its root (as a btrfs subvolume, or a disk mounted inside
        // the tree): its files get that file system's number, looked up where st_dev changes.
        let s = try await UploadIndexTests.start("remount-nested")
        defer { Task { await s.h.stop() } }
        let mounts = try await LoopMount.make(in: s.h.dir.url, at: ["src", "src/inner"])
        try await LoopMount.unmounting(mounts) {
            for i in 0..<3 {
                try s.h.writeFile("f\(i).bin", size: 1000 + i, seed: UInt64(i + 1))
                try s.h.writeFile("inner/g\(i).bin", size: 2000 + i, seed: UInt64(i + 11))
            }
            try await s.h.settle()
            let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
            #expect(try await s.run(manifest, report: "r1.json").exitCode == 0)
            // One number per file system.
            #expect(Set(try s.report("r1.json").jobs.map(\.spec.identity.device)).count == 2)
            try await s.expectNothingSentAfterRemounting(mounts.map(\.point), manifest: manifest, files: 6) {
                try await LoopMount.remountThroughOtherLoopDevices(mounts)
            }
        }
    }

    @Test func aBatchInterruptedBeforeARemountResumesWithoutCallingItsFilesReplaced() async throws {
        let h = try await EngineHarness.start("remount-resume")
        defer { Task { await h.stop() } }
        let mount = try await LoopMount.make(in: h.dir.url, at: "src")
        try await LoopMount.unmounting([mount]) {
            for i in 0..<4 { try h.writeFile("f\(i).bin", size: 2000 + i, seed: UInt64(i + 1)) }
            let manifest = try h.writeManifest(upload: ["concurrency: 1"])
            // The first upload is held and the run interrupted: the other files are left to the resume.
            let gate = h.hold(.putObject, after: 0)
            let run = try h.start(["run", manifest, "--report", h.reportPath])
            #expect(await h.waitUntil(.seconds(120)) { h.server.stats.snapshot.requestsInFlight > 0 })
            await h.interrupt(run)
            h.server.faults.open(gate: gate)
            let interrupted = await run.wait()
            #expect(interrupted.exitCode != 0, "\(interrupted.stderr)")
            #expect(try h.report().jobs.contains { $0.outcome.status == .pending })

            try await MountCommand.requireNewDeviceNumbers(at: [mount.point]) {
                try await LoopMount.remountThroughOtherLoopDevices([mount])
            }

            let resumed = try await h.resume()
            #expect(resumed.exitCode == 0, "\(resumed.stderr)")
            #expect(!resumed.stderr.contains("source changed since it was planned"), "\(resumed.stderr)")
            #expect(try h.report().jobs.allSatisfy { $0.outcome.status == .succeeded && $0.outcome.warnings == nil })
            try h.expectAllStoredExactly()
        }
    }
}

extension UploadIndexTests.Setup {
    /// Remounts what is at `points` with `remount` (each must come back under another `st_dev`), then runs
    /// `manifest` again: nothing is sent, and all `files` are skipped as unchanged.
    func expectNothingSentAfterRemounting(
        _ points: [URL],
        manifest: String,
        files: Int,
        by remount: () async throws -> Void
    ) async throws {
        try await MountCommand.requireNewDeviceNumbers(at: points, after: remount)
        h.server.stats.reset()
        let second = try await run(manifest, report: "r2.json")
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(requests.isEmpty, "requests sent after the remount: \(requests)")
        let jobs = try report("r2.json").jobs
        #expect(jobs.count == files && jobs.allSatisfy { $0.outcome.reason == .unchanged })
    }
}
