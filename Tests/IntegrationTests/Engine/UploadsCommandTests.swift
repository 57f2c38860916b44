import Foundation
import LocalFiles
import LocalOSS
import OSSBatch
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// Issue 15 item 6, with the real binary against LocalOSS: `ossbatch uploads` lists the open multipart
/// uploads under a prefix over every page, and `--abort` removes exactly the stray ones — never one under
/// another prefix, one newer than `--older-than`, one a running or unfinished local batch holds, or one of
/// a key another process is uploading now.
@Suite(.serialized)
struct UploadsCommandTests {
    /// A manifest `name.yaml` uploading `src/NAME/` to `night/NAME/`, its checkpoints in the state directory
    /// (no `checkpoint_dir`).
    static func manifest(_ h: EngineHarness, _ name: String) throws -> String {
        let lines = [
            "version: 1", "target:", "  endpoint: \(h.endpoint)", "  region: local", "  bucket: \(h.bucket)",
            "  addressing: path", "upload:", "  concurrency: 2", "  files_in_flight: 1", "  part_size: 128KiB",
            "  multipart_threshold: 1MiB", "files:", "  - source: src/\(name)/", "    key_prefix: night/\(name)/",
        ]
        return try h.dir.write("\(name).yaml", lines.joined(separator: "\n") + "\n").path
    }

    /// An upload started behind ossbatch's back (another tool, a night no report remembers), with one part.
    static func stray(
        _ h: EngineHarness,
        _ key: String,
        partBytes: Int = 1000,
        daysOld: Double = 2
    ) async throws
        -> String
    {
        let client = h.makeClient()
        let id = try await client.initiateMultipartUpload(bucket: h.bucket, key: key, options: ObjectOptions())
            .uploadID
        _ = try await client.uploadPart(
            bucket: h.bucket,
            key: key,
            uploadID: id,
            partNumber: 1,
            body: .bytes(Array(repeating: 7, count: partBytes))
        )
        if daysOld > 0 { h.server.setInitiated(Date().addingTimeInterval(-daysOld * 86400), ofUpload: id) }
        return id
    }

