import Foundation
import LocalOSS
import OSSBatch
import OSSProtocol
import TestSupport
import Testing

/// Object options, callbacks, `if_exists` and credentials reach OSS as the manifest says.
@Suite(.serialized)
struct EngineOptionsTests {
    @Test func objectOptionsFromTheManifestReachOSSAsHeaders() async throws {
        let h = try await EngineHarness.start("options")
        defer { Task { await h.stop() } }
        try h.writeFile("page.html", size: 300)
        try h.writeFile("big.bin", size: 1_500_000, seed: 2)
        let manifest = try h.writeManifest(
            upload: ["part_size: 512KiB", "multipart_threshold: 1MiB"],
            defaults: [
                "acl: private", "storage_class: IA", "metadata: {team: data, run: nightly}",
                "tags: {project: atlas}", "cache_control: max-age=60",
                "content_disposition: attachment",
            ]
        )
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        for key in ["data/page.html", "data/big.bin"] {
            let headers = try #require(h.server.objectHeaders(bucket: h.bucket, key: key))
            #expect(headers["x-oss-object-acl"] == "private", "\(key)")
            #expect(headers["x-oss-storage-class"] == "IA", "\(key)")
            #expect(headers["x-oss-meta-team"] == "data", "\(key)")
            #expect(headers["x-oss-meta-run"] == "nightly", "\(key)")
            #expect(headers["x-oss-tagging"] == "project=atlas", "\(key)")
            #expect(headers["cache-control"] == "max-age=60", "\(key)")
            #expect(headers["content-disposition"] == "attachment", "\(key)")
        }
        #expect(h.server.objectHeaders(bucket: h.bucket, key: "data/page.html")?["content-type"] == "text/html")
    }

