import Foundation
import OSSBatch
import TestSupport
import Testing

/// `upload.shard_split: directories`: each shard plans only the files of the directories it owns, the
/// shards' plans together are the whole plan with every line once, and no file is stat'ed by two shards.
@Suite struct ShardSplitByDirectoriesTests {
    /// A manifest over `data/` (a source with an exclude), a glob, a file named directly and a second
    /// source glued to its key prefix, split by directories.
    static func manifest(split: String = "directories") -> String {
        ManifestFixture.target + """
            upload:
              shard_split: \(split)
            files:
              - source: data/
                key_prefix: d/
                exclude: ["**/*.tmp"]
              - glob: "more/**/*.log"
                key_prefix: logs/
              - source: single.bin
                key: one/single.bin
              - source: flat/
                key_prefix: flat-

            """
    }

    /// A random tree: directories up to 3 deep under `data/`, `more/` and `flat/`, files of random sizes,
    /// some of them excluded or not matched by the glob.
    static func randomFiles(_ random: inout SeededRandom) -> [String: String] {
        var files = ["single.bin": "x"]
        for root in ["data", "more", "flat"] {
            var directories = [root]
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let parent = directories.randomElement(using: &random)!
                if parent.split(separator: "/").count < 4 { directories.append(parent + "/s\(directories.count)") }
            }
            for directory in directories {
                for n in 0..<Int.random(in: 0...6, using: &random) {
                    let ext = ["bin", "log", "tmp", "txt"].randomElement(using: &random)!
                    files["\(directory)/f\(n).\(ext)"] = String(
                        repeating: "y",
                        count: Int.random(in: 0...40, using: &random)
                    )
                }
            }
        }
        // Each entry always selects something: a random `data/` of only excluded `.tmp` files (seed
        // 5450514090753746776) made the plan an error, which is not what this test is about.
        files["more/a.log"] = "log"
        files["data/a.txt"] = "data"
        files["flat/a.txt"] = "flat"
        // And the tree is never trivial: every random directory may draw no file, or only ones left out (seed
        // 581 planned 9 lines, under the 11 the test asks for).
        for i in 0..<7 { files["flat/b\(i).txt"] = "b" }
        return files
    }

    static func plan(_ fixture: ManifestFixture, shard: Shard?) throws -> Plan {
        try Planner.plan(manifestAt: fixture.manifestPath, shard: shard)
    }

    /// Every line of a plan: its key, source and size.
    static func lines(_ plan: Plan) -> [String] {
        plan.jobs.map { "\($0.key) \($0.source) \($0.identity.size)" }
            + plan.skipped.map { "\($0.spec.key) \($0.spec.source) \($0.spec.identity.size)" }
    }

    @Test func theShardsOfRandomTreesHoldEveryLineOfTheWholePlanOnceForOneToSixtyFourShards() throws {
        var random = SeededRandom()
        var fixtures: [ManifestFixture] = []
        defer { for fixture in fixtures { fixture.remove() } }
        for _ in 0..<3 { fixtures.append(try ManifestFixture(Self.manifest(), files: Self.randomFiles(&random))) }
        for (n, fixture) in fixtures.enumerated() {
            let whole = try Self.plan(fixture, shard: nil)
            let expected = Self.lines(whole)
            #expect(expected.count > 10, "tree \(n), \(random)")
            // Every N for the first tree; a spread of them for the others (each shard is a plan of its own).
            let counts = n == 0 ? Array(1...64) : [2, 3, 5, 8, 13, 33, 64]
            for count in counts {
                var all: [String] = []
                var partitionIDs: Set<String> = []
                for k in 0..<count {
                    let shard = Shard(index: k, count: count)!
                    let part = try Self.plan(fixture, shard: shard)
                    let mine = Self.lines(part)
                    all += mine
                    #expect(part.shard?.shard == shard && part.shard?.split == .directories)
                    partitionIDs.insert(part.shard?.partitionID ?? "")
                    #expect(part.upload.checkpointDir.hasSuffix("/shard-\(k)-of-\(count)"))
                    #expect(part.jobs.map(\.key) == part.jobs.map(\.key).sorted(), "a shard's jobs stay in key order")
                    for job in part.jobs {
                        #expect(DirectorySplit.owner(ofKey: job.key, count: count) == k, "\(job.key) in shard \(k)")
                    }
                    if k == count - 1 || k == 0 {
                        #expect(Self.lines(try Self.plan(fixture, shard: shard)) == mine, "the same part twice")
                    }
                }
                #expect(all.count == expected.count, "tree \(n), N = \(count)")
                #expect(all.sorted() == expected.sorted(), "tree \(n), N = \(count)")
                #expect(partitionIDs.count == 1, "one partition_id for every shard of N = \(count)")
            }
        }
    }

    @Test func theOwnerOfAKeyIsTheHashOfItsDirectoryPart() {
        // The documented rule: SHA-256 of the key up to its last '/', first 8 bytes big-endian, mod N.
        #expect(
            DirectorySplit.owner(ofKey: "d/a/x.txt", count: 7) == DirectorySplit.owner(ofKey: "d/a/y.bin", count: 7)
        )
        #expect(DirectorySplit.owner(ofKeyDirectory: "", count: 1) == 0)
        // SHA-256("") begins e3b0c44298fc1c14.
        #expect(
            DirectorySplit.owner(ofKey: "top.txt", count: 1_000_003) == Int(0xe3b0_c442_98fc_1c14 % UInt64(1_000_003))
        )
        var random = SeededRandom()
        var perShard = [Int](repeating: 0, count: 16)
        for n in 0..<4_000 {
            let owner = DirectorySplit.owner(ofKey: "p/\(n)/\(Int.random(in: 0..<9, using: &random))", count: 16)
            perShard[owner] += 1
        }
        // 4,000 directories over 16 shards: about 250 each.
        #expect(perShard.allSatisfy { (150...350).contains($0) }, "\(perShard)")
    }

    @Test func theShardsTogetherStatEachFileOnceAndEachItsOwnOnly() throws {
        var files: [String: String] = ["single.bin": "x", "more/a.log": "l", "flat/f.txt": "f"]
        for d in 0..<60 {
            for f in 0..<(5 + d % 7) { files["data/g\(d % 6)/d\(d)/f\(f).txt"] = "\(d),\(f)" }
        }
        let fixture = try ManifestFixture(Self.manifest(), files: files)
        defer { fixture.remove() }
        let whole = try Self.plan(fixture, shard: nil)
        let walked = whole.entries[0].files
        #expect(walked == files.count - 3)
        #expect(whole.entries[0].examinedFiles == walked, "a whole plan stats every file once")
        let count = 8
        var examined = 0
        var planned = 0
        for k in 0..<count {
            let part = try Self.plan(fixture, shard: Shard(index: k, count: count)!)
            let entry = part.entries[0]
            #expect(entry.examinedFiles == entry.files, "shard \(k) stat'ed its own files only")
            #expect(entry.files + entry.otherShardFiles == walked, "shard \(k) saw every name")
            examined += entry.examinedFiles
            planned += entry.files
            // The text of `plan --shard` says so.
            let text = PlanSummary(part).text
            #expect(text.contains("\(entry.files) files; \(entry.otherShardFiles) files in other shards' directories"))
            #expect(text.contains("; \(entry.examinedFiles) files stat'ed"), "\(text)")
        }
        #expect(examined == walked, "the 8 shards together stat each file exactly once")
        #expect(planned == walked)
        // Balanced, every shard plans (and stats) the whole tree.
        let balanced = try ManifestFixture(Self.manifest(split: "balanced"), files: files)
        defer { balanced.remove() }
        let part = try Self.plan(balanced, shard: Shard(index: 3, count: count)!)
        #expect(part.shard?.split == .balanced)
        #expect(part.entries[0].examinedFiles == walked && part.entries[0].otherShardFiles == 0)
    }

    @Test func anEntryWhoseFilesAreAllInOtherShardsIsNotEmpty() throws {
        // One directory, so one shard owns every file; the others plan nothing and are not refused for it.
        let fixture = try ManifestFixture(
            ManifestFixture.target + """
                upload:
                  shard_split: directories
                files:
                  - source: data/

                """
        )
        defer { fixture.remove() }
        var owners: [Int] = []
        for k in 0..<4 {
            let part = try Self.plan(fixture, shard: Shard(index: k, count: 4)!)
            #expect(!part.selectsNothing)
            if !part.jobs.isEmpty { owners.append(k) }
        }
        #expect(owners == [DirectorySplit.owner(ofKey: "a.txt", count: 4)])
    }

    @Test func anUnknownSplitIsRefusedAtItsValue() {
        let fixture = try! ManifestFixture(
            ManifestFixture.target + """
                upload:
                  shard_split: evenly
                files:
                  - source: data/

                """
        )
        defer { fixture.remove() }
        let diagnostics = fixture.diagnostics()
        #expect(positions(diagnostics) == [at(7, 16)])
        #expect(diagnostics.first?.message == "'shard_split' must be one of balanced, directories; not 'evenly'")
    }

    @Test func shardsOnOtherHostsAndEitherSideOfMidnightSplitTheKeysAsWrittenAndMissNoFile() throws {
        // `{date}` and `{hostname}` resolve on each machine when its shard starts: the split must not depend
        // on them, or a directory goes to no shard (or two) while every shard exits 0.
        var files: [String: String] = [:]
        for d in 0..<12 { for f in 0..<3 { files["data/d\(d)/f\(f).txt"] = "x" } }
        let fixture = try ManifestFixture(
            ManifestFixture.target + """
                upload:
                  shard_split: directories
                files:
                  - source: data/
                    key_prefix: "snap/{date}/{hostname}/"

                """,
            files: files
        )
        defer { fixture.remove() }
        let formatter = ISO8601DateFormatter()
        let machines = [("2026-12-05T23:59:50Z", "host-a"), ("2026-12-06T00:00:10Z", "host-b")]
        for count in [2, 3, 5] {
            var relative: [String] = []
            var partitions: Set<String> = []
            for k in 0..<count {
                let (time, host) = machines[k % 2]
                let part = try Planner.plan(
                    manifestAt: fixture.manifestPath,
                    placeholders: PlaceholderValues(now: formatter.date(from: time)!, hostname: host, environment: [:]),
                    shard: Shard(index: k, count: count)!
                )
                partitions.insert(try #require(part.shard).partitionID)
                // Each key without its resolved `snap/DATE/HOST/`.
                relative += part.jobs.map { $0.key.split(separator: "/").dropFirst(3).joined(separator: "/") }
            }
            #expect(
                relative.sorted() == files.keys.map { String($0.dropFirst("data/".count)) }.sorted(),
                "N = \(count)"
            )
            #expect(partitions.count == 1, "N = \(count): the shards agree on the split")
        }
    }
}
