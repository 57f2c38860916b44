import Foundation
import OSSProtocol

/// A profile of the aliyun CLI's `~/.aliyun/config.json` (`{"current": NAME, "profiles": [{"name", "mode",
/// …}]}`), in one of the modes ossbatch understands: `AK` (`access_key_id`, `access_key_secret`), `StsToken`
/// (also `sts_token`), `EcsRamRole` (`ram_role_name`) and `OIDC` (`ram_role_arn`, `oidc_provider_arn`,
/// `oidc_token_file`).
enum AliyunCLIProfile {
    struct Config: Decodable {
        var current: String?
        var profiles: [Profile]?
    }

    struct Profile: Decodable {
        var name: String?
        var mode: String?
        var accessKeyID: String?
        var accessKeySecret: String?
        var stsToken: String?
        var ramRoleName: String?
        var ramRoleARN: String?
        var oidcProviderARN: String?
        var oidcTokenFile: String?
        enum CodingKeys: String, CodingKey {
            case name, mode
            case accessKeyID = "access_key_id"
            case accessKeySecret = "access_key_secret"
            case stsToken = "sts_token"
            case ramRoleName = "ram_role_name"
            case ramRoleARN = "ram_role_arn"
            case oidcProviderARN = "oidc_provider_arn"
            case oidcTokenFile = "oidc_token_file"
        }
    }

    static let supportedModes = "AK, StsToken, EcsRamRole, OIDC"

    /// The default path: `$HOME/.aliyun/config.json`.
    static func path(home: String) -> String { home + "/.aliyun/config.json" }

    /// What the profile `name` (else the file's `current`) says. `path` must be a private regular file.
    static func choice(
        path: String,
        profile name: String?,
        environment: [String: String]
    ) throws(CredentialsError) -> CredentialsChoice {
        try CredentialsResolver.checkPrivateRegularFile(path, what: "aliyun CLI config")
        guard let data = FileManager.default.contents(atPath: path),
            let config = try? JSONDecoder().decode(Config.self, from: data)
        else {
            throw CredentialsError(message: "aliyun CLI config \(path) is not the JSON the aliyun CLI writes")
        }
        let profiles = config.profiles ?? []
        guard let chosen = name ?? config.current, !chosen.isEmpty else {
            throw CredentialsError(
                message: "aliyun CLI config \(path) names no current profile; set ALIBABA_CLOUD_PROFILE"
            )
        }
        guard let profile = profiles.first(where: { $0.name == chosen }) else {
            let known = profiles.compactMap(\.name).joined(separator: ", ")
            throw CredentialsError(
                message: "aliyun CLI config \(path) has no profile '\(chosen)'"
                    + (known.isEmpty ? "" : " (profiles: \(known))")
            )
        }
        let place = "aliyun CLI config \(path), profile '\(chosen)'"
        func required(_ value: String?, _ field: String) throws(CredentialsError) -> String {
            guard let value, !value.isEmpty else {
                throw CredentialsError(message: "\(place) (mode \(profile.mode ?? "")): needs \(field)")
            }
            return value
        }
        switch profile.mode ?? "" {
        case "AK", "StsToken":
            let credentials = Credentials(
                accessKeyID: try required(profile.accessKeyID, "access_key_id"),
                accessKeySecret: try required(profile.accessKeySecret, "access_key_secret"),
                securityToken: profile.mode == "StsToken" ? try required(profile.stsToken, "sts_token") : nil
            )
            return .cliProfile(credentials, path: path, profile: chosen)
        case "EcsRamRole":
            let role = try required(profile.ramRoleName, "ram_role_name")
            return .ecsRAMRole(ECSMetadataCredentials(environment: environment, roleName: role), tried: nil)
        case "OIDC":
            var variables = environment
            variables[CredentialsVariables.roleARN] = try required(profile.ramRoleARN, "ram_role_arn")
            variables[CredentialsVariables.oidcProviderARN] = try required(profile.oidcProviderARN, "oidc_provider_arn")
            variables[CredentialsVariables.oidcTokenFile] = try required(profile.oidcTokenFile, "oidc_token_file")
            guard let settings = OIDCRoleCredentials.from(environment: variables).settings else {
                throw CredentialsError(message: "\(place): incomplete OIDC settings")
            }
            return .oidc(settings)
        case let mode:
            throw CredentialsError(
                message: "\(place) has mode '\(mode)', which ossbatch does not read (it reads \(supportedModes))"
            )
        }
    }

    /// Re-reads an `AK`/`StsToken` profile (a token rotated in the file meanwhile is picked up).
    static func reread(path: String, profile: String) throws(CredentialsError) -> Credentials {
        guard case .cliProfile(let credentials, _, _) = try choice(path: path, profile: profile, environment: [:])
        else {
            throw CredentialsError(
                message: "aliyun CLI config \(path), profile '\(profile)' is no longer AK or StsToken"
            )
        }
        return credentials
    }
}
