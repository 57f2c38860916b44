import Foundation
import OSSBatch
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A source on a file system without an id of its own (FUSE here; NFS alike), which the kernel numbers as it
/// is mounted, keeps its number across a remount: it is named by its mount (type, source, mount point). Needs
/// root, /dev/fuse and bindfs (CI runs as root; `scripts/setup.sh` installs bindfs).
@Suite(.serialized, .enabled(if: FUSEMount.isPossible, "needs root, /dev/fuse and bindfs"))
struct RemountedFUSESourceTests {
    @Test func anUnchangedFUSETreeRemountedUnderAnotherDeviceNumberSendsNothing() async throws {
        let s = try await UploadIndexTests.start("remount-fuse")
        defer { Task { await s.h.stop() } }
        let mount = try await FUSEMount.make(in: s.h.dir.url, showing: "real", at: "src")
        try await mount.unmounting {
            try await UploadIndexTests.writeFiles(s.h)
            let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
            let first = try await s.run(manifest, report: "r1.json")
            #expect(first.exitCode == 0, "\(first.stderr)")
            #expect(try s.entries().count == 6)

            try await s.expectNothingSentAfterRemounting([mount.point], manifest: manifest, files: 6) {
                try await mount.remountUnderAnotherDeviceNumber()
            }
        }
    }
}
