import Glibc

/// The effective user and groups of this process, to judge permission bits without a system call per
/// file (a directory walk of 200,000 files would otherwise pay for 200,000 `faccessat` calls). Where the bits
/// say no, the walk asks the kernel (`Directory.mayOpen`), which knows ACLs: a backup user granted its reads by
/// `setfacl` had every such file skipped as unreadable (review of c56b4e6).
public struct ProcessIdentity: Sendable {
    public let user: UInt32
    public let groups: Set<UInt32>
    /// Whether the kernel lets this process read any file and search any directory: an effective
    /// `CAP_DAC_READ_SEARCH` or `CAP_DAC_OVERRIDE` — root's, unless taken from it (a bounding set, a rootless
    /// container), or another user's given by `AmbientCapabilities=` (review of c56b4e6: root without them had
    /// unreadable files planned and failed at upload; a user with them had readable files skipped).
    public let readsEverything: Bool

    /// Read once; the ids do not change while ossbatch runs.
    public static let current: ProcessIdentity = {
        let count = getgroups(0, nil)
        var list = [gid_t](repeating: 0, count: Int(max(count, 0)))
        let filled = count > 0 ? getgroups(count, &list) : 0
        let user = geteuid()
        return ProcessIdentity(
            user: user,
            groups: Set(list.prefix(Int(max(filled, 0)))).union([getegid()]),
            readsEverything: effectiveCapabilities().map { $0 & (1 << 1 | 1 << 2) != 0 } ?? (user == 0)
        )
    }()

    public init(user: UInt32, groups: Set<UInt32>, readsEverything: Bool? = nil) {
        self.user = user
        self.groups = groups
        self.readsEverything = readsEverything ?? (user == 0)
    }

    /// `CapEff` of `/proc/self/status` (bit 1 `CAP_DAC_OVERRIDE`, bit 2 `CAP_DAC_READ_SEARCH`); nil when it
    /// cannot be read.
    static func effectiveCapabilities() -> UInt64? {
        guard let bytes = ProcessTable.readSmallFile("/proc/self/status", limit: 64 << 10) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("CapEff:") {
            return UInt64(line.dropFirst("CapEff:".count).trimmingPrefix { $0 == " " || $0 == "\t" }, radix: 16)
        }
        return nil
    }

    /// Whether the permission bits let this process read the file (or its capabilities do). ACLs are not
    /// consulted: where this says no, ask the kernel (`Directory.mayOpen`).
    public func mayRead(_ status: FileStatus) -> Bool {
        if readsEverything { return true }
        if status.owner == user { return status.permissions & 0o400 != 0 }
        if groups.contains(status.group) { return status.permissions & 0o040 != 0 }
        return status.permissions & 0o004 != 0
    }

    /// Whether the permission bits let this process list a directory and reach its files (read and
    /// search), or its capabilities do. ACLs are not consulted, as in `mayRead`.
    public func mayList(_ status: FileStatus) -> Bool {
        if readsEverything { return true }
        let bits: UInt32
        if status.owner == user {
            bits = status.permissions >> 6
        } else if groups.contains(status.group) {
            bits = status.permissions >> 3
        } else {
            bits = status.permissions
        }
        return bits & 0o5 == 0o5
    }
}
