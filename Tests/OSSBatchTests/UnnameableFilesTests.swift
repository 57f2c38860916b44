import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// Files and directories whose names are not UTF-8, which no OSS key can name: left out like an unreadable
/// file (`upload.on_unreadable`), and subject to the entry's patterns like any other name.
struct UnnameableFilesTests {
    /// `data/` with `a.txt`, `b.txt`, a file `bad\xff.tmp`, a directory `dir\xfe/` holding `inner.txt`, and
    /// `sub/café\xff\.txt` (valid UTF-8, then a byte that is not, then a backslash).
    private func fixture(_ yaml: String) throws -> ManifestFixture {
        let f = try ManifestFixture(
            ManifestFixture.target + yaml,
            files: ["data/a.txt": "alpha\n", "data/b.txt": "beta\n", "data/sub/ok.txt": "ok\n"]
        )
        try f.directory.makeRaw(name: Array("bad".utf8) + [0xFF] + Array(".tmp".utf8), in: "data", contents: "x")
        let inner = try f.directory.makeRaw(name: Array("dir".utf8) + [0xFE], in: "data", directory: true)
        try f.directory.makeRaw(
            name: Array("café".utf8) + [0xFF, UInt8(ascii: "\\")] + Array(".txt".utf8),
            in: "data/sub",
            contents: "yy"
        )
        // A file inside the unnameable directory: nothing may plan it.
        try TemporaryDirectory.makeRaw(at: inner + Array("/inner.txt".utf8), contents: "z")
        return f
    }

