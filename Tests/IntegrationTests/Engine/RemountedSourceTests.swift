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
            try await expectNothingSentAfterRemounting([mount], s, manifest: manifest, files: 6)
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
            try await expectNothingSentAfterRemounting(mounts, s, manifest: manifest, files: 6)
        }
    }

    /// Remounts `mounts` through other loop devices (each must come back under another `st_dev`, or the test
    /// shows nothing), then runs `manifest` again: nothing is sent, and all `files` are skipped as unchanged.
    private func expectNothingSentAfterRemounting(
        _ mounts: [LoopMount],
        _ s: UploadIndexTests.Setup,
        manifest: String,
        files: Int
    ) async throws {
        let before = try mounts.map { try $0.deviceNumber() }
        try await LoopMount.remountThroughOtherLoopDevices(mounts)
        let after = try mounts.map { try $0.deviceNumber() }
        try #require(zip(before, after).allSatisfy { $0 != $1 }, "st_dev \(before) → \(after): nothing to show")

        s.h.server.stats.reset()
        let second = try await s.run(manifest, report: "r2.json")
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(s.requests.isEmpty, "requests sent after the remount: \(s.requests)")
        let jobs = try s.report("r2.json").jobs
        #expect(jobs.count == files && jobs.allSatisfy { $0.outcome.reason == .unchanged })
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

            let before = try mount.deviceNumber()
            try await mount.remountThroughAnotherLoopDevice()
            try #require(try mount.deviceNumber() != before, "the remount kept st_dev \(before): nothing to show")

            let resumed = try await h.resume()
            #expect(resumed.exitCode == 0, "\(resumed.stderr)")
            #expect(!resumed.stderr.contains("source changed since it was planned"), "\(resumed.stderr)")
            #expect(try h.report().jobs.allSatisfy { $0.outcome.status == .succeeded && $0.outcome.warnings == nil })
            try h.expectAllStoredExactly()
        }
    }
}
