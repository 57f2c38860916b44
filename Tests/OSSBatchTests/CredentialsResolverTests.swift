import Foundation
import OSSBatch
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// Where a run's AccessKey comes from: `--credentials-file`, the manifest's file, the environment.
@Suite struct CredentialsResolverTests {
    static let secret = "cReD-SeCrEt-9f8e7d"
    static let token = "cReD-ToKeN-1a2b3c"

    /// Writes an INI credentials file with `mode` and returns its path.
    private func credentialsFile(
        _ dir: TemporaryDirectory,
        _ name: String = "credentials",
        mode: mode_t = 0o600,
        text: String
    ) throws -> String {
        let path = try dir.write(name, text).path
        #expect(chmod(path, mode) == 0)
        return path
    }

    private func resolveError(_ resolver: CredentialsResolver) -> CredentialsError? {
        do {
            let credentials = try resolver.resolvedStatic()
            Issue.record("expected an error, got \(credentials)")
            return nil
        } catch {
            #expect(!error.message.contains(Self.secret) && !error.message.contains(Self.token))
            return error
        }
    }

    @Test func theEnvironmentGivesKeySecretAndTokenAndAnEmptyTokenIsNone() throws {
        let withToken = try CredentialsResolver(
            manifestSource: nil,
            environment: [
                "OSS_ACCESS_KEY_ID": "LTAIenv", "OSS_ACCESS_KEY_SECRET": Self.secret, "OSS_SESSION_TOKEN": Self.token,
            ]
        ).resolvedStatic()
        #expect(
            withToken == Credentials(accessKeyID: "LTAIenv", accessKeySecret: Self.secret, securityToken: Self.token)
        )
        let emptyToken = try CredentialsResolver(
            manifestSource: nil,
            environment: [
                "OSS_ACCESS_KEY_ID": "LTAIenv", "OSS_ACCESS_KEY_SECRET": Self.secret, "OSS_SESSION_TOKEN": "",
            ]
        ).resolvedStatic()
        #expect(emptyToken.securityToken == nil)
    }

    @Test func noCredentialsAnywhereNamesEveryPlaceToPutThem() throws {
        for environment in [
            [:], ["OSS_ACCESS_KEY_ID": "LTAIenv"], ["OSS_ACCESS_KEY_SECRET": Self.secret],
            ["OSS_ACCESS_KEY_ID": "", "OSS_ACCESS_KEY_SECRET": Self.secret],
        ] {
            // The last source of the chain, the ECS metadata service, is off: otherwise it is the choice left.
            let offECS = environment.merging(["ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"]) { a, _ in a }
            let error = try #require(resolveError(CredentialsResolver(manifestSource: nil, environment: offECS)))
            for place in ["OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "--credentials-file", "target.credentials"] {
                #expect(error.message.contains(place), "\(error)")
            }
        }
    }

    @Test func theCommandLineFileWinsOverTheManifestFileWhichWinsOverTheEnvironment() throws {
        let dir = try TemporaryDirectory("credentials")
        defer { dir.remove() }
        let cli = try credentialsFile(
            dir,
            "cli",
            text: "[default]\naccess_key_id = LTAIcli\naccess_key_secret = s-cli\n"
        )
        let manifest = try credentialsFile(
            dir,
            "manifest",
            text: "[default]\naccess_key_id = LTAImanifest\naccess_key_secret = s-manifest\n"
        )
        let environment = ["OSS_ACCESS_KEY_ID": "LTAIenv", "OSS_ACCESS_KEY_SECRET": "s-env"]
        let source = CredentialsSource(file: manifest)
        #expect(
            try CredentialsResolver(commandLineFile: cli, manifestSource: source, environment: environment)
                .resolvedStatic().accessKeyID == "LTAIcli"
        )
        #expect(
            try CredentialsResolver(manifestSource: source, environment: environment).resolvedStatic().accessKeyID
                == "LTAImanifest"
        )
        #expect(
            try CredentialsResolver(manifestSource: nil, environment: environment).resolvedStatic().accessKeyID
                == "LTAIenv"
        )
    }

    @Test func theProfileIsTheCommandLinesThenTheManifestsThenDefault() throws {
        let dir = try TemporaryDirectory("credentials")
        defer { dir.remove() }
        let file = try credentialsFile(
            dir,
            text: """
                [default]
                access_key_id = LTAIdefault
                access_key_secret = s-default
                [staging]
                access_key_id = LTAIstaging
                access_key_secret = s-staging
                [prod]
                access_key_id = LTAIprod
                access_key_secret = s-prod
                """
        )
        func id(_ resolver: CredentialsResolver) throws -> String { try resolver.resolvedStatic().accessKeyID }
        let staging = CredentialsSource(file: file, profile: "staging")
        #expect(
            try id(CredentialsResolver(commandLineFile: file, manifestSource: nil, environment: [:])) == "LTAIdefault"
        )
        #expect(
            try id(CredentialsResolver(commandLineFile: file, manifestSource: staging, environment: [:]))
                == "LTAIstaging"
        )
        #expect(
            try id(
                CredentialsResolver(commandLineFile: file, profile: "prod", manifestSource: staging, environment: [:])
            )
                == "LTAIprod"
        )
        #expect(try id(CredentialsResolver(manifestSource: staging, environment: [:])) == "LTAIstaging")
        #expect(try id(CredentialsResolver(profile: "prod", manifestSource: staging, environment: [:])) == "LTAIprod")
    }

    @Test func aFileGivesTheTokenUnderEitherNameAndAnEmptyTokenIsNone() throws {
        let dir = try TemporaryDirectory("credentials")
        defer { dir.remove() }
        for (key, value, expected) in [
            ("security_token", Self.token, Self.token), ("session_token", Self.token, Self.token),
            ("security_token", "", nil),
        ] as [(String, String, String?)] {
            let file = try credentialsFile(
                dir,
                text: "[default]\naccess_key_id = LTAIfile\naccess_key_secret = \(Self.secret)\n\(key) = \(value)\n"
            )
            let credentials = try CredentialsResolver(commandLineFile: file, manifestSource: nil, environment: [:])
                .resolvedStatic()
            #expect(
                credentials
                    == Credentials(accessKeyID: "LTAIfile", accessKeySecret: Self.secret, securityToken: expected)
            )
        }
    }

    @Test func aFileOthersCanReadIsRefusedWithTheCommandThatFixesIt() throws {
        let dir = try TemporaryDirectory("credentials")
        defer { dir.remove() }
        for mode: mode_t in [0o640, 0o604, 0o644, 0o660] {
            let file = try credentialsFile(
                dir,
                mode: mode,
                text: "[default]\naccess_key_id = LTAIfile\naccess_key_secret = \(Self.secret)\n"
            )
            let error = try #require(
                resolveError(CredentialsResolver(commandLineFile: file, manifestSource: nil, environment: [:]))
            )
            #expect(error.message.contains("readable by group or others"), "\(error)")
            #expect(error.message.contains("mode \(String(mode, radix: 8))"), "\(error)")
            #expect(error.message.contains("chmod 600 \(file)"), "\(error)")
        }
        // Owner-only modes other than 0600 are fine.
        let readOnly = try credentialsFile(
            dir,
            mode: 0o400,
            text: "[default]\naccess_key_id = LTAIfile\naccess_key_secret = \(Self.secret)\n"
        )
        #expect(
            try CredentialsResolver(commandLineFile: readOnly, manifestSource: nil, environment: [:])
                .resolvedStatic().accessKeyID == "LTAIfile"
        )
    }

    @Test func fileProblemsNameTheFileAndWhatIsWrong() throws {
        let dir = try TemporaryDirectory("credentials")
        defer { dir.remove() }
        func message(_ file: String, profile: String? = nil) throws -> String {
            try #require(
                resolveError(
                    CredentialsResolver(commandLineFile: file, profile: profile, manifestSource: nil, environment: [:])
                )
            ).message
        }
        let missing = dir.path + "/absent"
        #expect(try message(missing) == "credentials file \(missing): No such file or directory")

        let twoProfiles = try credentialsFile(
            dir,
            "two",
            text: "[b]\naccess_key_id = x\naccess_key_secret = \(Self.secret)\n[a]\n"
        )
        #expect(
            try message(twoProfiles, profile: "c")
                == "credentials file \(twoProfiles) has no profile [c] (profiles: a, b)"
        )
        let empty = try credentialsFile(dir, "empty", text: "# nothing here\n")
        #expect(try message(empty) == "credentials file \(empty) has no profile [default]")

        let noSecret = try credentialsFile(
            dir,
            "no-secret",
            text: "[default]\naccess_key_id = LTAIx\naccess_key_secret =\n"
        )
        #expect(
            try message(noSecret)
                == "credentials file \(noSecret), profile [default]: needs access_key_id and access_key_secret"
        )
        let noID = try credentialsFile(dir, "no-id", text: "[default]\naccess_key_secret = \(Self.secret)\n")
        #expect(try message(noID).hasSuffix("needs access_key_id and access_key_secret"))

        let binary = try dir.write("binary", Data([0x5B, 0x64, 0x5D, 0x0A, 0xFF, 0xFE, 0x80])).path
        #expect(chmod(binary, 0o600) == 0)
        #expect(try message(binary) == "credentials file \(binary) cannot be read as UTF-8 text")
    }
}

extension CredentialsResolver {
    /// The key pair of a source that holds one (environment, credentials file, aliyun CLI profile); these tests
    /// cover only those sources (the network ones are CredentialSourcesTests').
    fileprivate func resolvedStatic() throws(CredentialsError) -> Credentials {
        switch try resolve() {
        case .environment(let credentials, _), .file(let credentials, _, _), .cliProfile(let credentials, _, _):
            return credentials
        case let other:
            throw CredentialsError(message: "expected a key pair, got \(other)")
        }
    }
}
