import OSSBatch
import Testing

/// Issue 14 item 8: a generated mistake prints a bounded number of lines and says how many more there are.
@Suite struct DiagnosticLimitsTests {
    private func diagnostic(_ line: Int) -> Diagnostic {
        Diagnostic(file: "/m.yaml", line: line, column: 1, message: "bad \(line)")
    }

    @Test func renderingShowsTheFirstTwentyThenCountsTheRest() {
        let error = ManifestError((1...25).reversed().map(diagnostic))
        let lines = error.rendered().split(separator: "\n").map(String.init)
        #expect(lines.count == 21)
        #expect(lines.first == "/m.yaml:1:1: error: bad 1")
        #expect(lines[19] == "/m.yaml:20:1: error: bad 20")
        #expect(lines.last == "… and 5 more errors (the first 20 are shown)")
        // The description (for logs and tests) still holds every one.
        #expect(error.description.split(separator: "\n").count == 25)
    }

    @Test func twentyOrFewerAreAllShownWithoutACount() {
        let error = ManifestError((1...20).map(diagnostic))
        #expect(error.rendered() == error.description)
    }

    @Test func keyCollisionsAreListedUpToAThousandThenCounted() throws {
        var files: [String: String] = [:]
        for i in 0..<1005 { files["data/f\(i).txt"] = "x" }
        let f = try ManifestFixture(
            ManifestFixture.target
                + "files:\n  - source: data/\n    key_prefix: p/\n  - source: data/\n    key_prefix: p/\n",
            files: files
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(d.count == 1001)
        #expect(d.filter { $0.message.hasPrefix("two files map to the key") }.count == 1000)
        #expect(d.contains { $0.message == "… and 5 more files map to keys another file has" && $0.line == 10 })
    }

    @Test func commandLineProblemsSortFirstAndRenderWithoutAPosition() {
        let error = ManifestError([diagnostic(3), Diagnostic(flag: "region", "add --region REGION")])
        #expect(error.diagnostics.first?.flag == "region")
        #expect(error.rendered() == "error: add --region REGION\n/m.yaml:3:1: error: bad 3")
    }
}
