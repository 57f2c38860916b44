import Foundation
import Glibc
import OSSBatch
import OSSProtocol
import TestSupport
import Testing

/// Which source `CredentialsResolver.resolve()` picks, in the documented order, and what it says when there is
/// none. Sends nothing: the network sources are only chosen here (their requests: `CredentialSourcesTests`).
@Suite struct CredentialsChainTests {
    static let ossEnv = ["OSS_ACCESS_KEY_ID": "oss-id", "OSS_ACCESS_KEY_SECRET": "oss-secret"]
    static let alibabaEnv = [
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "ali-id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "ali-secret",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "ali-token",
    ]
    static let oidcEnv = [
        "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/r", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/p",
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/var/run/secrets/token",
    ]

    /// A temporary HOME, with `~/.aliyun/config.json` when `cliConfig` is given (mode 0600).
    final class Home {
        let dir: TemporaryDirectory
        init(cliConfig: String? = nil, mode: mode_t = 0o600) throws {
            dir = try TemporaryDirectory("home")
            if let cliConfig {
                let url = try dir.write(".aliyun/config.json", cliConfig)
                chmod(url.path, mode)
            }
        }
        var path: String { dir.path }
        func env(_ more: [String: String] = [:]) -> [String: String] {
            more.merging(["HOME": dir.path, "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"]) { a, _ in a }
        }
        deinit { dir.remove() }
    }

    private func resolve(
        _ env: [String: String],
        file: String? = nil,
        profile: String? = nil,
        manifest: CredentialsSource? = nil
    ) throws(CredentialsError) -> CredentialsChoice {
        try CredentialsResolver(commandLineFile: file, profile: profile, manifestSource: manifest, environment: env)
            .resolve()
    }

    private func message(_ body: () throws(CredentialsError) -> CredentialsChoice) -> String {
        do {
            return "chose \(try body())"
        } catch {
            return error.message
        }
    }

    private func iniFile(_ home: Home, _ name: String = "creds") throws -> String {
        let url = try home.dir.write(name, "[default]\naccess_key_id = file-id\naccess_key_secret = file-secret\n")
        chmod(url.path, 0o600)
        return url.path
    }

    @Test func aCommandLineFileComesFirstThenTheManifestsThenTheEnvironment() throws {
        let home = try Home()
        let file = try iniFile(home)
        let env = home.env(Self.ossEnv)
        guard
            case .file(let c, let path, _) = try resolve(env, file: file, manifest: CredentialsSource(ecsRAMRole: "r"))
        else { throw Failure("expected the command-line file") }
        #expect(c.accessKeyID == "file-id" && path == file)
        guard case .ecsRAMRole(let ecs, let tried) = try resolve(env, manifest: CredentialsSource(ecsRAMRole: "etl"))
        else { throw Failure("expected the manifest's ECS role") }
        #expect(ecs.roleName == "etl" && tried == nil)
        guard case .file = try resolve(env, manifest: CredentialsSource(file: file)) else {
            throw Failure("expected the manifest's file")
        }
        guard case .environment(let e, let variables) = try resolve(env) else { throw Failure("expected OSS_*") }
        #expect(e.accessKeyID == "oss-id" && e.securityToken == nil && variables.hasPrefix("OSS_ACCESS_KEY_ID"))
    }

    @Test func ossVariablesComeBeforeAlibabaCloudOnesWhichCarryTheirToken() throws {
        let home = try Home()
        guard case .environment(let both, _) = try resolve(home.env(Self.ossEnv.merging(Self.alibabaEnv) { a, _ in a }))
        else { throw Failure("expected the environment") }
        #expect(both.accessKeyID == "oss-id")
        guard case .environment(let ali, let variables) = try resolve(home.env(Self.alibabaEnv)) else {
            throw Failure("expected ALIBABA_CLOUD_*")
        }
        #expect(ali.accessKeyID == "ali-id" && ali.securityToken == "ali-token")
        #expect(variables.contains("ALIBABA_CLOUD_SECURITY_TOKEN"))
        // Half an OSS pair does not count: the next source does.
        guard
            case .environment(let next, _) = try resolve(
                home.env(["OSS_ACCESS_KEY_ID": "x"].merging(Self.alibabaEnv) { a, _ in a })
            )
        else { throw Failure("expected ALIBABA_CLOUD_*") }
        #expect(next.accessKeyID == "ali-id")
    }

