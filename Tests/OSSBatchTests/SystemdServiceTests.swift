import Testing

@testable import OSSBatch

/// The advice a stopped night under systemd prints names the unit, not systemd's copy of the credentials file,
/// which is gone once the unit stops (review of c56b4e6: pasted, it failed exit 3 and made the report fatal).
struct SystemdServiceTests {
    static let cgroup = "0::/system.slice/system-ossbatch.slice/ossbatch@nightly-backup.service\n"

    @Test func aCredentialsFileInTheServicesDirectoryNamesTheService() {
        #expect(
            SystemdService.holding(
                credentials: "/run/credentials/ossbatch@nightly-backup.service/oss",
                directory: "/run/credentials/ossbatch@nightly-backup.service",
                cgroup: Self.cgroup
            ) == "ossbatch@nightly-backup.service"
        )
        // cgroup v1: several hierarchies, the unit on the systemd one.
        let v1 = "12:pids:/system.slice/x.service\n1:name=systemd:/system.slice/ossbatch@n.service\n"
        #expect(SystemdService.unit(cgroup: v1) == "x.service")
    }

    @Test func aFileElsewhereOrNoServiceNamesNothing() {
        #expect(
            SystemdService.holding(
                credentials: "/etc/ossbatch/n.credentials",
                directory: "/run/credentials/u",
                cgroup: Self.cgroup
            )
                == nil
        )
        #expect(
            SystemdService.holding(credentials: "/run/credentials/u/oss", directory: nil, cgroup: Self.cgroup) == nil
        )
        // A directory whose name the file's merely starts with.
        #expect(
            SystemdService.holding(
                credentials: "/run/credentials/u2/oss",
                directory: "/run/credentials/u",
                cgroup: Self.cgroup
            )
                == nil
        )
        #expect(SystemdService.unit(cgroup: "0::/user.slice/user-0.slice/session-1.scope\n") == nil)
        #expect(SystemdService.unit(cgroup: "0::/\n") == nil)
    }
}
