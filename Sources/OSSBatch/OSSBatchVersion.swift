/// What this build of ossbatch is. The number is written once, in the package's VERSION file; the
/// VersionStamp plugin compiles it and the git commit into `BuildVersion` before every build.
package enum OSSBatchVersion {
    /// The release version, e.g. `0.1.0` (also in the User-Agent).
    package static let current = BuildVersion.number
    /// The short commit hash the binary was built from, `-dirty` when built with local changes, or `unknown`
    /// when built without git (from a source tarball).
    package static let commit = BuildVersion.commit
    /// What `ossbatch --version` prints: `ossbatch 0.1.0 (commit abc1234)`.
    package static let banner = "ossbatch \(current) (commit \(commit))"
}
