import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs programs as a user without privileges, for tests where file permissions matter: root reads
/// everything, and CI runs as root. As root, programs go through `setpriv` as `nobody:nogroup` (with no
/// supplementary groups); as anyone else, they run as they are.
public enum Unprivileged {
    public static let user = "nobody"
    public static let group = "nogroup"
    static let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")

    /// Whether this process can run programs unprivileged: it is not root, or it is root and `setpriv`,
    /// `nobody` and `nogroup` exist.
    public static var isAvailable: Bool {
        if geteuid() != 0 { return true }
        return FileManager.default.isExecutableFile(atPath: setpriv.path) && ids != nil
    }

    /// `nobody`'s user and `nogroup`'s group id.
    static var ids: (uid: uid_t, gid: gid_t)? {
        guard let user = getpwnam(user), let group = getgrnam(group) else { return nil }
        return (user.pointee.pw_uid, group.pointee.gr_gid)
    }

    /// The program and arguments that run `executable` unprivileged.
    public static func command(_ executable: URL, _ arguments: [String]) -> (URL, [String]) {
        guard geteuid() == 0 else { return (executable, arguments) }
        return (setpriv, ["--reuid=\(user)", "--regid=\(group)", "--clear-groups", executable.path] + arguments)
    }

    /// Starts `executable` unprivileged.
    public static func start(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String?] = [:]
    ) throws -> RunningProcess {
        let (program, args) = command(executable, arguments)
        return try RunningProcess(program, args, environment: environment)
    }

    /// Gives the tree at `url` to the unprivileged user (as root; otherwise it is this user's already), so
    /// that the program can write its report and checkpoints there.
    public static func handOver(_ url: URL) throws {
        guard geteuid() == 0, let (uid, gid) = ids else { return }
        let paths = [url.path] + (FileManager.default.subpaths(atPath: url.path) ?? []).map { url.path + "/" + $0 }
        for path in paths where lchown(path, uid, gid) != 0 {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