    @Test func rrsaComesAfterTheVariablesAndItsSTSEndpointFollowsRegionAndVPC() throws {
        let home = try Home()
        guard case .environment = try resolve(home.env(Self.oidcEnv.merging(Self.alibabaEnv) { a, _ in a })) else {
            throw Failure("the variables come first")
        }
        guard case .oidc(let oidc) = try resolve(home.env(Self.oidcEnv)) else { throw Failure("expected RRSA") }
        #expect(oidc.roleARN == "acs:ram::1:role/r" && oidc.tokenFile == "/var/run/secrets/token")
        #expect(oidc.endpoint == "https://sts.aliyuncs.com" && oidc.sessionName.hasPrefix("ossbatch-"))
        let regional = Self.oidcEnv.merging(["ALIBABA_CLOUD_STS_REGION": "cn-shanghai"]) { a, _ in a }
        guard case .oidc(let r) = try resolve(home.env(regional)) else { throw Failure("expected RRSA") }
        #expect(r.endpoint == "https://sts.cn-shanghai.aliyuncs.com")
        let vpc = regional.merging(["ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED": "true"]) { a, _ in a }
        guard case .oidc(let v) = try resolve(home.env(vpc)) else { throw Failure("expected RRSA") }
        #expect(v.endpoint == "https://sts-vpc.cn-shanghai.aliyuncs.com")
        let local = Self.oidcEnv.merging([
            "OSSBATCH_STS_ENDPOINT": "http://127.0.0.1:9", "ALIBABA_CLOUD_ROLE_SESSION_NAME": "s",
        ]) { a, _ in a }
        guard case .oidc(let l) = try resolve(home.env(local)) else { throw Failure("expected RRSA") }
        #expect(l.endpoint == "http://127.0.0.1:9" && l.sessionName == "s")
    }

    static let cliConfig = """
        {"current": "ak", "profiles": [
          {"name": "ak", "mode": "AK", "access_key_id": "cli-id", "access_key_secret": "cli-secret"},
          {"name": "sts", "mode": "StsToken", "access_key_id": "cli-sts-id", "access_key_secret": "s", "sts_token": "cli-token"},
          {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "cli-role"},
          {"name": "arn", "mode": "RamRoleArn", "access_key_id": "a", "access_key_secret": "b", "ram_role_arn": "r"},
          {"name": "broken", "mode": "StsToken", "access_key_id": "a", "access_key_secret": "b"}
        ]}
        """

