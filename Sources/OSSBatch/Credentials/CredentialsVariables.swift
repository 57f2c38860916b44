/// The environment variables the credential chain reads, named once. The `ALIBABA_CLOUD_*` names are the
/// Alibaba Cloud SDKs' (credentials-go, alibabacloud-credentials for Python and others); the `OSSBATCH_*` ones
/// are ossbatch's own endpoint overrides, for tests and private clouds.
enum CredentialsVariables {
    static let ossAccessKeyID = "OSS_ACCESS_KEY_ID"
    static let ossAccessKeySecret = "OSS_ACCESS_KEY_SECRET"
    static let ossSessionToken = "OSS_SESSION_TOKEN"

    static let accessKeyID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
    static let accessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
    static let securityToken = "ALIBABA_CLOUD_SECURITY_TOKEN"

    static let roleARN = "ALIBABA_CLOUD_ROLE_ARN"
    static let oidcProviderARN = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
    static let oidcTokenFile = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"
    static let roleSessionName = "ALIBABA_CLOUD_ROLE_SESSION_NAME"
    static let stsRegion = "ALIBABA_CLOUD_STS_REGION"
    static let vpcEndpointEnabled = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED"
    static let stsEndpoint = "OSSBATCH_STS_ENDPOINT"

    static let cliProfile = "ALIBABA_CLOUD_PROFILE"
    static let cliProfileDisabled = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED"

    static let ecsRoleName = "ALIBABA_CLOUD_ECS_METADATA"
    static let ecsMetadataDisabled = "ALIBABA_CLOUD_ECS_METADATA_DISABLED"
    /// The SDKs' documentation spells it both ways; either is read.
    static let imdsV1Disabled = ["ALIBABA_CLOUD_IMDSV1_DISABLED", "ALIBABA_CLOUD_IMDSV1_DISABLE"]
    static let ecsMetadataEndpoint = "OSSBATCH_ECS_METADATA_ENDPOINT"
}

extension [String: String] {
    /// The variable's value, `nil` when unset or empty.
    func nonEmpty(_ name: String) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return value
    }

    /// Whether the variable is `true` (any case).
    func isTrue(_ name: String) -> Bool { self[name]?.lowercased() == "true" }
}
