import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

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
        try await MountCommand.run("mkfs.ext4", ["-q", "-F", mount.image.path])
        try await MountCommand.run("mount", ["-o", "loop", mount.image.path, mount.point.path])
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

    /// Unmounts `mounts` (each inside the one before; innermost first), takes the first free loop device with a
    /// file of nothing, and mounts the images again, outermost first: each comes back on another loop device,
    /// so under another device number, the same file system.
    static func remountThroughOtherLoopDevices(_ mounts: [LoopMount]) async throws {
        let devices = try mounts.map { try MountCommand.deviceNumber(of: $0.point) }
        for mount in mounts.reversed() { try await MountCommand.run("umount", [mount.point.path]) }
        // The kernel lets an unmounted loop device go a moment later, not at once: the filler then took a
        // later device and an image the very one it had (the same `st_dev`, a test with nothing to show).
        let deadline = ContinuousClock.now + .seconds(10)
        while devices.contains(where: MountCommand.isAttachedLoopDevice), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let filler = mounts[0].image.deletingLastPathComponent().appendingPathComponent("filler.img")
        _ = FileManager.default.createFile(atPath: filler.path, contents: Data(count: 1 << 20))
        let taken = try await MountCommand.run("losetup", ["--find", "--show", filler.path])
        defer { Task { _ = try? await MountCommand.run("losetup", ["--detach", taken]) } }
        for mount in mounts { try await MountCommand.run("mount", ["-o", "loop", mount.image.path, mount.point.path]) }
    }

    /// Runs `body`, then unmounts `mounts` (each inside the one before), whether `body` threw or not.
    static func unmounting(_ mounts: [LoopMount], after body: () async throws -> Void) async throws {
        try await MountCommand.running(body, thenAlways: { await remove(mounts) })
    }

    /// Unmounts, innermost first (the loop devices go with them).
    private static func remove(_ mounts: [LoopMount]) async {
        for mount in mounts.reversed() { _ = try? await MountCommand.run("umount", [mount.point.path]) }
    }
}

/// A FUSE file system (`bindfs`) showing a directory of a test's at another: FUSE and NFS give `statfs` no
/// file system id, and the kernel numbers them (`st_dev`) as they are mounted.
struct FUSEMount {
    let source: URL
    let point: URL
    /// Where a tmpfs is mounted to take the device number the FUSE mount had.
    let placeholder: URL

    static var isPossible: Bool {
        geteuid() == 0 && FileManager.default.fileExists(atPath: "/dev/fuse")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/bindfs")
    }

    /// Shows `directory/source` at `directory/point` through bindfs.
    static func make(in directory: URL, showing source: String, at point: String) async throws -> FUSEMount {
        let mount = FUSEMount(
            source: directory.appendingPathComponent(source),
            point: directory.appendingPathComponent(point),
            placeholder: directory.appendingPathComponent(point + "-placeholder")
        )
        for url in [mount.source, mount.point, mount.placeholder] {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        try await mount.bind()
        return mount
    }

    /// Unmounts, mounts a tmpfs (which takes the freed device number), and mounts bindfs again: the same
    /// files under another `st_dev`.
    func remountUnderAnotherDeviceNumber() async throws {
        try await MountCommand.run("umount", [point.path])
        try await MountCommand.run("mount", ["-t", "tmpfs", "placeholder", placeholder.path])
        try await bind()
    }

    /// bindfs goes to the background with the descriptors it was given. Foundation's `Process` learns that
    /// a child ended when a socket the child inherited closes, so the daemon must not keep it (nor the
    /// output files): bash closes every descriptor above 2 before it becomes bindfs.
    private func bind() async throws {
        let script = """
            for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null
            exec bindfs "$0" "$1" </dev/null >/dev/null 2>&1
            """
        try await MountCommand.run("bash", ["-c", script, source.path, point.path])
    }

    /// Runs `body`, then unmounts what is mounted, whether `body` threw or not.
    func unmounting(after body: () async throws -> Void) async throws {
        try await MountCommand.running(body, thenAlways: { await remove() })
    }

    private func remove() async {
        for url in [point, placeholder] { _ = try? await MountCommand.run("umount", [url.path]) }
    }
}

/// Runs the mount tools (root's, from `/usr/sbin` and the like) for the tests' mounts; throws with the
/// tool's message when it fails.
enum MountCommand {
    /// Runs `remount` and requires each of `points` to be on another `st_dev` after it than before: otherwise
    /// the test would show nothing.
    static func requireNewDeviceNumbers(at points: [URL], after remount: () async throws -> Void) async throws {
        let before = try points.map(deviceNumber(of:))
        try await remount()
        let after = try points.map(deviceNumber(of:))
        try #require(zip(before, after).allSatisfy { $0 != $1 }, "st_dev \(before) → \(after): nothing to show")
    }

    /// `body`, then `cleanup` whether `body` threw or not.
    static func running(_ body: () async throws -> Void, thenAlways cleanup: () async -> Void) async throws {
        do {
            try await body()
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }

    /// The `st_dev` of what is at `url`.
    /// Whether `device` (an `st_dev`) is a loop device still attached to a file.
    static func isAttachedLoopDevice(_ device: UInt64) -> Bool {
        // Linux's dev_t: the major number in bits 8–19 and 32–43, the minor in bits 0–7 and 12–31.
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        return FileManager.default.fileExists(atPath: "/sys/dev/block/\(major):\(minor)/loop/backing_file")
    }

    static func deviceNumber(of url: URL) throws -> UInt64 {
        var st = stat()
        guard stat(url.path, &st) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return UInt64(st.st_dev)
    }

    @discardableResult
    static func run(_ program: String, _ arguments: [String]) async throws -> String {
        let path =
            ["/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"].map { $0 + program }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? program
        let result = try await ProcessRunner.run(URL(fileURLWithPath: path), arguments)
        guard result.exitCode == 0 else {
            throw MountCommandError(message: "\(program) \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct MountCommandError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