    @Test func theAliyunCLIConfigComesAfterRRSAWithItsCurrentProfileOrTheOneNamed() throws {
        let home = try Home(cliConfig: Self.cliConfig)
        guard case .oidc = try resolve(home.env(Self.oidcEnv)) else { throw Failure("RRSA comes first") }
        guard case .cliProfile(let ak, _, let name) = try resolve(home.env()) else { throw Failure("expected AK") }
        #expect(ak.accessKeyID == "cli-id" && ak.securityToken == nil && name == "ak")
        guard case .cliProfile(let sts, _, _) = try resolve(home.env(["ALIBABA_CLOUD_PROFILE": "sts"])) else {
            throw Failure("expected StsToken")
        }
        #expect(sts.securityToken == "cli-token")
        guard case .ecsRAMRole(let ecs, nil) = try resolve(home.env(), profile: "ecs") else {
            throw Failure("expected EcsRamRole")
        }
        #expect(ecs.roleName == "cli-role")
        #expect(
            message { () throws(CredentialsError) in try resolve(home.env(), profile: "arn") }.contains(
                "mode 'RamRoleArn', which ossbatch does not read"
            )
        )
        #expect(
            message { () throws(CredentialsError) in try resolve(home.env(), profile: "broken") }.hasSuffix(
                "needs sts_token"
            )
        )
        #expect(
            message { () throws(CredentialsError) in try resolve(home.env(), profile: "nope") }.contains(
                "has no profile 'nope' (profiles: ak, sts, ecs, arn, broken)"
            )
        )
        guard
            case .environment = try resolve(
                home.env(
                    ["ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true", "ALIBABA_CLOUD_ECS_METADATA": "r"].merging(
                        Self.alibabaEnv
                    ) { a, _ in a }
                )
            )
        else {
            throw Failure("variables beat the CLI config")
        }
    }

    @Test func anAliyunCLIConfigReadableByOthersIsRefused() throws {
        let home = try Home(cliConfig: Self.cliConfig, mode: 0o644)
        #expect(
            message { () throws(CredentialsError) in try resolve(home.env()) }.contains(
                "is readable by group or others"
            )
        )
    }

    @Test func theECSRoleComesLastNamedOrDiscoveredUnlessDisabled() throws {
        let home = try Home()
        var env = home.env(["ALIBABA_CLOUD_ECS_METADATA": "named-role"])
        // Disabled is disabled, a role named or not (audit of 72b75db: the named role was fetched regardless).
        let disabled = message { () throws(CredentialsError) in try resolve(env) }
        #expect(disabled.contains("the ECS RAM role (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)"), "\(disabled)")
        env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = nil
        guard case .ecsRAMRole(let named, nil) = try resolve(env) else { throw Failure("expected the named role") }
        #expect(named.roleName == "named-role" && named.endpoint == "http://100.100.100.200")
        env = home.env()
        env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = nil
        env["OSSBATCH_ECS_METADATA_ENDPOINT"] = "http://127.0.0.1:9"
        env["ALIBABA_CLOUD_IMDSV1_DISABLE"] = "true"
        guard case .ecsRAMRole(let discovered, let tried?) = try resolve(env) else {
            throw Failure("expected discovery as the last resort")
        }
        #expect(discovered.roleName == nil && discovered.endpoint == "http://127.0.0.1:9" && discovered.imdsV1Disabled)
        #expect(tried.count == 6)
    }

    @Test func noCredentialsNamesEverySourceTriedAndTheVariableEachMisses() throws {
        let home = try Home()
        let text = message { () throws(CredentialsError) in
            try resolve(home.env(["OSS_ACCESS_KEY_ID": "x", "ALIBABA_CLOUD_ROLE_ARN": "r"]))
        }
        #expect(text.hasPrefix("no credentials: tried, in order, --credentials-file (not given); the manifest's"))
        #expect(text.contains("OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (OSS_ACCESS_KEY_SECRET is not set)"))
        #expect(text.contains("ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (not set)"))
        #expect(text.contains("RRSA (ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set)"))
        #expect(text.contains("\(home.path)/.aliyun/config.json (no such file)"))
        #expect(text.contains("the ECS RAM role (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)"))
        #expect(!text.contains("\n"))
    }

    @Test func theManifestNamesAnECSRoleOrAFileNotBoth() throws {
        let role = try ManifestFixture(
            ManifestFixture.target.replacingOccurrences(
                of: "  region: local\n",
                with: "  region: local\n  credentials: {ecs_ram_role: etl-uploader}\n"
            )
                + "files:\n  - source: data/\n"
        )
        defer { role.remove() }
        let plan = try role.plan()
        #expect(plan.credentials?.ecsRAMRole == "etl-uploader" && plan.credentials?.file == nil)
        let both = try ManifestFixture(
            ManifestFixture.target.replacingOccurrences(
                of: "  region: local\n",
                with: "  region: local\n  credentials: {file: c.ini, ecs_ram_role: etl}\n"
            ) + "files:\n  - source: data/\n"
        )
        defer { both.remove() }
        #expect(
            both.diagnostics().map(\.message) == [
                "target.credentials has either 'file' (and 'profile') or 'ecs_ram_role'"
            ]
        )
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
