import Foundation
import LocalFiles
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct MountTableTests {
    @Test func linesAreReadWithOptionalFieldsEscapesAndLargeDeviceNumbers() {
        // glibc's makedev(4097, 300): the minor's low byte, the major's low 12 bits, the minor's high bits, the
        // major's high bits.
        let nfsDevice: UInt64 = 0x2c | 0x001 << 8 | 0x100 << 12 | 0x1000 << 32
        let table = MountTable(
            parsing: """
                29 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
                45 27 0:41 / /mnt/with\\040space rw,nosuid - fuse /srv/a\\134b rw,user_id=0
                50 29 4097:300 /exports /data rw master:3 propagate_from:2 - nfs4 files:/exports rw
                bad line
                """
        )
        #expect(
            table.mounts == [
                .init(device: 0xFE00, root: "/", mountPoint: "/", type: "ext4", source: "/dev/vda"),
                .init(device: 41, root: "/", mountPoint: "/mnt/with space", type: "fuse", source: "/srv/a\\b"),
                .init(
                    device: nfsDevice,
                    root: "/exports",
                    mountPoint: "/data",
                    type: "nfs4",
                    source: "files:/exports"
                ),
            ]
        )
    }

    @Test func ofSeveralMountsOfOneFileSystemTheOneOfItsRootThenTheFirstMountPointNamesIt() {
        let table = MountTable(
            parsing: """
                60 1 0:50 /sub /z rw - nfs4 s:/e rw
                61 1 0:50 / /y rw - nfs4 s:/e rw
                62 1 0:50 / /x rw - nfs4 s:/e rw
                """
        )
        #expect(table.mount(device: 50)?.mountPoint == "/x")
        #expect(table.mount(device: 51) == nil)
    }

    @Test func theRootMountsDeviceIsWhatStatSaysOfTheRoot() throws {
        // The kernel's stat is the second opinion on the major:minor decoding.
        let table = try #require(MountTable.current())
        var st = stat()
        #expect(stat("/", &st) == 0)
        let root = try #require(table.mounts.last { $0.mountPoint == "/" })
        #expect(root.device == UInt64(st.st_dev))
        #expect(table.mount(device: UInt64(st.st_dev)) != nil)
    }
}
