import Foundation
import OSSBatch
import Testing

/// What a plan passes over and says about it: excluded directories, unused patterns, empty entries.
@Suite struct PlannerSelectionTests {
    @Test func anExcludedDirectoryIsNotEnteredAndCountedOnce() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    exclude: [tmp, \"cache/**\", \"*.bak\"]\n",
            files: ["data/a.txt": "", "data/tmp/x": "", "data/tmp/y/z": "", "data/cache/c": "", "data/b.bak": ""]
        )
        defer { f.remove() }
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["a.txt"])
        let entry = try #require(plan.entries.first)
        #expect(entry.files == 1 && entry.excludedFiles == 1 && entry.excludedDirectories == 2)
        #expect(plan.warnings.isEmpty)
    }

    @Test func anExcludePatternThatMatchesNothingIsAWarningAtThePattern() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    exclude: [\"*.txt\", \"*.nothing\"]\n"
                + "  - source: data/a.txt\n    key: one\n",
            files: ["data/a.txt": "", "data/b.log": ""]
        )
        defer { f.remove() }
        let plan = try f.plan()
        #expect(
            plan.warnings.map(\.description) == [
                "\(f.manifestPath):8:24: note: exclude pattern '*.nothing' matched nothing"
            ]
        )
    }

    /// A note, which `run --quiet` does not print: the manifest says an empty entry is fine.
    @Test func anOptionalEntryOrAnAllowedEmptyManifestMakesAnEmptyEntryANote() throws {
        let entries = "files:\n  - source: data/\n  - glob: \"data/*.none\"\n"
        let strict = try ManifestFixture(ManifestFixture.target + entries)
        defer { strict.remove() }
        #expect(positions(strict.diagnostics()) == [at(8, 11)])

        let allowed = try ManifestFixture(ManifestFixture.target + "allow_empty: true\n" + entries)
        defer { allowed.remove() }
        let plan = try allowed.plan()
        #expect(plan.warnings.map(\.severity) == [.note])
        #expect(plan.warnings.first?.message.hasPrefix("glob 'data/*.none' matches no files") == true)

        let optional = try ManifestFixture(ManifestFixture.target + entries + "    optional: true\n")
        defer { optional.remove() }
        #expect(try optional.plan().jobs.count == 2)
    }

    @Test func aGlobNeverLooksInDirectoriesItCannotMatch() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - glob: \"logs/app/*.gz\"\n",
            files: ["logs/app/a.gz": "", "logs/app/deeper/b.gz": "", "logs/other/c.gz": ""]
        )
        defer { f.remove() }
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["a.gz"])
        #expect(plan.entries.first?.excludedDirectories == 0)
    }
}
