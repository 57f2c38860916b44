import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// Followed symbolic links whose targets are gone: left out like an unreadable file (`upload.on_unreadable`),
/// and subject to the entry's patterns like any other name.
struct BrokenLinksTests {
    /// `data/` with `a.txt`, `sub/b.txt`, and two dangling links: `current -> releases/r1` and
    /// `sub/notes.txt -> gone.txt`.
    private func fixture(_ yaml: String) throws -> ManifestFixture {
        let f = try ManifestFixture(
            ManifestFixture.target + yaml,
            files: ["data/a.txt": "alpha\n", "data/sub/b.txt": "beta\n"]
        )
        try FileManager.default.createSymbolicLink(atPath: f.path("data/current"), withDestinationPath: "releases/r1")
        try FileManager.default.createSymbolicLink(
            atPath: f.path("data/sub/notes.txt"),
            withDestinationPath: "gone.txt"
        )
        return f
    }

    @Test func byDefaultEachIsASkippedLineUnderItsOwnKeyAndTheRestIsPlanned() throws {
        let f = try fixture("files:\n  - source: data/\n    key_prefix: k/\n    follow_symlinks: true\n")
        defer { f.remove() }
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["k/a.txt", "k/sub/b.txt"])
        #expect(plan.skipped.map(\.spec.key) == ["k/current", "k/sub/notes.txt"])
        #expect(plan.skipped.allSatisfy { $0.outcome.status == .skipped && $0.outcome.reason == .brokenLink })
        #expect(plan.skipped.map(\.spec.source) == [f.path("data/current"), f.path("data/sub/notes.txt")])
        // The link's own size: the length of what it points to.
        #expect(plan.skipped.map(\.spec.size) == [Int64("releases/r1".utf8.count), Int64("gone.txt".utf8.count)])
        #expect(plan.entries.first?.brokenLinks == 2)
        #expect(
            plan.warnings.map(\.message).contains(
                "broken symbolic link \(f.path("data/current")): its target cannot be reached; it is left out (upload.on_unreadable: skip; the run will exit 1)"
            )
        )
        #expect(PlanSummary.describe(plan.entries[0]).contains("2 broken symbolic links skipped"))
        #expect(!plan.selectsNothing)
    }

    /// A second entry whose one file is a broken link leaves the jobs one entry's (their keys are not checked
    /// against each other then), but the link's key is still checked against the jobs': the same key is a
    /// clash, as any two files under one key.
    @Test func aBrokenLinkOfAnotherEntryUnderAJobsKeyIsAClash() throws {
        let f = try fixture(
            "files:\n  - source: data/\n    key_prefix: k/\n  - source: more/\n    key_prefix: k/\n"
                + "    follow_symlinks: true\n"
        )
        defer { f.remove() }
        try FileManager.default.createDirectory(atPath: f.path("more"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: f.path("more/a.txt"), withDestinationPath: "gone.txt")
        let clashes = f.diagnostics().map(\.message).filter { $0.contains("map to the key 'k/a.txt'") }
        #expect(clashes.count == 1, "\(f.diagnostics().map(\.message))")
    }

    @Test func onUnreadableFailMakesEachAnError() throws {
        let f = try fixture("upload:\n  on_unreadable: fail\nfiles:\n  - source: data/\n    follow_symlinks: true\n")
        defer { f.remove() }
        let messages = f.diagnostics().map(\.message)
        #expect(messages.count == 2)
        #expect(
            messages.contains(
                "broken symbolic link \(f.path("data/sub/notes.txt")): No such file or directory (upload.on_unreadable: fail; 'skip' leaves it out)"
            )
        )
    }

    @Test func aLinkTheEntryDoesNotWantOrDoesNotFollowIsNoProblem() throws {
        let unwanted = try fixture(
            "upload:\n  on_unreadable: fail\nfiles:\n  - source: data/\n    follow_symlinks: true\n"
                + "    include: ['*.txt']\n    exclude: ['notes.*']\n"
        )
        defer { unwanted.remove() }
        let plan = try unwanted.plan()
        #expect(plan.jobs.map(\.key) == ["a.txt", "sub/b.txt"])
        #expect(plan.skipped.isEmpty)
        // Counted as any excluded file, its pattern as used.
        #expect(plan.entries.first?.excludedFiles == 1)
        #expect(!plan.warnings.contains { $0.message.contains("matched nothing") })

        let unfollowed = try fixture("files:\n  - source: data/\n")
        defer { unfollowed.remove() }
        let walked = try unfollowed.plan()
        #expect(walked.skipped.isEmpty)
        #expect(walked.entries.first?.links == 2)
    }

    @Test func aBrokenLinkWhoseNameIsNotUTF8IsUnnameable() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    follow_symlinks: true\n",
            files: ["data/a.txt": "alpha\n"]
        )
        defer { f.remove() }
        let name = Array(f.path("data/bad").utf8) + [0xFF]
        #expect(symlink("gone", name.map { CChar(bitPattern: $0) } + [0]) == 0)
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["a.txt"])
        #expect(plan.skipped.map(\.spec.key) == ["bad\\xff"])
        #expect(plan.skipped.first?.outcome.reason == .unnameable)
    }
}
