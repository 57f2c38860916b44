import Foundation
import OSSProtocol

/// Finds the AccessKey (and STS token) for a run, afresh on every `run` and `resume` (a token may have been
/// rotated in between). Order: `--credentials-file`, then the manifest's `target.credentials`, then the
/// environment (`OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET`, `OSS_SESSION_TOKEN`).
///
/// A credentials file is INI: `[profile]` sections with `access_key_id`, `access_key_secret` and optionally
/// `security_token` (`#` or `;` start comments). It must not be readable by group or others.
package struct CredentialsResolver: Sendable {
    package var commandLineFile: String?
    package var profile: String?
    package var manifestSource: CredentialsSource?
    package var environment: [String: String]

    package init(
        commandLineFile: String? = nil,
        profile: String? = nil,
        manifestSource: CredentialsSource?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.commandLineFile = commandLineFile
        self.profile = profile
        self.manifestSource = manifestSource
        self.environment = environment
    }

    package func resolve() throws(CredentialsError) -> Credentials {
        if let file = commandLineFile {
            // `~` and relative paths as in the manifest (`$HOME`; here relative to the working directory).
            let path = PathResolver.absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
            return try CredentialsResolver.read(
                file: path,
                profile: profile ?? manifestSource?.profile ?? CredentialsSource.defaultProfile
            )
        }
        if let source = manifestSource {
            return try CredentialsResolver.read(file: source.file, profile: profile ?? source.profile)
        }
        let id = environment["OSS_ACCESS_KEY_ID"] ?? ""
        let secret = environment["OSS_ACCESS_KEY_SECRET"] ?? ""
        guard !id.isEmpty, !secret.isEmpty else {
            throw CredentialsError(
                message:
                    "no credentials: set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS), or name a credentials file with --credentials-file or target.credentials in the manifest"
            )
        }
        let token = environment["OSS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyID: id, accessKeySecret: secret, securityToken: token)
    }

    /// Reads `profile` from the INI file at the absolute `path`, refusing anything but a regular file and a
    /// file others can read.
    static func read(file path: String, profile: String) throws(CredentialsError) -> Credentials {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw CredentialsError(message: "credentials file \(path): \(String(cString: strerror(errno)))")
        }
        // Before the mode check: a directory's usual 0755 is not a reason to suggest chmod 600.
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw CredentialsError(
                message: "credentials file \(path) is not a regular file (it is \(Self.kind(of: st.st_mode)))"
            )
        }
        guard st.st_mode & 0o077 == 0 else {
            throw CredentialsError(
                message:
                    "credentials file \(path) is readable by group or others (mode \(String(st.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)"
            )
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CredentialsError(message: "credentials file \(path) cannot be read as UTF-8 text")
        }
        let sections = INI.parse(text)
        guard let values = sections[profile] else {
            let known = sections.keys.sorted().joined(separator: ", ")
            throw CredentialsError(
                message: "credentials file \(path) has no profile [\(profile)]"
                    + (known.isEmpty ? "" : " (profiles: \(known))")
            )
        }
        guard let id = values["access_key_id"], !id.isEmpty,
            let secret = values["access_key_secret"], !secret.isEmpty
        else {
            throw CredentialsError(
                message: "credentials file \(path), profile [\(profile)]: needs access_key_id and access_key_secret"
            )
        }
        let token = values["security_token"] ?? values["session_token"]
        return Credentials(
            accessKeyID: id,
            accessKeySecret: secret,
            securityToken: token?.isEmpty == false ? token : nil
        )
    }
}

extension CredentialsResolver {
    /// What a non-regular file is, for the message.
    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "not a file"
        }
    }
}
