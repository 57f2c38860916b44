import OSSBatch
import Testing

/// `--set PATH=VALUE`: read, applied before decoding (so values are checked as if written), problems
/// naming the option, and every documented path settable.
@Suite struct ManifestSettingTests {
    private func plan(_ fixture: ManifestFixture, _ arguments: [String]) throws(ManifestError) -> Plan {
        try Planner.plan(manifestAt: fixture.manifestPath, settings: try ManifestSetting.parse(arguments))
    }

    private func problems(_ fixture: ManifestFixture, _ arguments: [String]) -> [String] {
        do {
            _ = try plan(fixture, arguments)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    private static let manifest = ManifestFixture.target + "files:\n  - source: data/\n    key_prefix: d/\n"

    @Test func aSettingReplacesAValueOrAddsAMissingSection() throws {
        let fixture = try ManifestFixture(Self.manifest)
        defer { fixture.remove() }
        let plan = try plan(
            fixture,
            [
                "target.bucket=other-bucket", "upload.concurrency=3", "upload.retries.attempts=2",
                "files[0].key_prefix={name}/x/", "files[0].storage_class=IA", "defaults.metadata.team=data",
                "upload.concurrency=4",
            ]
        )
        #expect(plan.target.bucket == "other-bucket")
        #expect(plan.upload.concurrency == 4)  // the later setting wins
        #expect(plan.upload.retry.attempts == 2)
        #expect(plan.jobs.map(\.key) == ["manifest/x/a.txt", "manifest/x/b.txt"])
        #expect(plan.jobs.first?.options.storageClass == .ia)
        #expect(plan.jobs.first?.options.metadata == ["team": "data"])
    }

    @Test func theValueIsTakenAsWrittenNeverAsYAML() throws {
        let fixture = try ManifestFixture(Self.manifest)
        defer { fixture.remove() }
        let plan = try plan(fixture, ["files[0].key_prefix=a: b # c/"])
        #expect(plan.jobs.first?.key == "a: b # c/a.txt")
    }

    @Test func malformedSettingsAreCommandLineErrors() {
        func problem(_ argument: String) -> String? {
            do {
                _ = try ManifestSetting(parsing: argument)
                return nil
            } catch {
                return error.diagnostics.first.map { $0.flag == "set" ? $0.description : "no flag: \($0)" }
            }
        }
        #expect(
            problem("upload.concurrency")
                == "error: --set 'upload.concurrency': expected PATH=VALUE, such as upload.concurrency=4 or files[0].key_prefix=web/"
        )
        #expect(problem("=4") == "error: --set '=4': the path before '=' is empty")
        #expect(
            problem("files[x].key=a")?.hasPrefix("error: --set 'files[x].key=a': 'files[x]' is not a field name")
                == true
        )
        #expect(problem("upload..concurrency=4")?.contains("'' is not a field name") == true)
        #expect(problem("files[0]x=1") != nil)
        #expect(problem("files[0][1].key=v") == nil)
        #expect(problem("a=") == nil)
    }

    @Test func wrongValuesAndPathsNameTheOption() throws {
        let fixture = try ManifestFixture(Self.manifest)
        defer { fixture.remove() }
        #expect(
            problems(fixture, ["upload.concurency=3", "upload.concurrency=0", "files[3].key=x", "target.region.x=1"])
                == [
                    "error: --set files[3].key=x: 'files' has 1 item; [3] is not one of them (they count from 0)",
                    "error: --set target.region.x=1: 'target.region' is not a mapping in the manifest, so it has no field 'x'",
                    "error: --set upload.concurency=3: 'concurency' is not a field of upload; did you mean 'concurrency'?",
                    "error: --set upload.concurrency=0: 'concurrency' must be between 1 and 1024, not '0'",
                ]
        )
        // Problems found while planning name it too: a bucket name, a source, a placeholder.
        let planning = problems(fixture, ["target.bucket=Bad_Bucket", "files[0].source=nowhere/"])
        #expect(planning.count == 2)
        #expect(planning.contains { $0.hasPrefix("error: --set target.bucket=Bad_Bucket: '") })
        #expect(planning.contains { $0.hasPrefix("error: --set files[0].source=nowhere/: source 'nowhere/'") })
        #expect(
            problems(fixture, ["files[0].key_prefix={env:OSSBATCH_TEST_UNSET_VARIABLE}/"])
                == [
                    "error: --set files[0].key_prefix={env:OSSBATCH_TEST_UNSET_VARIABLE}/: "
                        + "{env:OSSBATCH_TEST_UNSET_VARIABLE}: the environment variable OSSBATCH_TEST_UNSET_VARIABLE is not set"
                ]
        )
        #expect(
            problems(fixture, ["defaults.acl=everyone"]).first?.hasPrefix(
                "error: --set defaults.acl=everyone: 'acl' must be one of"
            ) == true
        )
    }

    /// A URL's password in a value is not repeated by the messages that name the option (each begins with it):
    /// the endpoint's own message hid it, and the option before it did not (review of e4ab55a).
    @Test func aURLsPasswordIsNotRepeatedInTheOptionsMessages() throws {
        let fixture = try ManifestFixture(Self.manifest)
        defer { fixture.remove() }
        let said = problems(fixture, ["target.endpoint=https://AK:pw-4f9e2b@oss-cn-hangzhou.aliyuncs.com:x"])
        #expect(!said.isEmpty)
        #expect(said.allSatisfy { !$0.contains("pw-4f9e2b") && !$0.contains("AK:") }, "\(said)")
        #expect(said.first?.hasPrefix("error: --set target.endpoint=https://…@oss-cn-hangzhou") == true, "\(said)")
    }

    /// Each path docs/manifest.md lists for `--set` exists in the schema: setting it is never "not a field".
    @Test(arguments: ManifestSetting.documentedPaths)
    func everyDocumentedPathIsAField(path: String) throws {
        let fixture = try ManifestFixture(Self.manifest)
        defer { fixture.remove() }
        for problem in problems(fixture, ["\(path)=x"]) {
            #expect(!problem.contains("is not a field"), "\(problem)")
            #expect(!problem.contains("is not a mapping"), "\(problem)")
        }
    }
}
