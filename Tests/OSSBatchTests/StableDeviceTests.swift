import LocalFiles
import OSSBatch
import Testing

@Suite struct StableDeviceTests {
    /// ext4 as `stat -f` showed a loop-mounted image, mounted once as /dev/loop0 (st_dev 1792) and once as
    /// /dev/loop1 (1793).
    let ext4 = FileSystemIdentity(type: 0xef53, id: 0x1dfe_87c6_0b67_6be6)

    @Test func aFileSystemWithAnIDKeepsItsNumberWhateverDeviceNumberItIsMountedUnder() {
        #expect(StableDevice.number(ext4, device: 1792) == StableDevice.number(ext4, device: 1793))
    }

    @Test func theNumberIsFixedAcrossProcessesAndVersionsAndFitsAJSONNumberExactly() {
        // Kept in indexes and reports: a change here makes every indexed file look like another file.
        // The value worked out independently (Python, the same SplitMix64 finalizer over id ^ type × golden ratio).
        #expect(StableDevice.number(ext4, device: 1792) == 0x1A_2933_7B6D_D981)
        #expect(StableDevice.number(FileSystemIdentity(type: .max, id: .max), device: 0) < 1 << 53)
    }

    @Test func anotherTypeOrIDIsAnotherFileSystem() {
        let numbers: Set<UInt64> = [
            StableDevice.number(ext4, device: 1),
            StableDevice.number(FileSystemIdentity(type: 0x9123_683e, id: ext4.id), device: 1),
            StableDevice.number(FileSystemIdentity(type: ext4.type, id: ext4.id ^ 1), device: 1),
        ]
        #expect(numbers.count == 3)
    }

    @Test func aFileSystemWithoutAnIDOfItsOwnIsNamedByItsMountWhateverItsDeviceNumber() {
        // NFS and FUSE give no id; XFS and ramfs give their device number (the kernel's encoding, low word first).
        let nfs = FileSystemIdentity(type: 0x6969, id: 0)
        let export = MountTable.Mount(device: 0, root: "/", mountPoint: "/srv/files", type: "nfs4", source: "f:/e")
        let onBoot1 = StableDevice.number(nfs, device: 53) { $0 == 53 ? export : nil }
        let onBoot2 = StableDevice.number(nfs, device: 61) { $0 == 61 ? export : nil }
        #expect(onBoot1 == onBoot2 && onBoot1 != 53 && onBoot1 < 1 << 53)
        var elsewhere = export
        elsewhere.mountPoint = "/srv/other"
        #expect(StableDevice.number(nfs, device: 53) { _ in elsewhere } != onBoot1)

        let xfs = FileSystemIdentity(type: 0x5846_5342, id: 0xFD02 << 32)
        let volume = MountTable.Mount(
            device: 0,
            root: "/",
            mountPoint: "/data",
            type: "xfs",
            source: "/dev/mapper/vg-data"
        )
        #expect(StableDevice.number(xfs, device: 0xFD02) { _ in volume } != 0xFD02)
        #expect(
            StableDevice.number(xfs, device: 0xFD02) { _ in volume }
                == StableDevice.number(FileSystemIdentity(type: xfs.type, id: 0xFD03 << 32), device: 0xFD03) { _ in
                    volume
                }
        )
    }

    @Test func aFileSystemWithoutAnIDOrAFailedStatfsKeepsTheDeviceNumber() {
        #expect(StableDevice.number(FileSystemIdentity(type: 0x6969, id: 0), device: 42) { _ in nil } == 42)
        #expect(StableDevice.number(nil, device: 42) == 42)
        #expect(StableDevice.of(path: "/nonexistent/\(UInt64.random(in: 0...UInt64.max))", device: 7) == 7)
    }

    @Test func aDeviceNumberKeptByAnEarlierBuildStillMatchesTheFileSystemItNamesNow() {
        // Reports and checkpoints of builds before the stable number kept st_dev: the same st_dev now is the
        // same file system, and no statfs is made for it.
        var asked = 0
        #expect(
            StableDevice.matching(1792, device: 1792) {
                asked += 1
                return ext4
            } == 1792
        )
        #expect(asked == 0)
        let stable = StableDevice.number(ext4, device: 1793)
        #expect(
            StableDevice.matching(stable, device: 1793) {
                asked += 1
                return ext4
            } == stable
        )
        #expect(
            StableDevice.matching(1792, device: 1793) {
                asked += 1
                return ext4
            } == stable
        )
        #expect(asked == 2)
    }
}
