import Foundation
import Glibc
import OSSBatch
import TestSupport
import Testing

/// Every bad input of issue 4: each is an error at an exact line and column, never a crash.
@Suite struct ManifestBadInputTests {
    @Test func malformedYAMLPointsAtTheOffendingCharacter() throws {
        let f = try ManifestFixture(
            "version: 1\ntarget:\n  endpoint: http://127.0.0.1:9000\n  bucket: b\n  region: local: x\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(5, 16)])
        #expect(d.first?.message.contains("invalid YAML") == true)
    }

    @Test func anUnquotedPlaceholderBeforeMoreTextIsASyntaxErrorThatSaysToQuoteIt() throws {
        // `key_prefix: {date}/` is a flow mapping followed by text: libyaml's own message says nothing of braces.
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n    key_prefix: {date}/\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(d.count == 1)
        #expect(d.first?.message.contains("invalid YAML") == true)
        #expect(d.first?.message.contains("line 8 has a value that starts with '{'") == true)
        #expect(d.first?.message.contains("must be quoted") == true)
        // A syntax error elsewhere says nothing of braces.
        let other = try ManifestFixture(
            "version: 1\ntarget: {endpoint: http://127.0.0.1:9000, bucket: b}\n  region: local: x\n"
        )
        defer { other.remove() }
        #expect(other.diagnostics().first?.message.contains("'{'") == false)
    }

    @Test func aDuplicateFieldIsReportedWhereItIsWrittenAgain() throws {
        // A section pasted twice: the error points at the second, naming the first's line.
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    key: x\n    pattern: '*'\n    # again\n"
                + "\n    key: y\ntarget:\n  bucket: c\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(d.count == 1)
        #expect(positions(d) == [at(12, 5)])
        #expect(d.first?.message == "duplicate field 'key' in one mapping (the first at line 8)")
        // In a flow mapping the first key's place is said.
        let flow = try ManifestFixture("version: 1\ntarget: {endpoint: http://127.0.0.1:9000, bucket: b, bucket: c}\n")
        defer { flow.remove() }
        #expect(positions(flow.diagnostics()) == [at(2, 43)])
        #expect(flow.diagnostics().first?.message == "duplicate field 'bucket' in one mapping")
    }

    @Test func tabIndentedLineIsReportedAtTheTab() throws {
        let f = try ManifestFixture("version: 1\ntarget:\n  endpoint: http://127.0.0.1:9000\n  \tbucket: b\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(4, 3)])
        #expect(d.first?.message.contains("tab") == true)
    }

    @Test func unknownFieldSuggestsTheClosestName() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    contnet_type: text/plain\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(8, 5)])
        #expect(d.first?.message == "'contnet_type' is not a field of a files entry; did you mean 'content_type'?")
    }

    @Test func quotedStringForAnIntegerIsAWrongType() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "upload:\n  concurrency: \"many\"\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(7, 16)])
        #expect(d.first?.message.contains("must be an integer") == true)
    }

    @Test func badEnumListsTheAllowedValues() throws {
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n    acl: secret\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(8, 10)])
        #expect(d.first?.message.contains("default, private, public-read, public-read-write") == true)
    }

    /// `x-oss-meta-NAME` headers are case-insensitive: `Team` and `team` would be sent as two headers of one
    /// name, the object's metadata then whatever the server made of the pair.
    @Test func metadataNamesThatDifferOnlyInCaseAreOneHeaderAndAnError() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    metadata: {Team: a, tier: b, team: c}\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(8, 34)])
        #expect(d.first?.message.contains("'Team' and 'team' are one header") == true, "\(d)")
    }

    /// A metadata name OSS refuses (its error 0011-00000004: only letters, digits and hyphens) is the
    /// manifest's error where it is written. `dc:creator` passed the plan and then stopped the whole batch:
    /// sent as the header `x-oss-meta-dc` holding `creator: …`, it failed `SignatureDoesNotMatch` (review).
    @Test func aMetadataNameOSSRefusesIsAnErrorWhereItIsWritten() throws {
        let f = try ManifestFixture(
            ManifestFixture.target
                + "files:\n  - source: data/\n    metadata: {dc:creator: a, ok-Name-2: b, my_key: c, \"a b\": d}\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(8, 16), at(8, 45), at(8, 56)], "\(d)")
        #expect(
            d.first?.message.contains("'metadata' name 'dc:creator' may hold only letters, digits and hyphens") == true
        )
        #expect(d.dropFirst().first?.message.contains("'my_key'") == true)
    }

    @Test func partSizeBelow100KiBIsRejected() throws {
        let f = try ManifestFixture(ManifestFixture.target + "upload:\n  part_size: 50KiB\nfiles:\n  - source: data/\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(7, 14)])
        #expect(d.first?.message.contains("between 100KiB and 5GiB") == true)
    }

    @Test func missingBucketPointsAtTheTargetSection() throws {
        let f = try ManifestFixture(
            "version: 1\ntarget:\n  endpoint: http://127.0.0.1:9000\n  region: local\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(3, 3)])
        #expect(d.first?.message == "missing 'target.bucket'")
    }

    @Test func bucketNameOSSWouldRejectIsAnError() throws {
        let f = try ManifestFixture(
            "version: 1\ntarget:\n  endpoint: http://127.0.0.1:9000\n  bucket: Bad_Bucket\n  region: local\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(4, 11)])
        #expect(d.first?.message.contains("not a valid bucket name") == true)
    }

    @Test func missingSourceIsNamed() throws {
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: nowhere/\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(7, 13)])
        #expect(d.first?.message.contains("source 'nowhere/' does not exist") == true)
    }

    @Test func unreadableFileIsAnErrorNamingIt() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/locked.txt\n",
            files: ["data/locked.txt": "x"]
        )
        defer { f.remove() }
        #expect(chmod(f.path("data/locked.txt"), 0) == 0)
        let d = f.diagnostics()
        // Root may read a mode-000 file; the kernel decides, so only non-root expects the error.
        if geteuid() != 0 {
            #expect(positions(d) == [at(7, 13)])
            #expect(d.first?.message.contains("cannot read source 'data/locked.txt'") == true)
        } else {
            #expect(d.isEmpty)
        }
    }

    @Test func unreadableDirectoryInAWalkIsAnErrorNamingIt() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n",
            files: ["data/a.txt": "a", "data/closed/b.txt": "b"]
        )
        defer {
            _ = chmod(f.path("data/closed"), 0o755)
            f.remove()
        }
        #expect(chmod(f.path("data/closed"), 0) == 0)
        let d = f.diagnostics()
        if geteuid() != 0 {
            #expect(positions(d) == [at(7, 13)])
            #expect(d.first?.message.contains("data/closed") == true)
        }
    }

    @Test func aDirectoryNestedPastTheLongestPathIsLeftOutAndTheRestIsPlanned() throws {
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n")
        defer {
            // `rm` walks a tree by descriptors, as deep as it goes.
            let rm = Process()
            rm.executableURL = URL(fileURLWithPath: "/bin/rm")
            rm.arguments = ["-rf", f.path("data")]
            try? rm.run()
            rm.waitUntilExit()
            f.remove()
        }
        // 21 directories of 200 characters, each made inside the last through descriptors: no path that long can
        // be named whole (PATH_MAX, 4,096 bytes).
        let name = String(repeating: "d", count: 200)
        var fd = open(f.path("data"), O_RDONLY | O_DIRECTORY)
        #expect(fd >= 0)
        for _ in 0..<21 {
            #expect(mkdirat(fd, name, 0o755) == 0)
            let next = openat(fd, name, O_RDONLY | O_DIRECTORY)
            close(fd)
            fd = next
        }
        let file = openat(fd, "deep.txt", O_WRONLY | O_CREAT, 0o644)
        close(file)
        close(fd)
        // Before, the walk's listing failed, the plan was an error (exit 2) and nothing was sent, every night.
        let plan = try f.plan()
        #expect(plan.jobs.count == 2)
        #expect(plan.skipped.count == 1 && plan.skipped.first?.skipReason == .unlistable, "\(plan.skipped)")
        #expect(plan.warnings.contains { $0.message.contains("File name too long") }, "\(plan.warnings)")
    }

    @Test func fifoNamedAsASourceIsNotARegularFile() throws {
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/pipe\n")
        defer { f.remove() }
        #expect(mkfifo(f.path("data/pipe"), 0o644) == 0)
        let d = f.diagnostics()
        #expect(positions(d) == [at(7, 13)])
        #expect(d.first?.message == "source 'data/pipe' is a FIFO, not a regular file or directory")
    }

    @Test func globMatchingNothingIsAnError() throws {
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - glob: \"data/*.nope\"\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(7, 11)])
        #expect(d.first?.message.contains("glob 'data/*.nope' matches no files") == true)
    }

    @Test func twoEntriesMappingToOneKeyNameBothSources() throws {
        let f = try ManifestFixture(
            ManifestFixture.target
                + "files:\n  - source: data/a.txt\n    key: same\n  - source: data/b.txt\n    key: same\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(10, 10)])
        #expect(d.first?.message.contains(f.path("data/a.txt")) == true)
        #expect(d.first?.message.contains(f.path("data/b.txt")) == true)
        #expect(d.first?.message.contains("line 8, column 10") == true)
    }

    @Test func keyOf1024BytesIsRejected() throws {
        let f = try ManifestFixture(
            ManifestFixture.target
                + "files:\n  - source: data/a.txt\n    key: \(String(repeating: "k", count: 1024))\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(8, 10)])
        #expect(d.first?.message.contains("is 1024 bytes") == true)
    }

    @Test func keyOf1023BytesIsAccepted() throws {
        let f = try ManifestFixture(
            ManifestFixture.target
                + "files:\n  - source: data/a.txt\n    key: \(String(repeating: "k", count: 1023))\n"
        )
        defer { f.remove() }
        #expect(f.diagnostics().isEmpty)
    }

    @Test func keyStartingWithSlashIsRejectedNotFixed() throws {
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n    key_prefix: /abs/\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(8, 17), at(8, 17)])
        #expect(d.allSatisfy { $0.message.contains("must not start with '/'") })
    }

    @Test func emptyManifestIsAnErrorAtTheFirstLine() throws {
        let f = try ManifestFixture("")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(1, 1)])
        #expect(d.first?.message.contains("the manifest is empty") == true)
    }

    @Test func tenMegabytesOfGarbageFailFastWithAClearError() throws {
        let f = try ManifestFixture("placeholder")
        defer { f.remove() }
        // Every byte value, over and over: neither UTF-8 nor YAML.
        let cycle = Data((0...255).map { UInt8($0) })
        var garbage = Data(capacity: 10 << 20)
        while garbage.count < 10 << 20 { garbage.append(cycle) }
        try garbage.write(to: URL(fileURLWithPath: f.manifestPath))
        let started = ContinuousClock.now
        let d = f.diagnostics()
        #expect(positions(d) == [Position(line: nil, column: nil)])
        #expect(d.first?.message.contains("limited to 8.0 MiB") == true)
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func secretFieldSaysWhereCredentialsGo() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "  access_key_secret: hunter2\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(6, 3)])
        #expect(d.first?.message.contains("OSS_ACCESS_KEY_SECRET") == true)
        #expect(d.allSatisfy { !$0.description.contains("hunter2") })
    }

    /// Schema problems are all reported together (file-system checks follow once the schema is right).
    @Test func allProblemsAreReportedAtOnceInFileOrder() throws {
        let f = try ManifestFixture(
            ManifestFixture.target
                + "upload:\n  verify: sha1\n  part_size: 1GB\n  bandwidth: fast\nfiles:\n  - source: nowhere\n    storage_class: Hot\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(7, 11), at(9, 14), at(12, 20)])
    }

    @Test func diagnosticRendersLikeACompiler() {
        let d = Diagnostic(file: "/m.yaml", line: 3, column: 7, message: "bad")
        #expect(d.description == "/m.yaml:3:7: error: bad")
    }
}
