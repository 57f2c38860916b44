import Foundation
import TestSupport
import Testing

/// End to end: the real `ossbatch` binary, its stdout, stderr and exit status.
@Suite struct PlanCommandTests {
    let ossbatch = Products.url("ossbatch")

    /// A small tree with a known shape: 3 files in a directory (one of 250,000 bytes), one single file.
    private func makeBatch(_ extraYAML: String = "") throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory("plan-cli")
        try dir.write("tree/a.txt", "alpha\n")
        try dir.write("tree/sub/b.json", "{}\n")
        try dir.write("tree/big.bin", String(repeating: "x", count: 250_000))
        try dir.write("notes.md", "# notes\n")
        let manifest = try dir.write(
            "batch.yaml",
            """
            version: 1
            target:
              endpoint: https://oss-cn-hangzhou.aliyuncs.com
              bucket: cli-bucket
            upload:
              part_size: 100KiB
              multipart_threshold: 200KiB
            files:
              - source: tree/
                key_prefix: t/
              - source: notes.md
                key: docs/notes.md
            \(extraYAML)
            """
        )
        return (dir, manifest.path)
    }

    @Test func summaryShowsTargetAndTotals() async throws {
        let (dir, manifest) = try makeBatch()
        defer { dir.remove() }
        let result = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(result.exitCode == 0)
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines == [
                "Plan for \(manifest)",
                "Target",
                "  endpoint:       https://oss-cn-hangzhou.aliyuncs.com",
                "  bucket:         cli-bucket",
                "  region:         cn-hangzhou",
                "  signature:      v4",
                "  addressing:     virtual-host",
                "Totals",
                "  files:          4",
                "  bytes:          244.2 KiB (250,017 bytes)",
                "  single puts:    3",
                "  multipart jobs: 1",
                "  parts:          3",
                "Entries",
                "  source 'tree/' (line 9): 3 files",
                "  source 'notes.md' (line 11): 1 file",
                "",
            ]
        )
    }

    /// A cap that leaves each request in flight under twice curl's low-speed limit is a warning (large files
    /// would stall on a working service); one that leaves enough is silent.
    @Test func aBandwidthCapTooSmallForTheConcurrencyIsAWarning() async throws {
        let (dir, manifest) = try makeBatch()
        defer { dir.remove() }
        let tight = try await ProcessRunner.run(
            ossbatch,
            ["plan", manifest, "--set", "upload.bandwidth=16KiB", "--set", "upload.concurrency=16"]
        )
        #expect(tight.exitCode == 0, "\(tight.stderr)")
        #expect(
            tight.stderr.contains(
                "warning: --set upload.bandwidth=16KiB: upload.bandwidth (16.0 KiB/s) shared by upload.concurrency (16)"
            ),
            "\(tight.stderr)"
        )
        #expect(tight.stderr.contains("give bandwidth at least 32.0 KiB/s"), "\(tight.stderr)")
        let enough = try await ProcessRunner.run(
            ossbatch,
            ["plan", manifest, "--set", "upload.bandwidth=32KiB", "--set", "upload.concurrency=16"]
        )
        #expect(enough.exitCode == 0 && enough.stderr == "", "\(enough.stderr)")
        // Written in the manifest, the cap is pointed at, as every manifest warning points (it named the file).
        let text = try String(contentsOfFile: manifest, encoding: .utf8).replacingOccurrences(
            of: "  part_size: 100KiB\n",
            with: "  part_size: 100KiB\n  bandwidth: 16KiB\n  concurrency: 16\n"
        )
        let capped = try dir.write("capped.yaml", text)
        let pointed = try await ProcessRunner.run(ossbatch, ["plan", capped.path])
        #expect(pointed.stderr.contains("capped.yaml:7:14: warning: upload.bandwidth"), "\(pointed.stderr)")
    }

    @Test func overridesSwitchTheTargetToLocalOSS() async throws {
        let (dir, manifest) = try makeBatch()
        defer { dir.remove() }
        let result = try await ProcessRunner.run(
            ossbatch,
            [
                "plan", manifest, "--endpoint", "http://127.0.0.1:39001",
                "--bucket", "quickstart", "--region", "local",
            ]
        )
        #expect(result.exitCode == 0)
        #expect(
            result.stdout.contains(
                "  endpoint:       http://127.0.0.1:39001\n  bucket:         quickstart\n  region:         local\n  signature:      v4\n  addressing:     path\n"
            )
        )
    }

    @Test func jsonListsEveryJobSortedByKey() async throws {
        let (dir, manifest) = try makeBatch()
        defer { dir.remove() }
        let result = try await ProcessRunner.run(ossbatch, ["plan", manifest, "--json"])
        #expect(result.exitCode == 0)
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let jobs = document?["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.compactMap { $0["key"] as? String } == ["docs/notes.md", "t/a.txt", "t/big.bin", "t/sub/b.json"])
        #expect(document?["format"] as? String == "ossbatch-plan/2")
        // A multipart job has its part plan; a single put has none.
        let big = jobs.first { $0["key"] as? String == "t/big.bin" }
        #expect(big?["part_size"] as? Int == 102_400)
        #expect(big?["part_count"] as? Int == 3)
        #expect(jobs.first { $0["key"] as? String == "t/a.txt" }?["part_count"] == nil)
        // Options and source directories are tables the jobs refer to by index.
        let options = document?["options"] as? [[String: Any]] ?? []
        let index = try #require(big?["options"] as? Int)
        #expect(options.indices.contains(index))
        #expect(options[index]["content_type"] as? String == "application/octet-stream")
        let directories = document?["directories"] as? [[String: Any]] ?? []
        let dirIndex = try #require(big?["dir"] as? Int)
        let directory = try #require(directories[dirIndex]["path"] as? String)
        #expect(directory.hasSuffix("/tree/") && big?["name"] == nil)
        #expect((document?["totals"] as? [String: Any])?["files"] as? Int == 4)
        #expect((document?["plan_id"] as? String)?.count == 64)
        // Stable output: the same plan prints the same bytes.
        #expect(try await ProcessRunner.run(ossbatch, ["plan", manifest, "--json"]).stdout == result.stdout)
    }

    @Test func invalidManifestPrintsEveryDiagnosticAndExits2() async throws {
        let (dir, manifest) = try makeBatch("  - source: missing.txt\n    contnet_type: text/plain\n")
        defer { dir.remove() }
        let result = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(result.exitCode == 2)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                \(manifest):14:5: error: 'contnet_type' is not a field of a files entry; did you mean 'content_type'?
                1 error in the manifest; nothing was sent

                """
        )
    }

    @Test func plannerErrorsPointAtTheirNodesAndExit2() async throws {
        let (dir, manifest) = try makeBatch(
            "  - source: missing.txt\n  - glob: \"tree/*.none\"\n  - source: tree/a.txt\n    key: docs/notes.md\n"
        )
        defer { dir.remove() }
        let result = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(result.exitCode == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("\(manifest):13:13: error: source 'missing.txt' does not exist"))
        #expect(lines[1].hasPrefix("\(manifest):14:11: error: glob 'tree/*.none' matches no files"))
        #expect(lines[2].hasPrefix("\(manifest):16:10: error: two files map to the key 'docs/notes.md'"))
        #expect(lines[2].contains("(the entry at line 12, column 10)"))
        #expect(lines[3] == "3 errors in the manifest; nothing was sent")
    }

    @Test func emptyManifestExits2AtLine1() async throws {
        let dir = try TemporaryDirectory("plan-cli")
        defer { dir.remove() }
        let manifest = try dir.write("empty.yaml", "").path
        let result = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(result.exitCode == 2)
        #expect(result.stderr.hasPrefix("\(manifest):1:1: error: the manifest is empty"))
    }

    @Test func tabIndentationExits2AtTheTab() async throws {
        let dir = try TemporaryDirectory("plan-cli")
        defer { dir.remove() }
        let manifest = try dir.write("tab.yaml", "version: 1\ntarget:\n\tbucket: b\n").path
        let result = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(result.exitCode == 2)
        #expect(result.stderr.hasPrefix("\(manifest):3:1: error: tab character in indentation"))
    }

    @Test func usageErrorsExit2() async throws {
        let result = try await ProcessRunner.run(ossbatch, ["plan"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("Missing expected argument '<manifest>'"))
        #expect(try await ProcessRunner.run(ossbatch, ["plan", "x.yaml", "--no-such-flag"]).exitCode == 2)
    }

    @Test func zeroSelectedFilesWarnsAndExits0WhenTheEntryIsOptional() async throws {
        let (dir, manifest) = try makeBatch()
        defer { dir.remove() }
        try dir.write(
            "batch.yaml",
            """
            version: 1
            target: {endpoint: http://127.0.0.1:9000, bucket: quickstart, region: local}
            files:
              - source: tree/
                include: ["*.none"]
                optional: true

            """
        )
        let result = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("  files:          0\n"))
        #expect(result.stderr.contains("\(manifest):4:13: note: source 'tree/' selects no files"))
        #expect(result.stderr.contains("warning: the manifest selects no files"))
    }

    /// An empty directory and an empty glob are alike: an error unless the entry is optional or the
    /// manifest allows an empty batch, then a warning.
    @Test func anEntrySelectingNothingIsAnErrorUnlessOptionalOrAllowedEmpty() async throws {
        let (dir, manifest) = try makeBatch()
        defer { dir.remove() }
        try FileManager.default.createDirectory(
            at: dir.url.appendingPathComponent("empty"),
            withIntermediateDirectories: true
        )
        let entries = """
              - source: tree/
              - source: empty/
              - glob: "tree/*.none"

            """
        let head = "version: 1\ntarget: {endpoint: http://127.0.0.1:9000, bucket: quickstart, region: local}\n"
        try dir.write("batch.yaml", head + "files:\n" + entries)
        let strict = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(strict.exitCode == 2)
        let lines = strict.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(strict.stderr)")
        #expect(lines.first?.hasPrefix("\(manifest):5:13: error: source 'empty/' selects no files") == true)
        #expect(
            lines.dropFirst().first?.hasPrefix("\(manifest):6:11: error: glob 'tree/*.none' matches no files") == true
        )
        #expect(strict.stderr.contains("add 'optional: true' to the entry"))

        try dir.write("batch.yaml", head + "allow_empty: true\nfiles:\n" + entries)
        let allowed = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(allowed.exitCode == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("\(manifest):6:13: note: source 'empty/' selects no files"))
        #expect(allowed.stderr.contains("\(manifest):7:11: note: glob 'tree/*.none' matches no files"))

        let optional = entries.replacingOccurrences(of: "empty/\n", with: "empty/\n    optional: true\n")
            .replacingOccurrences(of: "none\"\n", with: "none\"\n    optional: true\n")
        try dir.write("batch.yaml", head + "files:\n" + optional)
        let optionalResult = try await ProcessRunner.run(ossbatch, ["plan", manifest])
        #expect(optionalResult.exitCode == 0, "\(optionalResult.stderr)")
        #expect(optionalResult.stderr.contains("\(manifest):5:13: note: source 'empty/' selects no files"))
        #expect(optionalResult.stderr.contains("\(manifest):7:11: note: glob 'tree/*.none' matches no files"))
        #expect(optionalResult.stdout.contains("  files:          3\n"))
    }

    @Test func planHelpIsStable() async throws {
        let result = try await ProcessRunner.run(ossbatch, ["plan", "--help"], environment: ["COLUMNS": "80"])
        #expect(result.exitCode == 0)
        #expect(
            result.stdout == """
                OVERVIEW: Validate a manifest and show what would be uploaded, without sending
                anything.

                Prints the target, the totals (files, bytes, single puts, multipart jobs,
                parts) and what each entry selected and passed over. With --json, prints the
                whole plan, every job included, as JSON on stdout. Problems are printed as
                FILE:LINE:COLUMN: error: MESSAGE on stderr, all at once (the first 20, then how
                many more), warnings likewise. Exits 0 when the manifest is valid and 2 when it
                is not.

                USAGE: ossbatch plan <manifest> [--json] [--endpoint <url>] [--bucket <name>] [--region <region>] [--set <path=value> ...] [--shard <K/N>]

                ARGUMENTS:
                  <manifest>              The manifest (YAML). Relative paths inside it are
                                          resolved against its directory.

                OPTIONS:
                  --json                  Print the whole plan as JSON (ossbatch-plan/2, one
                                          job a line) instead of the summary.
                  --endpoint <url>        Use this endpoint instead of target.endpoint (e.g.
                                          http://127.0.0.1:9000).
                  --bucket <name>         Use this bucket instead of target.bucket.
                  --region <region>       Use this region instead of target.region.
                  --set <path=value>      Replace a manifest value for this run (repeatable),
                                          e.g. upload.concurrency=4 or files[0].key_prefix=web/.
                  --shard <K/N>           Plan or upload only shard K of N (K from 0), or
                                          'auto'/'auto/N' to read K (and N) from a Kubernetes
                                          Indexed Job, a Slurm array or an AWS Batch array job.
                  --version               Show the version.
                  -h, --help              Show help information.

                EXAMPLES:
                  # The target, the resolved keys and the totals:
                  ossbatch plan /etc/ossbatch/nightly.yaml

                  # Every job as JSON, keys as they would be on 2 December 2026 at 03:00 UTC:
                  OSSBATCH_NOW=2026-12-02T03:00:00Z ossbatch plan nightly.yaml --json

                  # The same manifest against LocalOSS, with a one-off key prefix:
                  ossbatch plan nightly.yaml --endpoint http://127.0.0.1:9000 --set 'files[0].key_prefix=test/'

                """
        )
    }

    @Test func rootHelpListsPlanAndTheExitCodes() async throws {
        let result = try await ProcessRunner.run(ossbatch, ["--help"], environment: ["COLUMNS": "80"])
        #expect(result.exitCode == 0)
        #expect(
            result.stdout.hasPrefix("OVERVIEW: Upload large batches of local files to Alibaba Cloud OSS, resumably.\n")
        )
        #expect(
            result.stdout.contains(
                "Exit codes: 0 success, 1 some jobs failed or files could not be read, 2 invalid\nmanifest or usage, "
                    + "3 fatal error (or output that stdout could not take), 4\nbusy, 129/130/143 stopped by "
                    + "SIGHUP/SIGINT/SIGTERM (resume continues)."
            )
        )
        #expect(
            result.stdout.contains("  plan                    Validate a manifest and show what would be uploaded,\n")
        )
    }
}