    /// Every open upload of the bucket, as `key upload-id`.
    static func open(_ h: EngineHarness) async throws -> Set<String> {
        Set(
            try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").map {
                "\($0.key) \($0.uploadID)"
            }
        )
    }

    /// The upload ids of `prefix`'s open uploads.
    static func uploadIDs(_ h: EngineHarness, under prefix: String) async throws -> [String] {
        try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: prefix).map(\.uploadID)
    }

    @Test func abortRemovesExactlyTheStrayUploadsUnderThePrefixOverEveryPage() async throws {
        // Pages of two entries: ossbatch (and oss2) must follow key and upload-id markers.
        let h = try await EngineHarness.start("uploads", configure: { $0.listPageLimit = 2 })
        defer { Task { await h.stop() } }
        try h.writeFile("resumable/big.bin", size: 1_500_000, seed: 1)
        try h.writeFile("live/big.bin", size: 1_500_000, seed: 2)

        // Strays: two uploads of one key (a page boundary between them), two more keys, each with a part.
        var strays: Set<String> = []
        for (key, size) in [("night/a.bin", 1000), ("night/a.bin", 2000), ("night/b.bin", 3000), ("night/c.bin", 4000)]
        {
            strays.insert("\(key) \(try await Self.stray(h, key, partBytes: size))")
        }
        let other = try await Self.stray(h, "other/x.bin")
        let recent = try await Self.stray(h, "night/recent.bin", daysOld: 0)
        // An old upload of the key the live batch is about to upload: no checkpoint names it, but its key is
        // in use while the live batch runs.
        let sameKeyAsLive = try await Self.stray(h, "night/live/big.bin")

        // An unfinished batch: interrupted, its checkpoint holds its upload (made to look old).
        h.server.faults.add(
            FaultRule(operation: .uploadPart, keyContains: "resumable/", count: nil, action: .delay(milliseconds: 200))
        )
        let gate = h.hold(keyContains: "resumable/")
        let interrupted = try h.start(["run", try Self.manifest(h, "resumable"), "--progress-interval", "3600"])
        #expect(
            await h.waitUntil {
                h.server.log.all.contains {
                    $0.operation == .uploadPart && $0.status == 200 && $0.key == "night/resumable/big.bin"
                }
            }
        )
        await h.interrupt(interrupted)
        h.server.faults.open(gate: gate)
        #expect(await interrupted.wait().exitCode == 130)
        let resumableID = try #require(try await Self.uploadIDs(h, under: "night/resumable/").first)
        h.server.setInitiated(Date().addingTimeInterval(-3 * 86400), ofUpload: resumableID)

        // A running batch: its parts hang until the test kills it; its upload made to look old too.
        h.server.faults.add(
            FaultRule(operation: .uploadPart, keyContains: "live/", count: nil, action: .delay(milliseconds: 600_000))
        )
        let live = try h.start(["run", try Self.manifest(h, "live"), "--progress-interval", "3600"])
        defer { live.signal(SIGKILL) }
        // Its checkpoint, in the state directory, names its upload.
        let liveCheckpoints = CheckpointStore(directory: StateDirectory(path: h.stateDir).checkpoints(batch: "live"))
        var liveID: String?
        #expect(
            await h.waitUntil {
                liveID = liveCheckpoints.all().first?.checkpoint.uploadID
                return liveID != nil
            }
        )
        let liveUpload = try #require(liveID)
        h.server.setInitiated(Date().addingTimeInterval(-3 * 86400), ofUpload: liveUpload)
        let before = try await Self.open(h)
        #expect(before.count == 9)

        let logStart = h.server.log.all.count
        let result = try await h.ossbatch([
            "uploads", "--endpoint", h.endpoint, "--bucket", h.bucket, "--region", "local", "--prefix", "night/",
            "--older-than", "24h", "--parts", "--abort", "--json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout) \(result.stderr)"
        )
        let uploads = try #require(document["uploads"] as? [[String: Any]])
        var byID: [String: [String: Any]] = [:]
        for upload in uploads { byID[upload["upload_id"] as? String ?? "?"] = upload }
        #expect(document["newer"] as? Int == 1, "the recent upload is not listed")
        #expect(byID[recent] == nil && byID[other] == nil)
        #expect(document["aborted"] as? Int == 4 && document["left"] as? Int == 3 && document["failed"] as? Int == 0)
        for stray in strays {
            let id = String(stray.split(separator: " ")[1])
            #expect(byID[id]?["action"] as? String == "aborted", "\(stray)")
            #expect(byID[id]?["parts"] as? Int == 1)
        }
        #expect(Set(uploads.compactMap { $0["bytes"] as? Int }).isSuperset(of: [1000, 2000, 3000, 4000]))
        func hold(_ id: String) -> String? { (byID[id]?["hold"] as? [String: Any])?["reason"] as? String }
        #expect(byID[liveUpload]?["action"] as? String == "left" && hold(liveUpload) == "live_batch")
        #expect(byID[resumableID]?["action"] as? String == "left" && hold(resumableID) == "resumable_batch")
        #expect(byID[sameKeyAsLive]?["action"] as? String == "left" && hold(sameKeyAsLive) == "key_in_use")
        #expect(
            h.server.log.all[logStart...].filter { $0.operation == .listMultipartUploads }.count >= 4,
            "eight uploads under night/ in pages of two"
        )

        // Exactly the strays are gone.
        let after = try await Self.open(h)
        #expect(after == before.subtracting(strays), "\(after)")
        // The official SDK agrees on what is left (it pages on its own).
        let script = """
            import json, sys, oss2
            bucket = oss2.Bucket(oss2.AuthV4(sys.argv[2], sys.argv[3]), sys.argv[1], sys.argv[4], region='local')
            print(json.dumps([u.key + ' ' + u.upload_id for u in oss2.MultipartUploadIterator(bucket)]))
            """
        let oss2 = await
            (try RunningProcess(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["python3", "-c", script, h.endpoint, h.accessKeyID, h.secret, h.bucket]
            )).wait()
        #expect(oss2.exitCode == 0, "\(oss2.stderr)")
        let listedByOSS2 = try JSONDecoder().decode([String].self, from: Data(oss2.stdout.utf8))
        #expect(Set(listedByOSS2) == after && listedByOSS2.count == after.count)

        // With the manifest: its prefix (night/resumable/), its batch's upload listed as held, nothing aborted.
        let listing = try await h.ossbatch(["uploads", try Self.manifest(h, "resumable"), "--parts"])
        #expect(listing.exitCode == 0, "\(listing.stderr)")
        let rows = listing.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("KEY") == true)
        #expect(rows.count == 3, "\(listing.stdout)")
        #expect(rows[1].hasPrefix("night/resumable/big.bin") && rows[1].contains(resumableID))
        #expect(rows[1].contains("held by an unfinished batch: 'ossbatch resume "))
        #expect(rows[2] == "1 open upload in bucket \(h.bucket) under 'night/resumable/'")
        #expect(try await Self.open(h) == after)
    }

    /// A batch killed mid-upload whose manifest keeps its checkpoints elsewhere than the state directory (a
    /// Kubernetes volume's `/reports/checkpoints`) holds its upload against an `--abort` given no manifest (or
    /// another's): its unfinished report in the state directory names its checkpoint directory. It held nothing,
    /// and its upload was aborted as a stray (review of e4ab55a).
    @Test func anUnfinishedBatchCheckpointingOutsideTheStateDirectoryHoldsItsUpload() async throws {
        let h = try await EngineHarness.start("uploads-own-checkpoints")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 4_000_000, seed: 1)
        let manifest = try h.writeManifest(upload: ["concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB"])
        let gate = h.holdAfterACheckpoint()
        let process = try h.start(["run", manifest, "--progress-interval", "3600"])
        #expect(await h.waitUntil(.seconds(120)) { !EngineResumeTests.recordedParts(in: h.checkpointDir).isEmpty })
        process.signal(SIGKILL)
        _ = await process.wait()
        h.server.faults.open(gate: gate)
        h.server.faults.removeAll()
        let id = try #require(try await Self.uploadIDs(h, under: "data/").first)
        h.server.setInitiated(Date().addingTimeInterval(-3 * 86400), ofUpload: id)
        let swept = try await h.ossbatch([
            "uploads", "--endpoint", h.endpoint, "--bucket", h.bucket, "--region", "local", "--prefix", "data/",
            "--older-than", "24h", "--abort",
        ])
        #expect(swept.exitCode == 0, "\(swept.stderr)")
        #expect(swept.stdout.contains("held by an unfinished batch"), "\(swept.stdout)")
        #expect(try await Self.uploadIDs(h, under: "data/") == [id])
    }

    @Test func abortOverAWholeBucketNeedsAnExplicitEmptyPrefix() async throws {
        let h = try await EngineHarness.start("uploads-bucket")
        defer { Task { await h.stop() } }
        let id = try await Self.stray(h, "anywhere.bin")
        let everywhere = ["uploads", "--endpoint", h.endpoint, "--bucket", h.bucket, "--region", "local"]
        let refused = try await h.ossbatch([
            "uploads", "--endpoint", h.endpoint, "--bucket", h.bucket, "--region", "local", "--abort",
        ])
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("give --prefix PREFIX, or --prefix ''"))
        #expect(try await Self.open(h) == ["anywhere.bin \(id)"])
        // A state directory nothing has used says nothing of which uploads are running batches' (another
        // user's, another machine's): refused without --older-than (review of c56b4e6: a running night's
        // uploads were aborted under it).
        let blind = try await h.ossbatch(
            everywhere + ["--abort", "--prefix", ""],
            environment: ["OSSBATCH_STATE_DIR": h.dir.path + "/nobodys-state"]
        )
        #expect(blind.exitCode == 2 && blind.stderr.contains("holds nothing"), "\(blind.stderr)")
        #expect(try await Self.open(h) == ["anywhere.bin \(id)"])
        let done = try await h.ossbatch([
            "uploads", "--endpoint", h.endpoint, "--bucket", h.bucket, "--region", "local", "--abort", "--prefix", "",
            "--older-than", "0",
        ])
        #expect(done.exitCode == 0, "\(done.stderr)")
        #expect(done.stdout.contains("anywhere.bin") && done.stdout.contains("aborted"))
        #expect(try await Self.open(h).isEmpty)
        // An abort OSS refuses: exit 1, the upload named with OSS's error code.
        let refusedID = try await Self.stray(h, "denied.bin")
        h.server.faults.add(
            FaultRule(operation: .abortMultipartUpload, count: nil, action: .fail(status: 403, code: .accessDenied))
        )
        let denied = try await h.ossbatch(everywhere + ["--abort", "--prefix", "", "--older-than", "0"])
        #expect(denied.exitCode == 1, "\(denied.stderr)")
        #expect(
            denied.stdout.contains(refusedID) && denied.stdout.contains("failed: ")
                && denied.stdout.contains("AccessDenied")
        )
        #expect(denied.stdout.contains("0 already gone, left 0 that local batches hold, 1 failed"))
        #expect(try await Self.open(h) == ["denied.bin \(refusedID)"])
        let noCredentials = try await h.ossbatch(everywhere, environment: ["OSS_ACCESS_KEY_ID": nil])
        #expect(
            noCredentials.exitCode == 3 && noCredentials.stderr.contains("no credentials"),
            "\(noCredentials.stderr)"
        )
        h.expectNoSecrets(in: [denied.stdout, denied.stderr, noCredentials.stderr])

        let missing = try await h.ossbatch(["uploads", "--bucket", h.bucket])
        #expect(missing.exitCode == 2 && missing.stderr.contains("--endpoint is required"), "\(missing.stderr)")
        let badAge = try await h.ossbatch([
            "uploads", "--endpoint", h.endpoint, "--bucket", h.bucket, "--older-than", "soon",
        ])
        #expect(badAge.exitCode == 2 && badAge.stderr.contains("--older-than 'soon' is not an age"))
    }

    /// `--older-than` is an age by OSS's clock. This machine's clock is 3 days ahead of the server's (here: the
    /// server's 3 days behind, which is the same to the client): by its own clock alone, an upload another
    /// machine started a moment ago was "3 days old", and `--abort` gave it up under that machine's batch.
    @Test func agesAreMeasuredByTheServersClockSoAFastClockAbortsNoFreshUpload() async throws {
        let h = try await EngineHarness.start("uploads-clock") {
            $0.clockOffset = -3 * 86400
            $0.maxClockSkew = 900
        }
        defer { Task { await h.stop() } }
        let fresh = try await Self.stray(h, "night/fresh.bin", daysOld: 0)
        let old = try await Self.stray(h, "night/old.bin", daysOld: 2)
        let result = try await h.ossbatch([
            "uploads", "--endpoint", h.endpoint, "--bucket", h.bucket, "--region", "local", "--prefix", "night/",
            "--older-than", "24h", "--abort", "--json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout) \(result.stderr)"
        )
        #expect(document["newer"] as? Int == 1, "\(result.stdout)")
        let uploads = try #require(document["uploads"] as? [[String: Any]])
        #expect(uploads.map { $0["upload_id"] as? String } == [old], "\(result.stdout)")
        let age = try #require(uploads.first?["age_seconds"] as? Int)
        #expect(abs(age - 2 * 86400) < 3600, "aged by the server's clock: \(age) s")
        #expect(try await Self.open(h) == ["night/fresh.bin \(fresh)"])
    }
}
