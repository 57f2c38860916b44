import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// The committed job-engine scripts run as the engine would run them — deploy/slurm/ossbatch.sbatch with bash
/// and the Kubernetes pod's command with sh, the engine's variables in the environment and the built `ossbatch`
/// on PATH — two nights in a row against LocalOSS. Each submission (night) must be a batch of its own: before,
/// the second night found the first night's finished shard reports, resumed them (nothing to do, exit 0) and
/// never uploaded the files added since. A retry of one shard within a night must resume its report.
@Suite(.serialized)
struct ShardedDeployScriptTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Night 1's files; night 2 adds `new.txt`.
    static func sources(_ h: EngineHarness) throws -> String {
        try h.writeFile("a.bin", size: 20_000, seed: 1)
        try h.writeFile("d/b.bin", size: 9_000, seed: 2)
        try h.writeFile("d/c.txt", size: 300, seed: 3)
        return try h.writeManifest("nightly.yaml", upload: ["retries:", "  attempts: 1"])
    }

    /// Where the second night's first PutObject of `new.txt` fails (one attempt): its shard exits 1.
    static func addFileThatFailsOnce(_ h: EngineHarness) throws {
        try h.writeFile("new.txt", size: 100, seed: 4)
        h.server.faults.add(.failNth(1, .putObject, keyContains: "new.txt", status: 503, code: .serviceUnavailable))
    }

    static func storedKeys(_ h: EngineHarness) async throws -> Set<String> {
        Set(try await h.makeClient().listObjectsV2(bucket: h.bucket, prefix: "").map(\.key))
    }

    /// The environment every task or pod gets: the built `ossbatch` first on PATH, the test's state directory.
    static func engineEnvironment(_ h: EngineHarness, _ more: [String: String?]) -> [String: String?] {
        var env: [String: String?] = [
            "PATH": Products.buildDirectory.path + ":/usr/bin:/bin",
            StateDirectory.environmentVariable: h.stateDir,
            "BATCH_ID": nil, "JOB_NAME": nil, "SLURM_ARRAY_TASK_MIN": nil, "SLURM_ARRAY_TASK_COUNT": nil,
        ]
        for (k, v) in more { env[k] = v }
        return env
    }

    @Test func eachSlurmSubmissionIsANewBatchAndAResubmittedTaskResumesItsShard() async throws {
        let h = try await EngineHarness.start("slurm-nights")
        defer { Task { await h.stop() } }
        let manifest = try Self.sources(h)
        let credentials = try h.dir.write(
            "credentials",
            "[default]\naccess_key_id = \(h.accessKeyID)\naccess_key_secret = \(h.secret)\n"
        )
        chmod(credentials.path, 0o600)
        let reports = h.dir.url.appendingPathComponent("reports").path
        let script = Self.repository.appendingPathComponent("deploy/slurm/ossbatch.sbatch").path
        /// Array task `k` of the array job `job` (2 shards), as sbatch starts it; `batch` as an operator
        /// resubmitting it passes `--export=ALL,BATCH_ID=…`.
        func task(_ k: Int, job: String, batch: String? = nil, tasks: Int = 1) async throws -> ProcessResult {
            try await ProcessRunner.run(
                URL(fileURLWithPath: "/bin/bash"),
                [script],
                environment: Self.engineEnvironment(
                    h,
                    [
                        "MANIFEST": manifest, "REPORTS": reports, "SHARDS": "2", "CREDENTIALS": credentials.path,
                        "SLURM_ARRAY_JOB_ID": job, "SLURM_ARRAY_TASK_ID": "\(k)", "BATCH_ID": batch,
                        "SLURM_ARRAY_TASK_COUNT": "\(tasks)",
                        "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
                    ]
                )
            )
        }
        func shardReport(_ job: String, _ k: Int) -> String { "\(reports)/\(job)/nightly.shard-\(k)-of-2.json" }

        for k in 0..<2 {
            let night1 = try await task(k, job: "1001")
            #expect(night1.exitCode == 0, "task \(k): \(night1.stderr)")
        }
        #expect(try await Self.storedKeys(h) == Set(try h.sources().map(\.key)))

        try Self.addFileThatFailsOnce(h)
        var exits: [Int32] = []
        for k in 0..<2 { exits.append(try await task(k, job: "1002").exitCode) }
        #expect(exits.sorted() == [0, 1], "the shard that owns new.txt failed it once: \(exits)")
        #expect((0..<2).allSatisfy { FileManager.default.fileExists(atPath: shardReport("1002", $0)) })
        let failed = try #require(exits.firstIndex(of: 1))

        // The failed task, resubmitted alone as a new array job of one, into the night's batch: it resumes.
        let resubmitted = try await task(failed, job: "1003", batch: "1002")
        #expect(resubmitted.exitCode == 0, "\(resubmitted.stderr)")
        #expect(try ReportStore.load(shardReport("1002", failed)).runs.map(\.command) == ["run", "resume"])
        #expect(!FileManager.default.fileExists(atPath: "\(reports)/1003"), "a resubmitted task starts no batch")
        #expect(try await Self.storedKeys(h).contains("data/new.txt"), "the second night uploaded the new file")
        try h.expectAllStoredExactly()

        // operations.md § Slurm: the night's reports merge into one.
        let merged = "\(reports)/1002/nightly.json"
        let merge = try await h.ossbatch(["report", "merge", "-o", merged] + (0..<2).map { shardReport("1002", $0) })
        #expect(merge.exitCode == 0, "\(merge.stderr)")
        #expect(try ReportStore.load(merged).totals.succeeded == (try h.sources()).count)

        // A BATCH_ID left exported in the operator's shell must not make a whole night's array resume an old
        // batch: the task refuses, and starts nothing.
        let stale = try await task(0, job: "1004", batch: "1002", tasks: 2)
        #expect(stale.exitCode == 2 && stale.stderr.contains("unset BATCH_ID"), "\(stale.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(reports)/1004"))

        // Without OSSBATCH_STATE_DIR, the state directory is the node's own (NODE_STATE, else /var/tmp), not
        // the one under $HOME that every node shares: several nodes writing one SQLite index over NFS can
        // damage it (review of ca63f16).
        let home = h.dir.url.appendingPathComponent("shared-home").path
        let nodeState = h.dir.url.appendingPathComponent("node-state").path
        let local = try await ProcessRunner.run(
            URL(fileURLWithPath: "/bin/bash"),
            [script],
            environment: Self.engineEnvironment(
                h,
                [
                    "MANIFEST": manifest, "REPORTS": reports, "SHARDS": "2", "CREDENTIALS": credentials.path,
                    "SLURM_ARRAY_JOB_ID": "1005", "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2",
                    StateDirectory.environmentVariable: nil, "HOME": home, "XDG_STATE_HOME": nil,
                    "NODE_STATE": nodeState,
                    "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
                ]
            )
        )
        #expect(local.exitCode == 0, "\(local.stderr)")
        #expect(FileManager.default.fileExists(atPath: nodeState + "/.locks"), "the node's state directory")
        #expect(!FileManager.default.fileExists(atPath: home + "/.local/state/ossbatch"))
    }

    /// The pod's shell command: the `args` block scalar (`- |`) of the container in
    /// deploy/kubernetes/ossbatch-indexed-job.yaml, its indentation removed.
    static func podCommand() throws -> String {
        let yaml = try String(
            contentsOf: repository.appendingPathComponent("deploy/kubernetes/ossbatch-indexed-job.yaml"),
            encoding: .utf8
        )
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        let args = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "args:" })
        let dash = try #require(
            lines.indices.first { $0 > args && !lines[$0].trimmingCharacters(in: .whitespaces).isEmpty }
        )
        #expect(lines[dash].trimmingCharacters(in: .whitespaces) == "- |", "the command is one block scalar")
        var body: [String] = []
        for line in lines[(dash + 1)...] {
            if !line.trimmingCharacters(in: .whitespaces).isEmpty && indent(line) <= indent(lines[dash]) { break }
            body.append(line)
        }
        let margin = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(indent).min() ?? 0
        #expect(
            yaml.contains("fieldPath: metadata.labels['batch.kubernetes.io/job-name']"),
            "JOB_NAME is the Job's name, from the downward API"
        )
        return body.map { String($0.dropFirst(min(margin, indent($0)))) }.joined(separator: "\n")
    }

    @Test func eachKubernetesJobIsANewBatchAndARetriedPodResumesItsShard() async throws {
        let h = try await EngineHarness.start("k8s-nights")
        defer { Task { await h.stop() } }
        let manifest = try Self.sources(h)
        let reports = h.dir.url.appendingPathComponent("reports").path
        // The pod's paths, moved under the test's directory: the volumes /reports and /etc/ossbatch.
        let command = try Self.podCommand()
            .replacingOccurrences(of: "/reports/", with: reports + "/")
            .replacingOccurrences(of: "/etc/ossbatch/nightly.yaml", with: manifest)
        #expect(command.contains(reports + "/") && command.contains(manifest), "\(command)")
        /// Pod `k` of the Job `job`, as the Job controller starts it (credentials from the Secret, in the
        /// environment, as the harness sets them).
        func pod(_ k: Int, job: String) async throws -> ProcessResult {
            try await ProcessRunner.run(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", command],
                environment: Self.engineEnvironment(h, ["JOB_COMPLETION_INDEX": "\(k)", "JOB_NAME": job])
                    .merging(h.environment) { mine, _ in mine }
            )
        }
        func shardReport(_ job: String, _ k: Int) -> String { "\(reports)/\(job)/nightly.shard-\(k)-of-8.json" }

        for k in 0..<8 {
            let night1 = try await pod(k, job: "ossbatch-nightly-29411550")
            #expect(night1.exitCode == 0, "pod \(k): \(night1.stderr)")
        }
        #expect(try await Self.storedKeys(h) == Set(try h.sources().map(\.key)))

        try Self.addFileThatFailsOnce(h)
        let night2 = "ossbatch-nightly-29412990"
        var exits: [Int32] = []
        for k in 0..<8 { exits.append(try await pod(k, job: night2).exitCode) }
        #expect(exits.filter { $0 == 1 }.count == 1 && exits.filter { $0 == 0 }.count == 7, "\(exits)")
        let failed = try #require(exits.firstIndex(of: 1))

        // The Job retries the failed index with a new pod of the same Job: it resumes that shard's report.
        let retried = try await pod(failed, job: night2)
        #expect(retried.exitCode == 0, "\(retried.stderr)")
        #expect(try ReportStore.load(shardReport(night2, failed)).runs.map(\.command) == ["run", "resume"])
        #expect(try await Self.storedKeys(h).contains("data/new.txt"), "the second night uploaded the new file")
        try h.expectAllStoredExactly()
        let merge = try await h.ossbatch(
            ["report", "merge", "-o", "\(reports)/\(night2)/nightly.json"] + (0..<8).map { shardReport(night2, $0) }
        )
        #expect(merge.exitCode == 0, "\(merge.stderr)")
    }
}
