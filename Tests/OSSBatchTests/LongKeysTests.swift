import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// A file found by a walk whose path makes a key longer than the 1,023 bytes OSS allows (a deep tree): left out
/// like an unreadable file (`upload.on_unreadable`), while a key the manifest itself makes too long stays an
/// error of the manifest.
struct LongKeysTests {
    /// Six directories of 200 characters: a path of 1,205 bytes below `data/`, a key of 1,216 under `k/`.
    static let deep = Array(repeating: String(repeating: "d", count: 200), count: 6).joined(separator: "/")

    private func fixture(_ yaml: String) throws -> ManifestFixture {
        try ManifestFixture(
            ManifestFixture.target + yaml,
            files: ["data/a.txt": "alpha\n", "data/\(Self.deep)/deep.txt": "deep\n"]
        )
    }

    @Test func byDefaultTheFileIsASkippedLineUnderItsWholeKeyAndTheRestIsPlanned() throws {
        let f = try fixture("files:\n  - source: data/\n    key_prefix: k/\n")
        defer { f.remove() }
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["k/a.txt"])
        let line = try #require(plan.skipped.first)
        #expect(plan.skipped.count == 1)
        #expect(line.spec.key == "k/\(Self.deep)/deep.txt")
        #expect(line.spec.key.utf8.count == 1_216)
        #expect(line.outcome.status == .skipped && line.outcome.reason == .keyTooLong)
        #expect(line.spec.source == f.path("data/\(Self.deep)/deep.txt"))
        #expect(line.spec.size == 5)
        #expect(plan.entries.first?.longKeyFiles == 1)
        #expect(
            plan.warnings.map(\.message).contains(
                "the object key of \(f.path("data/\(Self.deep)/deep.txt")) would be 1216 bytes, more than the 1023 OSS allows; it is left out (upload.on_unreadable: skip; the run will exit 1)"
            )
        )
        #expect(PlanSummary.describe(plan.entries[0]).contains("1 file skipped (key over 1023 bytes)"))
        // The line is not an object's: its report reads back although its key breaks OSS's rules.
        try line.validate()
    }

    @Test func onUnreadableFailMakesItAnErrorThatSaysHowToGetPastIt() throws {
        let f = try fixture("upload:\n  on_unreadable: fail\nfiles:\n  - source: data/\n    key_prefix: k/\n")
        defer { f.remove() }
        let messages = f.diagnostics().map(\.message)
        #expect(messages.count == 1)
        #expect(messages.first?.hasPrefix("the object key 'k/ddd") == true)
        #expect(
            messages.first?.hasSuffix(
                "deep.txt: shorten its path, exclude it, or set upload.on_unreadable: skip to leave it out)"
            ) == true
        )
    }

    @Test func aKeyTheManifestMakesTooLongStaysAnError() throws {
        // A key prefix with no room for any name: every file's key would be too long, the manifest's mistake.
        let prefix = String(repeating: "p", count: 1_023)
        let f = try fixture("files:\n  - source: data/\n    key_prefix: \(prefix)/\n    exclude: ['d*']\n")
        defer { f.remove() }
        #expect(
            f.diagnostics().map(\.message).contains {
                $0.hasPrefix("the object key 'ppp") && $0.hasSuffix("is 1029 bytes; OSS allows 1–1023 bytes of UTF-8")
            }
        )
        // A file named directly, with a `key` too long.
        let named = try fixture("files:\n  - source: data/a.txt\n    key: \(prefix)/a.txt\n")
        defer { named.remove() }
        #expect(
            named.diagnostics().map(\.message).contains {
                $0.hasPrefix("the object key 'ppp") && $0.hasSuffix("is 1029 bytes; OSS allows 1–1023 bytes of UTF-8")
            }
        )
    }

    /// A followed link that leads nowhere, as deep: its line's key is too long as well. It made the plan fail
    /// (exit 2, "1 error in the manifest") where the readable file beside it was a skipped line (review).
    @Test func aBrokenLinkAtAPathTooLongIsASkippedLineLikeTheFileBesideIt() throws {
        let f = try fixture(
            "files:\n  - source: data/\n    key_prefix: k/\n    follow_symlinks: true\n"
        )
        defer { f.remove() }
        try FileManager.default.createSymbolicLink(
            atPath: f.path("data/\(Self.deep)/dangling"),
            withDestinationPath: "/nonexistent/ossbatch-test"
        )
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["k/a.txt"])
        #expect(plan.skipped.map { $0.outcome.reason } == [.brokenLink, .keyTooLong])
        #expect(plan.skipped.first?.spec.key == "k/\(Self.deep)/dangling")
        for line in plan.skipped { try line.validate() }
    }

    /// A name starting with `\` at the top of a source with no key prefix: OSS refuses a key starting with
    /// `\`, so no object can be named for it. One such file dropped into an upload folder stopped the whole
    /// batch as "1 error in the manifest", exit 2, nothing sent (review); now it is left out like an unreadable
    /// file, and under `on_unreadable: fail` the error says what to do.
    @Test func aNameStartingWithABackslashAtTheTopOfASourceIsLeftOutNotAnError() throws {
        let files = ["data/a.txt": "alpha\n", "data/\\weird.txt": "w\n", "data/\\dir/in.txt": "in\n"]
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n", files: files)
        defer { f.remove() }
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["a.txt"])
        #expect(plan.skipped.map(\.spec.key) == ["\\dir/in.txt", "\\weird.txt"])
        #expect(plan.skipped.allSatisfy { $0.outcome.reason == .unnameable })
        #expect(
            plan.warnings.map(\.message).contains(
                "the object key of \(f.path("data/\\weird.txt")) would start with '\\', which OSS refuses; it is left out (rename it or give the entry a key_prefix) (upload.on_unreadable: skip; the run will exit 1)"
            )
        )
        for line in plan.skipped { try line.validate() }
        // Under a key prefix the same names make good keys.
        let prefixed = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    key_prefix: k/\n",
            files: files
        )
        defer { prefixed.remove() }
        #expect(try prefixed.plan().jobs.map(\.key) == ["k/\\dir/in.txt", "k/\\weird.txt", "k/a.txt"])

        let failing = try ManifestFixture(
            ManifestFixture.target + "upload:\n  on_unreadable: fail\nfiles:\n  - source: data/\n",
            files: files
        )
        defer { failing.remove() }
        let messages = failing.diagnostics().map(\.message)
        #expect(messages.count == 2, "\(messages)")
        #expect(
            messages.allSatisfy {
                $0.contains("starts with '\\'")
                    && $0.hasSuffix(
                        "rename it, give the entry a key_prefix, exclude it, or set upload.on_unreadable: skip to leave it out)"
                    )
            },
            "\(messages)"
        )
    }

    @Test func anExcludedDeepFileIsNoProblem() throws {
        let f = try fixture("upload:\n  on_unreadable: fail\nfiles:\n  - source: data/\n    exclude: ['deep.txt']\n")
        defer { f.remove() }
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["a.txt"])
        #expect(plan.skipped.isEmpty)
    }
}
