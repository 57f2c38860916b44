import OSSProtocol

/// The source the credential chain picked (`CredentialsResolver.resolve()`), decided without the network.
package enum CredentialsChoice: Sendable, CustomStringConvertible {
    /// `OSS_*` or `ALIBABA_CLOUD_*` variables: fixed for the run.
    case environment(Credentials, variables: String)
    /// An INI credentials file (`--credentials-file` or the manifest's), re-read when renewed.
    case file(Credentials, path: String, profile: String)
    /// An `AK` or `StsToken` profile of the aliyun CLI's config, re-read when renewed.
    case cliProfile(Credentials, path: String, profile: String)
    /// RRSA: AssumeRoleWithOIDC at STS, renewed before expiry.
    case oidc(OIDCRoleCredentials)
    /// The ECS instance's RAM role from the metadata service, renewed before expiry. `tried` lists what the
    /// chain tried before reaching it as its last resort (its failure is then "no credentials"); `nil` when
    /// it was asked for (manifest, `ALIBABA_CLOUD_ECS_METADATA`, an `EcsRamRole` profile).
    case ecsRAMRole(ECSMetadataCredentials, tried: [String]?)

    /// The source as messages name it.
    package var description: String {
        switch self {
        case .environment(_, let variables): return "the environment (\(variables))"
        case .file(_, let path, let profile): return "credentials file \(path) [\(profile)]"
        case .cliProfile(_, let path, let profile): return "aliyun CLI config \(path), profile '\(profile)'"
        case .oidc(let settings): return settings.name
        case .ecsRAMRole(let settings, _): return settings.name
        }
    }
}