    @Test func callbackOnPutAndOnCompleteIsCalledWithVariablesAndReported() async throws {
        let h = try await EngineHarness.start("callback", configure: { $0.callbackTimeout = 60 })
        defer { Task { await h.stop() } }
        let receiver = try await CallbackReceiver()
        defer { receiver.stop() }
        try h.writeFile("small.txt", size: 100)
        try h.writeFile("big.bin", size: 1_500_000, seed: 3)
        let manifest = try h.writeManifest(
            upload: ["part_size: 512KiB", "multipart_threshold: 1MiB"],
            extraEntryLines: [
                "callback:",
                "  url: \(receiver.url)",
                "  body: \"object=${object}&size=${size}&batch=${x:batch}\"",
                "  vars: {batch: nightly}",
            ]
        )
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let bodies = receiver.all.map(\.body).sorted()
        #expect(
            bodies == [
                "object=data/big.bin&size=1500000&batch=nightly", "object=data/small.txt&size=100&batch=nightly",
            ]
        )
        for job in try h.report().jobs {
            #expect(job.outcome.callback?.status == 200)
            #expect(job.outcome.callback?.body.contains("\"from\":\"receiver\"") == true)
        }
    }

    @Test func failedCallbackIsReportedAsCallbackFailedWithTheObjectStored() async throws {
        let h = try await EngineHarness.start("callbackfail")
        defer { Task { await h.stop() } }
        let receiver = try await CallbackReceiver(status: 500)
        defer { receiver.stop() }
        try h.writeFile("small.txt", size: 100)
        let manifest = try h.writeManifest(extraEntryLines: [
            "callback: {url: \"\(receiver.url)\", body: \"object=${object}\"}"
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 1)
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .failed)
        #expect(job.outcome.error?.code == "CallbackFailed")
        #expect(job.outcome.callback?.status == 203)
        try h.expectAllStoredExactly()
    }

    /// A job whose callback failed is uploaded again by `resume` so that OSS calls the receiver again (the
    /// docs' promise), under `if_exists: skip` and `fail` too: skip settled it as identical (exit 0, the
    /// receiver never called again), and fail was refused `FileAlreadyExists` over its own object on every
    /// resume (review of e4ab55a). A small file (PutObject) and a large one (multipart, its callback at Complete).
    @Test(arguments: ["skip", "fail"])
    func aFailedCallbackIsSentAgainByResumeWhateverIfExistsSays(ifExists: String) async throws {
        let h = try await EngineHarness.start("callback-again-\(ifExists)")
        defer { Task { await h.stop() } }
        let receiver = try await CallbackReceiver(status: 500)
        defer { receiver.stop() }
        try h.writeFile("small.txt", size: 100)
        try h.writeFile("big.bin", size: 1_500_000, seed: 2)
        let manifest = try h.writeManifest(
            upload: ["if_exists: \(ifExists)", "part_size: 512KiB", "multipart_threshold: 1MiB"],
            extraEntryLines: ["callback: {url: \"\(receiver.url)\", body: \"object=${object}\"}"]
        )
        let result = try await h.run(manifest)
        #expect(result.exitCode == 1)
        #expect(try h.report().jobs.map { $0.outcome.error?.code } == ["CallbackFailed", "CallbackFailed"])
        #expect(receiver.all.count == 2)

        try receiver.answer(200)
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try h.report().jobs.map(\.outcome.status) == [.succeeded, .succeeded])
        #expect(receiver.all.count == 4, "each receiver called again")
        try h.expectAllStoredExactly()
    }

    /// A resume stopped (the service unreachable) before it sent the jobs again keeps their callbacks owed:
    /// their lines became bare `pending`, and the next resume took the objects it found for done — exit 0, the
    /// receiver never called (review of 572eea5).
    @Test(arguments: ["skip", "fail"])
    func aCallbackStillOwedAfterAStoppedResumeIsSentByTheNextOne(ifExists: String) async throws {
        let h = try await EngineHarness.start("callback-owed-\(ifExists)")
        defer { Task { await h.stop() } }
        let receiver = try await CallbackReceiver(status: 500)
        defer { receiver.stop() }
        for i in 0..<6 { try h.writeFile("f\(i).txt", size: 100 + i, seed: UInt64(i)) }
        let manifest = try h.writeManifest(
            upload: ["if_exists: \(ifExists)", "concurrency: 2"],
            extraEntryLines: ["callback: {url: \"\(receiver.url)\", body: \"object=${object}\"}"]
        )
        #expect(try await h.run(manifest).exitCode == 1)
        #expect(try h.report().jobs.allSatisfy { $0.outcome.error?.code == "CallbackFailed" })

        let stopped = try await h.resume(["--endpoint", "http://127.0.0.1:1"])
        #expect(stopped.exitCode == 3, "\(stopped.stderr)")
        let owed = try h.report().jobs
        #expect(owed.allSatisfy { $0.outcome.status == .pending && $0.outcome.error?.code == "CallbackFailed" })

        try receiver.answer(200)
        let resumed = try await h.resume(["--endpoint", h.endpoint])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try h.report().jobs.allSatisfy { $0.outcome.status == .succeeded })
        #expect(receiver.all.count == 12, "each receiver called again")
        try h.expectAllStoredExactly()
    }

    @Test func ifExistsSkipLeavesIdenticalObjectsAndUploadsChangedOnes() async throws {
        let h = try await EngineHarness.start("skip")
        defer { Task { await h.stop() } }
        try h.writeFile("same.txt", size: 5000, seed: 1)
        try h.writeFile("changes.txt", size: 5000, seed: 2)
        try h.writeFile("big.bin", size: 1_500_000, seed: 3)
        let manifest = try h.writeManifest(upload: [
            "if_exists: skip", "part_size: 512KiB", "multipart_threshold: 1MiB",
        ])
        #expect(try await h.run(manifest).exitCode == 0)
        try h.writeFile("changes.txt", size: 5000, seed: 22)
        let logStart = h.server.log.all.count
        let second = try await h.run(manifest)
        #expect(second.exitCode == 0, "\(second.stderr)")
        let statuses = Dictionary(uniqueKeysWithValues: try h.report().jobs.map { ($0.spec.key, $0.outcome.status) })
        #expect(statuses == ["data/same.txt": .skipped, "data/big.bin": .skipped, "data/changes.txt": .succeeded])
        let puts = h.server.log.all[logStart...].filter { $0.operation == .putObject || $0.operation == .uploadPart }
        #expect(puts.map { $0.key } == ["data/changes.txt"])
        try h.expectAllStoredExactly()
    }

    /// `if_exists: fail`, and the object an earlier run made without its line saying so (its only attempt's
    /// answer lost here; a kill or a stop at the wrong moment does the same): the resume's PutObject is refused
    /// `FileAlreadyExists` over this file's own bytes, and HEAD settles it. It failed on every resume for ever
    /// (review of e4ab55a).
    @Test func ifExistsFailSettlesAnObjectAnEarlierRunMadeByHead() async throws {
        let h = try await EngineHarness.start("failexists-earlier-run")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        h.server.faults.add(FaultRule(operation: .putObject, count: 1, action: .dropResponse))
        let manifest = try h.writeManifest(upload: ["if_exists: fail", "retries: {attempts: 1}"])
        let first = try await h.run(manifest)
        #expect(first.exitCode == 3, "\(first.stderr)")
        #expect(try h.report().jobs.first?.outcome.status == .pending)
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .succeeded)
        #expect(job.outcome.warnings?.contains { $0.contains("HEAD proved") } == true)
        try h.expectAllStoredExactly()

        // Someone else's object there is still refused: other bytes under the key.
        try h.writeFile("b.txt", size: 12, seed: 5)
        h.server.faults.add(FaultRule(operation: .putObject, keyContains: "b.txt", count: 1, action: .dropResponse))
        let second = try await h.run(manifest, ["--report", h.dir.path + "/r2.json"])
        #expect(second.exitCode != 0, "\(second.stderr)")
        _ = try await h.makeClient().putObject(
            bucket: h.bucket,
            key: "data/b.txt",
            body: .bytes(Array("someone else's".utf8)),
            options: ObjectOptions()
        )
        let refused = try await h.ossbatch(["resume", h.dir.path + "/r2.json"])
        #expect(refused.exitCode == 1, "\(refused.stderr)")
        #expect(refused.stdout.contains("FileAlreadyExists"), "\(refused.stdout)")
    }

    /// `if_exists: fail`, two objects an earlier run made without its lines saying so, and before the resume
    /// another writer puts one key again with the very same bytes but its own metadata. The resume's PutObjects
    /// are refused `FileAlreadyExists`; HEAD settles the one that shows this job's options and refuses the
    /// other (review: it was settled `succeeded` and indexed with tonight's options, the other writer's object
    /// kept and vouched for every night after).
    @Test func ifExistsFailDoesNotSettleTheSameBytesAnotherWriterPutWithOtherOptions() async throws {
        let h = try await EngineHarness.start("failexists-other-options")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10, seed: 1)
        let b = try Data(contentsOf: try h.writeFile("b.txt", size: 10, seed: 2))
        h.server.faults.add(FaultRule(operation: .putObject, count: 2, action: .dropResponse))
        let manifest = try h.writeManifest(
            upload: ["if_exists: fail", "retries: {attempts: 1}", "unchanged: skip"],
            defaults: ["content_type: application/octet-stream", "metadata: {Team: data}"]
        )
        let first = try await h.run(manifest)
        #expect(first.exitCode == 3, "\(first.stderr)")
        _ = try await h.makeClient().putObject(
            bucket: h.bucket,
            key: "data/b.txt",
            body: .bytes(Array(b)),
            options: ObjectOptions(contentType: "application/octet-stream", metadata: ["team": "theirs"])
        )
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 1, "\(resumed.stderr)")
        let jobs = Dictionary(uniqueKeysWithValues: try h.report().jobs.map { ($0.spec.key, $0.outcome) })
        #expect(jobs["data/a.txt"]?.status == .succeeded, "\(jobs)")
        #expect(jobs["data/b.txt"]?.error?.code == "FileAlreadyExists", "\(jobs)")
        #expect(resumed.stderr.contains("not_settled_by_head") || resumed.stderr.contains("other object options"))
        #expect(h.server.objectHeaders(bucket: h.bucket, key: "data/b.txt")?["x-oss-meta-team"] == "theirs")
        #expect(h.server.objectHeaders(bucket: h.bucket, key: "data/a.txt")?["x-oss-meta-team"] == "data")
    }

    /// `if_exists: fail` and a multipart upload: an object put under the key while the parts go up is not
    /// overwritten. OSS checks `x-oss-forbid-overwrite` at Complete, and it was sent at Initiate alone: the
    /// other object was replaced (review of e4ab55a). The job fails `FileAlreadyExists`, its upload given up.
    /// So under an entry's own `forbid_overwrite: true`, which reached the Initiate alone (review of c56b4e6).
    @Test(arguments: ["if_exists: fail", "forbid_overwrite: true"])
    func ifExistsFailKeepsAnObjectThatAppearedDuringAMultipartUpload(forbidding: String) async throws {
        let h = try await EngineHarness.start("failexists-multipart")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 1_500_000, seed: 3)
        h.server.faults.add(FaultRule(operation: .uploadPart, count: 1, action: .hold(gate: "parts")))
        let byEntry = forbidding.hasPrefix("forbid_overwrite")
        let manifest = try h.writeManifest(
            upload: (byEntry ? [] : [forbidding]) + ["part_size: 512KiB", "multipart_threshold: 1MiB"],
            extraEntryLines: byEntry ? [forbidding] : []
        )
        let process = try h.start(["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"])
        let theirs = Array("someone else's object".utf8)
        let server = h.server
        DispatchQueue.global().async {
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline,
                !server.log.all.contains(where: { $0.operation == .initiateMultipartUpload && $0.status == 200 })
            {
                usleep(2_000)
            }
            Task {
                _ = try? await h.makeClient().putObject(
                    bucket: h.bucket,
                    key: "data/big.bin",
                    body: .bytes(theirs),
                    options: ObjectOptions()
                )
                h.server.faults.open(gate: "parts")
            }
        }
        let result = await process.wait(timeout: .seconds(120))
        #expect(result.exitCode == 1, "\(result.stderr)")
        #expect(try h.report().jobs.first?.outcome.error?.code == "FileAlreadyExists")
        #expect(h.server.objectData(bucket: h.bucket, key: "data/big.bin") == Data(theirs))
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
    }

    @Test func ifExistsFailRefusesToOverwriteAnExistingObject() async throws {
        let h = try await EngineHarness.start("failexists")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest(upload: ["if_exists: fail"])
        #expect(try await h.run(manifest).exitCode == 0)
        let second = try await h.run(manifest)
        #expect(second.exitCode == 1)
        #expect(try h.report().jobs.first?.outcome.error?.code == "FileAlreadyExists")
    }

    /// `if_exists: fail` and a PutObject whose answer is lost after the object was stored: its retry is refused
    /// FileAlreadyExists over this very upload. HEAD proves the object the file's bytes and the job succeeds
    /// (audit of 72b75db: it failed, and failed again on every resume, over an exact object). An object of
    /// other bytes still fails the job.
    @Test func ifExistsFailSettlesALostPutObjectAnswerByHead() async throws {
        let h = try await EngineHarness.start("failexists-lost")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10, seed: 1)
        try h.writeFile("b.txt", size: 10, seed: 2)
        h.server.faults.add(FaultRule(operation: .putObject, keyContains: "a.txt", count: 1, action: .dropResponse))
        let manifest = try h.writeManifest(upload: ["if_exists: fail", "retries: {attempts: 3, base_delay: 10ms}"])
        let run = try await h.run(manifest)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let a = try #require(try h.report().jobs.first { $0.spec.key == "data/a.txt" })
        #expect(a.outcome.status == .succeeded)
        #expect(a.outcome.warnings?.first?.contains("HEAD proved the object this file's bytes") == true)
        #expect(
            h.server.log.all.filter { $0.key == "data/a.txt" }.map(\.operation) == [
                .putObject, .putObject, .headObject,
            ]
        )
        try h.expectAllStoredExactly()

        // An object already there, of these very bytes (the first run's, or another writer's with other
        // options), and a retry after an *answered* 503 (nothing stored): `fail` refuses it as before — only an
        // unanswered attempt is settled by HEAD (review: an answered 503 was settled too, over an object this
        // run did not write).
        h.server.faults.add(.failNth(1, .putObject, keyContains: "b.txt", status: 503, code: .serviceUnavailable))
        let second = h.dir.path + "/r2.json"
        let other = try await h.ossbatch(["run", manifest, "--report", second, "--progress-interval", "3600"])
        #expect(other.exitCode == 1, "\(other.stderr)")
        let jobs = try ReportStore.load(second).jobs
        #expect(jobs.allSatisfy { $0.outcome.error?.code == "FileAlreadyExists" }, "\(jobs.map(\.outcome))")
    }

    @Test func credentialsFileReadableByOthersIsRefusedAndAPrivateOneIsUsed() async throws {
        let h = try await EngineHarness.start("credfile")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        let file = try h.dir.write(
            "credentials.ini",
            "[batch]\naccess_key_id = \(h.accessKeyID)\naccess_key_secret = \(h.secret)\n"
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let noEnv: [String: String?] = [
            "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
        ]
        let refused = try await h.ossbatch(
            [
                "run", manifest, "--report", h.reportPath, "--credentials-file", file.path,
                "--profile", "batch",
            ],
            environment: noEnv
        )
        #expect(refused.exitCode == 3)
        #expect(refused.stderr.contains("chmod 600"))
        #expect(try h.report().status == .fatal, "a report is left even when nothing could be sent")
        // The advice carries the credentials options: a resume without them looks the credentials up elsewhere.
        #expect(
            refused.stderr.contains(
                "and run: ossbatch resume \(h.reportPath) --credentials-file \(file.path) --profile batch"
            ),
            "\(refused.stderr)"
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let resumed = try await h.ossbatch(
            ["resume", h.reportPath, "--credentials-file", file.path, "--profile", "batch"],
            environment: noEnv
        )
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        h.expectNoSecrets(in: [refused.stdout, refused.stderr, resumed.stdout, resumed.stderr])
    }

    /// A key ID read from an environment file with CRLF line endings (`OSS_ACCESS_KEY_ID=AKID\r`), or an
    /// endpoint curl cannot parse: no request can be sent as built. The batch stops at once (exit 3), its jobs
    /// pending and nothing sent, with a message that says what is wrong. Before, each job went through all its
    /// attempts with backoff and failed "after 4 attempts", exit 1 — hours of a night of many files (review).
    @Test func credentialsWithALineBreakOrAnEndpointCurlRefusesStopTheBatchBeforeAnythingIsSent() async throws {
        let h = try await EngineHarness.start("unsendable")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        try h.writeFile("b.txt", size: 10, seed: 2)
        let manifest = try h.writeManifest()
        let crlf = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath],
            environment: ["OSS_ACCESS_KEY_ID": h.accessKeyID + "\r"]
        )
        #expect(crlf.exitCode == 3, "\(crlf.stdout)\(crlf.stderr)")
        #expect(crlf.stderr.contains("the AccessKey ID holds a line break"), "\(crlf.stderr)")
        #expect(try h.report().jobs.allSatisfy { $0.outcome.status == .pending })
        #expect(h.server.stats.snapshot.requestsTotal == 0)

        let port = h.endpoint.split(separator: ":").last.map(String.init) ?? ""
        let endpoint = try await h.ossbatch(
            ["run", manifest, "--report", h.dir.path + "/r2.json", "--endpoint", "http://loc^alhost:\(port)"]
        )
        #expect(endpoint.exitCode == 3, "\(endpoint.stdout)\(endpoint.stderr)")
        #expect(endpoint.stderr.contains("the request cannot be sent"), "\(endpoint.stderr)")
        #expect(!endpoint.stderr.contains("attempts"), "\(endpoint.stderr)")
        #expect(try ReportStore.load(h.dir.path + "/r2.json").jobs.allSatisfy { $0.outcome.status == .pending })
    }

    @Test func missingCredentialsAreFatalWithAMessageSayingWhereTheyGo() async throws {
        let h = try await EngineHarness.start("nocreds")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath],
            environment: ["OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil]
        )
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("OSS_ACCESS_KEY_ID"))
        #expect(h.server.stats.snapshot.requestsTotal == 0)
    }
}
