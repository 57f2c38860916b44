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

/// An ext4 image of its own, mounted through a loop device at a directory of a test's.
struct LoopMount {
    let image: URL
    let point: URL

    static var isPossible: Bool {
        geteuid() == 0 && FileManager.default.fileExists(atPath: "/dev/loop-control")
            && ["/sbin/mkfs.ext4", "/usr/sbin/mkfs.ext4"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Makes a 32 MiB ext4 image in `directory` and mounts it at `directory/name` (`name` may have several
    /// components: the image is kept in `directory` all the same, outside any other mount).
    static func make(in directory: URL, at name: String) async throws -> LoopMount {
        let mount = LoopMount(
            image: directory.appendingPathComponent(name.replacingOccurrences(of: "/", with: "-") + ".ext4"),
            point: directory.appendingPathComponent(name)
        )
        try FileManager.default.createDirectory(at: mount.point, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: mount.image.path, contents: nil)
        try FileHandle(forWritingTo: mount.image).truncate(atOffset: 32 << 20)
        try await run("mkfs.ext4", ["-q", "-F", mount.image.path])
        try await run("mount", ["-o", "loop", mount.image.path, mount.point.path])
        return mount
    }

    /// Mounts nested in this order (each inside the one before); none left mounted if one fails.
    static func make(in directory: URL, at names: [String]) async throws -> [LoopMount] {
        var mounts: [LoopMount] = []
        for name in names {
            do {
                mounts.append(try await make(in: directory, at: name))
            } catch {
                await remove(mounts)
                throw error
            }
        }
        return mounts
    }

    /// The mounted file system's `st_dev`.
    func deviceNumber() throws -> UInt64 {
        var st = stat()
        guard stat(point.path, &st) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return UInt64(st.st_dev)
    }

    /// Unmounts, takes the first free loop device with a file of nothing, and mounts the image again: it
    /// comes back on another loop device, so under another device number, the same file system.
    func remountThroughAnotherLoopDevice() async throws {
        try await Self.remountThroughOtherLoopDevices([self])
    }

    /// The same for mounts nested in this order (each inside the one before): unmounted innermost first,
    /// mounted again outermost first, each on another loop device than before.
    static func remountThroughOtherLoopDevices(_ mounts: [LoopMount]) async throws {
        for mount in mounts.reversed() { try await run("umount", [mount.point.path]) }
        let filler = mounts[0].image.deletingLastPathComponent().appendingPathComponent("filler.img")
        _ = FileManager.default.createFile(atPath: filler.path, contents: Data(count: 1 << 20))
        let taken = try await run("losetup", ["--find", "--show", filler.path])
        defer { Task { _ = try? await run("losetup", ["--detach", taken]) } }
        for mount in mounts { try await run("mount", ["-o", "loop", mount.image.path, mount.point.path]) }
    }

    /// Runs `body`, then unmounts `mounts` (each inside the one before), whether `body` threw or not.
    static func unmounting(_ mounts: [LoopMount], after body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await remove(mounts)
            throw error
        }
        await remove(mounts)
    }

    /// Unmounts, innermost first (the loop devices go with them).
    private static func remove(_ mounts: [LoopMount]) async {
        for mount in mounts.reversed() { _ = try? await run("umount", [mount.point.path]) }
    }

    @discardableResult
    private static func run(_ program: String, _ arguments: [String]) async throws -> String {
        let path =
            ["/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"].map { $0 + program }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? program
        let result = try await ProcessRunner.run(URL(fileURLWithPath: path), arguments)
        guard result.exitCode == 0 else {
            throw LoopMountError(message: "\(program) \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct LoopMountError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
