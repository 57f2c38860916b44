import Foundation
import OSSBatch
import Testing

/// Issue 14 item 8: aliases cannot turn a short manifest into minutes of work and a million diagnostics.
@Suite struct AliasExpansionTests {
    private static let head = ManifestFixture.target

    @Test func sharedOptionsThroughAliasesStillWork() throws {
        let f = try ManifestFixture(
            Self.head + """
                defaults:
                  metadata: &meta {team: data, tier: gold}
                files:
                  - source: data/a.txt
                    key: a
                    metadata: *meta
                  - source: data/b.txt
                    key: b
                    metadata: *meta

                """
        )
        defer { f.remove() }
        let plan = try f.plan()
        #expect(plan.jobs.count == 2)
        #expect(plan.jobs.allSatisfy { $0.options.metadata == ["team": "data", "tier": "gold"] })
    }

    @Test func anEntryRepeatedThroughAliasesIsOneErrorAtTheEntry() throws {
        let f = try ManifestFixture(
            Self.head + "files:\n  - &e {source: data/, key_prefix: x/}\n"
                + String(repeating: "  - *e\n", count: 200_000)
        )
        defer { f.remove() }
        let started = ContinuousClock.now
        let d = f.diagnostics()
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(positions(d) == [at(7, 5)])
        #expect(
            d.first?.message
                == "this entry is listed 200000 more times through an alias; each copy would upload the same files to the same keys"
        )
    }

    @Test func aliasesAddingMoreThanAMillionValuesAreRefusedAtTheAnchoredValue() throws {
        // Ten levels of ten copies: 10^10 values from a few hundred bytes (a "billion laughs").
        var yaml = Self.head + "files:\n  - source: data/a.txt\nx0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<10 {
            yaml +=
                "x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let f = try ManifestFixture(yaml)
        defer { f.remove() }
        let started = ContinuousClock.now
        let d = f.diagnostics()
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(d.count == 1)
        #expect(
            d.first?.message.hasPrefix("aliases repeat this value until the manifest grows by more than 1000000")
                == true
        )
        // At the value being copied (the anchor's place), not at an unknown place.
        #expect(d.first?.line != nil && d.first?.column != nil)
    }

    @Test func aMetadataMapSharedByManyEntriesCountsEveryCopy() throws {
        let metadata = (0..<1000).map { "k\($0): v" }.joined(separator: ", ")
        let entries = (0..<2000).map { "  - {source: data/a.txt, key: k\($0), metadata: *m}\n" }.joined()
        let f = try ManifestFixture(Self.head + "defaults:\n  metadata: &m {\(metadata)}\nfiles:\n" + entries)
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(7, 13)])
        #expect(d.first?.message.contains("grows by more than 1000000 values") == true)
    }
}
