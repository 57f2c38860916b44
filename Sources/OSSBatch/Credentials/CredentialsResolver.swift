import Foundation
import OSSKit
import OSSProtocol

/// Finds the credentials for a run, afresh on every `run`, `resume` and `abort` (a token may have been rotated
/// in between), in this order (docs/manifest.md § Credentials):
///
/// 1. `--credentials-file` (profile: `--profile`, the manifest's, `default`);
/// 2. the manifest's `target.credentials`: an INI file and profile, or `ecs_ram_role`;
/// 3. `OSS_ACCESS_KEY_ID`, `OSS_ACCESS_KEY_SECRET` (and `OSS_SESSION_TOKEN`);
/// 4. `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (and `ALIBABA_CLOUD_SECURITY_TOKEN`);
/// 5. RRSA: `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`;
/// 6. the aliyun CLI's `~/.aliyun/config.json` (profile: `--profile`, `ALIBABA_CLOUD_PROFILE`, its `current`;
///    off with `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`);
/// 7. the ECS RAM role from the instance metadata service (role: `ALIBABA_CLOUD_ECS_METADATA`, else
///    discovered; off with `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`).
///
/// A credentials file is INI: `[profile]` sections with `access_key_id`, `access_key_secret` and optionally
/// `security_token` (`#` or `;` start comments). It must not be readable by group or others.
package struct CredentialsResolver: Sendable {
    package var commandLineFile: String?
    package var profile: String?
    package var manifestSource: CredentialsSource?
    package var environment: [String: String]
    /// Where `~/.aliyun/config.json` is looked for (`$HOME`).
    package var home: String?

    /// How often credentials read from a file are read again (a token rotated in the file is picked up).
    static let fileMaxAge: TimeInterval = 300

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
        home = environment.nonEmpty("HOME")
    }

    /// Picks the source (reading files, but sending nothing). Throws when no source applies, naming every
    /// source tried and the variable each one misses.
    package func resolve() throws(CredentialsError) -> CredentialsChoice {
        if let file = commandLineFile {
            // `~` and relative paths as in the manifest (`$HOME`; here relative to the working directory).
            let path = PathResolver.absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
            let profile = profile ?? manifestSource?.profile ?? CredentialsSource.defaultProfile
            return .file(try Self.read(file: path, profile: profile), path: path, profile: profile)
        }
        if let source = manifestSource {
            if let role = source.ecsRAMRole {
                return .ecsRAMRole(ECSMetadataCredentials(environment: environment, roleName: role), tried: nil)
            }
            if let path = source.file {
                let profile = profile ?? source.profile
                return .file(try Self.read(file: path, profile: profile), path: path, profile: profile)
            }
        }
        var tried = ["--credentials-file (not given)", "the manifest's target.credentials (none)"]
        typealias V = CredentialsVariables
        for (id, secret, token) in [
            (V.ossAccessKeyID, V.ossAccessKeySecret, V.ossSessionToken),
            (V.accessKeyID, V.accessKeySecret, V.securityToken),
        ] {
            switch (environment.nonEmpty(id), environment.nonEmpty(secret)) {
            case (let i?, let s?):
                let t = environment.nonEmpty(token)
                return .environment(
                    Credentials(accessKeyID: i, accessKeySecret: s, securityToken: t),
                    variables: [id, secret].joined(separator: ", ") + (t == nil ? "" : ", " + token)
                )
            case (nil, nil): tried.append("\(id) and \(secret) (not set)")
            case (nil, _): tried.append("\(id) and \(secret) (\(id) is not set)")
            case (_, nil): tried.append("\(id) and \(secret) (\(secret) is not set)")
            }
        }
        let (oidc, missing) = OIDCRoleCredentials.from(environment: environment)
        if let oidc { return .oidc(oidc) }
        tried.append("RRSA (\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not set)")
        if environment.isTrue(V.cliProfileDisabled) {
            tried.append("the aliyun CLI config (\(V.cliProfileDisabled)=true)")
        } else if let home {
            let path = AliyunCLIProfile.path(home: home)
            if FileManager.default.fileExists(atPath: path) {
                return try AliyunCLIProfile.choice(
                    path: path,
                    profile: profile ?? environment.nonEmpty(V.cliProfile),
                    environment: environment
                )
            }
            tried.append("\(path) (no such file)")
        } else {
            tried.append("the aliyun CLI config (HOME is not set)")
        }
        // Disabled is disabled, a role named or not (as the Alibaba Cloud credentials SDKs do): a host whose
        // image sets the role for every process can still keep one tool off the metadata service.
        if environment.isTrue(V.ecsMetadataDisabled) {
            tried.append("the ECS RAM role (\(V.ecsMetadataDisabled)=true)")
            throw Self.noCredentials(tried)
        }
        if let role = environment.nonEmpty(V.ecsRoleName) {
            return .ecsRAMRole(ECSMetadataCredentials(environment: environment, roleName: role), tried: nil)
        }
        return .ecsRAMRole(ECSMetadataCredentials(environment: environment, roleName: nil), tried: tried)
    }

    /// The provider the run signs with: the chosen source, asked once now (so missing credentials are found
    /// before anything is sent) and renewed before expiry where the source can renew. `transport` carries the
    /// metadata-service and STS requests; `onEvent` hears of renewals (for the log; never a secret).
    package func provider(
        transport: any HTTPTransport,
        onEvent: @escaping @Sendable (RefreshingCredentialsProvider.Event) -> Void = { _ in }
    ) async throws(CredentialsError) -> any CredentialsProvider {
        let choice = try resolve()
        let provider: RefreshingCredentialsProvider
        let source = choice.description
        switch choice {
        case .environment(let credentials, _):
            return StaticCredentialsProvider(credentials)
        case .file(_, let path, let profile):
            provider = RefreshingCredentialsProvider(source: source, maxAge: Self.fileMaxAge, onEvent: onEvent) {
                () throws(CredentialsUnavailable) -> TemporaryCredentials in
                do throws(CredentialsError) {
                    return TemporaryCredentials(try Self.read(file: path, profile: profile), expiration: nil)
                } catch {
                    throw CredentialsUnavailable(error.message)
                }
            }
        case .cliProfile(_, let path, let profile):
            provider = RefreshingCredentialsProvider(source: source, maxAge: Self.fileMaxAge, onEvent: onEvent) {
                () throws(CredentialsUnavailable) -> TemporaryCredentials in
                do throws(CredentialsError) {
                    return TemporaryCredentials(
                        try AliyunCLIProfile.reread(path: path, profile: profile),
                        expiration: nil
                    )
                } catch {
                    throw CredentialsUnavailable(error.message)
                }
            }
        case .oidc(let settings):
            provider = RefreshingCredentialsProvider(source: source, onEvent: onEvent) {
                () async throws(CredentialsUnavailable) -> TemporaryCredentials in
                try await Self.withRetries { () async throws(CredentialsUnavailable) in
                    try await settings.fetch(over: transport)
                }
            }
        case .ecsRAMRole(let settings, let tried):
            let attempts = tried == nil ? Self.attemptsNamed : Self.attemptsDiscovered
            provider = RefreshingCredentialsProvider(source: source, onEvent: onEvent) {
                () async throws(CredentialsUnavailable) -> TemporaryCredentials in
                try await Self.withRetries(attempts: attempts) { () async throws(CredentialsUnavailable) in
                    try await settings.fetch(over: transport)
                }
            }
        }
        do {
            _ = try await provider.credentials()
        } catch {
            if case .ecsRAMRole(_, let tried?) = choice { throw Self.noCredentials(tried + [error.message]) }
            throw CredentialsError(message: "no credentials: \(error.message)")
        }
        return provider
    }

    static func noCredentials(_ tried: [String]) -> CredentialsError {
        CredentialsError(
            message: "no credentials: tried, in order, " + tried.joined(separator: "; ")
                + ". Set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS), name a "
                + "credentials file with --credentials-file or target.credentials in the manifest, or see "
                + "docs/manifest.md § Credentials for the other sources"
        )
    }

    /// How many times a metadata-service or STS request is tried before the lookup (or a renewal) counts as
    /// failed, 0.5, 1, 2, 4 s … apart. A source the manifest or the environment names is tried over ~15 s: one
    /// blip of STS (a 503, throttling, DNS not ready while a pod's sidecar starts) at 2 a.m. failed the whole
    /// night within 1.5 s, exit 3 (review of e4ab55a). The chain's last resort, the metadata service of a
    /// machine that may be no ECS instance, gives up after three, so that "no credentials" comes in seconds.
    static let attemptsNamed = 6
    static let attemptsDiscovered = 3

    /// Runs `fetch` up to `attempts` times, waiting 0.5 s, 1 s, 2 s, … between them.
    static func withRetries(
        attempts: Int = attemptsNamed,
        _ fetch: () async throws(CredentialsUnavailable) -> TemporaryCredentials
    ) async throws(CredentialsUnavailable) -> TemporaryCredentials {
        var attempt = 0
        while true {
            attempt += 1
            do throws(CredentialsUnavailable) {
                return try await fetch()
            } catch {
                guard attempt < attempts, !error.isPermanent, !Task.isCancelled else { throw error }
                try? await Task.sleep(for: .milliseconds(500 << (attempt - 1)))
            }
        }
    }

    /// Reads `profile` from the INI file at the absolute `path`, refusing anything but a regular file and a
    /// file others can read.
    static func read(file path: String, profile: String) throws(CredentialsError) -> Credentials {
        try checkPrivateRegularFile(path, what: "credentials file")
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
    /// Refuses anything but a regular file, and a file others can read (it holds a secret).
    static func checkPrivateRegularFile(_ path: String, what: String) throws(CredentialsError) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw CredentialsError(message: "\(what) \(path): \(String(cString: strerror(errno)))")
        }
        // Before the mode check: a directory's usual 0755 is not a reason to suggest chmod 600.
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw CredentialsError(
                message: "\(what) \(path) is not a regular file (it is \(Self.kind(of: st.st_mode)))"
            )
        }
        guard st.st_mode & 0o077 == 0 else {
            throw CredentialsError(
                message:
                    "\(what) \(path) is readable by group or others (mode \(String(st.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)"
            )
        }
    }

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
