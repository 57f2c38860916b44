/// The systemd service a process runs in, for advice that must outlive it: a file in the service's credentials
/// directory (`$CREDENTIALS_DIRECTORY`, systemd's copy of what `LoadCredential=` names) is gone once the unit
/// stops, so a resume command naming it fails (review of c56b4e6).
package enum SystemdService {
    /// The service whose credentials directory `directory` holds `file`, by the process's cgroup file
    /// (`/proc/self/cgroup`: the last `.service` of its path); nil when `file` is not in it or no service is named.
    package static func holding(credentials file: String, directory: String?, cgroup: String?) -> String? {
        guard let directory, !directory.isEmpty, let cgroup,
            file.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
        else { return nil }
        return unit(cgroup: cgroup)
    }

    /// The last `.service` of the cgroup paths in `cgroup` (`0::/system.slice/system-ossbatch.slice/
    /// ossbatch@nightly-backup.service`).
    package static func unit(cgroup: String) -> String? {
        for line in cgroup.split(separator: "\n") {
            let path = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).last ?? line
            if let unit = path.split(separator: "/").last(where: { $0.hasSuffix(".service") }) { return String(unit) }
        }
        return nil
    }
}