    @Test func byDefaultEachIsASkippedLineNamedWithItsBytesEscapedAndTheRestIsPlanned() throws {
        let f = try fixture("files:\n  - source: data/\n    key_prefix: k/\n")
        defer { f.remove() }
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["k/a.txt", "k/b.txt", "k/sub/ok.txt"])
        #expect(plan.skipped.map(\.spec.key) == ["k/bad\\xff.tmp", "k/dir\\xfe/", "k/sub/café\\xff\\x5c.txt"])
        #expect(plan.skipped.allSatisfy { $0.outcome.status == .skipped && $0.outcome.reason == .unnameable })
        // The directory's line stands for whatever it holds.
        #expect(plan.skipped.map(\.spec.size) == [1, 0, 2])
        #expect(plan.skipped[0].spec.source == f.path("data/bad\\xff.tmp"))
        #expect(plan.entries.first?.unnameableItems == 3)
        let warnings = plan.warnings.map(\.message)
        #expect(warnings.count == 3)
        #expect(
            warnings.contains(
                "file name is not valid UTF-8: \(f.path("data/bad\\xff.tmp")); it is left out (OSS keys must be UTF-8) (upload.on_unreadable: skip; the run will exit 1)"
            )
        )
        #expect(
            warnings.contains {
                $0.hasPrefix(
                    "directory name is not valid UTF-8: \(f.path("data/dir\\xfe")); it is left out with whatever it holds"
                )
            }
        )
        #expect(PlanSummary.describe(plan.entries[0]).contains("3 files or directories skipped (name not UTF-8)"))
    }

    /// A file literally named `bad\xff.tmp` beside `bad<0xFF>.tmp`: the job keeps its name, and the skipped
    /// line of the other shows a name of its own. Both were `k/bad\xff.tmp`: the plan passed, and the report
    /// was refused when read back ("'key' appears twice"), so neither `status` nor `resume` could use it
    /// (review of ca63f16).
    @Test func aLiteralNameLikeAnEscapedOneKeepsItsKeyAndTheLineShowsAnother() throws {
        let f = try fixture("files:\n  - source: data/\n    key_prefix: k/\n")
        defer { f.remove() }
        #expect(FileManager.default.createFile(atPath: f.path("data/bad\\xff.tmp"), contents: Data("lit".utf8)))
        let plan = try f.plan()
        #expect(plan.jobs.map(\.key) == ["k/a.txt", "k/b.txt", "k/bad\\xff.tmp", "k/sub/ok.txt"])
        #expect(plan.skipped.map(\.spec.key) == ["k/bad\\xff.tmp~", "k/dir\\xfe/", "k/sub/café\\xff\\x5c.txt"])
        let path = f.path("report.json")
        try ReportStore.create(at: path).write(Report(plan: plan, planID: plan.planID))
        #expect(try ReportStore.load(path).jobs.count == 7)
    }

    @Test func onUnreadableFailMakesEachAnErrorThatSaysHowToGetPastIt() throws {
        let f = try fixture("upload:\n  on_unreadable: fail\nfiles:\n  - source: data/\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(d.count == 3)
        // At the entry's `source` (line 9, the value's column), as every problem of a walk.
        #expect(d.map { "\($0.line ?? 0):\($0.column ?? 0)" } == ["9:13", "9:13", "9:13"])
        #expect(
            d.contains {
                $0.message
                    == "file name is not valid UTF-8: \(f.path("data/bad\\xff.tmp")) (OSS keys must be UTF-8: rename it, exclude it, or set upload.on_unreadable: skip to leave it out)"
            }
        )
        #expect(d.contains { $0.message.hasPrefix("directory name is not valid UTF-8: \(f.path("data/dir\\xfe")) (") })
    }

    /// The patterns see such a name with U+FFFD for each byte that is not UTF-8: a wildcard matches it, so
    /// `exclude` keeps it out (the advice the error gives) and a glob or `include` that does not want it
    /// passes it over, even under `on_unreadable: fail`.
    @Test func patternsExcludeOrPassOverThemLikeAnyOtherName() throws {
        let excluded = try fixture(
            "upload:\n  on_unreadable: fail\nfiles:\n  - source: data/\n    exclude: ['*.tmp', 'dir*', 'caf*']\n"
        )
        defer { excluded.remove() }
        let plan = try excluded.plan()
        #expect(plan.jobs.map(\.key) == ["a.txt", "b.txt", "sub/ok.txt"])
        #expect(plan.skipped.isEmpty && plan.warnings.isEmpty)
        #expect(plan.entries[0].excludedFiles == 2 && plan.entries[0].excludedDirectories == 1)

        let included = try fixture(
            "upload:\n  on_unreadable: fail\nfiles:\n  - source: data/\n    include: ['*.txt']\n    exclude: ['dir*']\n"
        )
        defer { included.remove() }
        // `café\xff\.txt` is a `*.txt` the entry wants: still an error; `bad\xff.tmp` is not asked for.
        let d = included.diagnostics()
        #expect(d.map(\.message).count == 1)
        #expect(
            d.first?.message.hasPrefix("file name is not valid UTF-8: \(included.path("data/sub/café\\xff\\x5c.txt"))")
                == true
        )

        let globbed = try fixture("upload:\n  on_unreadable: fail\nfiles:\n  - glob: data/*.txt\n")
        defer { globbed.remove() }
        #expect(try globbed.plan().jobs.map(\.key) == ["a.txt", "b.txt"])
    }

    /// A name of 255 bytes that are not UTF-8 shows as 1,020 characters: with its prefix, a line key longer than
    /// any object key may be, which it need not be (it is never sent).
    @Test func aLongNameOfBadBytesIsStillOneSkippedLine() throws {
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n    key_prefix: long/\n")
        defer { f.remove() }
        try f.directory.makeRaw(name: [UInt8](repeating: 0xFF, count: 255), in: "data", contents: "x")
        let plan = try f.plan()
        #expect(plan.skipped.map(\.spec.key) == ["long/" + String(repeating: "\\xff", count: 255)])
        #expect(plan.skipped.first?.spec.key.utf8.count == 1_025 && plan.skipped.first?.outcome.reason == .unnameable)
    }

    @Test func escapedNamesKeepValidUTF8AndNeverShowTwoNamesAlike() {
        #expect(PathEscaping.escape(Array("café".utf8) + [0xFF]) == "café\\xff")
        #expect(PathEscaping.escape([0xC3]) == "\\xc3")  // a sequence cut short
        #expect(PathEscaping.escape(Array("a\\b\t".utf8)) == "a\\x5cb\\x09")
        #expect(PathEscaping.escape([0xC2, 0x85]) == "\\xc2\\x85")  // a C1 control (NEL)
        // The byte 0xFF and the four characters `\xff` show differently.
        #expect(PathEscaping.escape([0xFF]) != PathEscaping.escape(Array("\\xff".utf8)))
    }
}
