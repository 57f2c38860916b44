import OSSBatch
import Testing

@Suite struct GlobPatternTests {
    @Test func starAndQuestionMarkStayWithinOneSegment() {
        #expect(GlobPattern("*.csv", anchored: true).matches("a.csv"))
        #expect(!GlobPattern("*.csv", anchored: true).matches("x/a.csv"))
        #expect(GlobPattern("a?c", anchored: true).matches("abc"))
        #expect(!GlobPattern("a?c", anchored: true).matches("a/c"))
    }

    @Test func doubleStarMatchesAnyNumberOfSegments() {
        let p = GlobPattern("**/tmp/**")
        #expect(p.matches("tmp/a"))
        #expect(p.matches("x/y/tmp/z/a"))
        #expect(!p.matches("x/tmpfile"))
        #expect(GlobPattern("**/*.log").matches("a.log"))
    }

    @Test func bracketSetsRangesAndNegation() {
        #expect(GlobPattern("[ab]1", anchored: true).matches("b1"))
        #expect(GlobPattern("2026-0[1-3]", anchored: true).matches("2026-02"))
        #expect(!GlobPattern("2026-0[1-3]", anchored: true).matches("2026-04"))
        #expect(GlobPattern("[!a]x", anchored: true).matches("bx"))
        #expect(!GlobPattern("[!a]x", anchored: true).matches("ax"))
    }

    @Test func unanchoredPatternWithoutSlashMatchesNamesAnywhere() {
        #expect(GlobPattern("*.tmp").matches("deep/down/x.tmp"))
        #expect(!GlobPattern("*.tmp", anchored: true).matches("deep/down/x.tmp"))
    }

    @Test func aPatternCoversADirectoryWhenItMatchesEveryPathBelowIt() {
        #expect(GlobPattern("tmp/**", anchored: true).matchesEverything(below: "tmp"))
        #expect(GlobPattern("**/tmp/**").matchesEverything(below: "a/b/tmp"))
        #expect(GlobPattern("**").matchesEverything(below: "x"))
        #expect(GlobPattern("**/tmp/**").matchesEverything(below: "tmp/deeper"))
        #expect(!GlobPattern("**/tmp/**").matchesEverything(below: "a/tmpx"))
        #expect(!GlobPattern("*.log").matchesEverything(below: "logs"))
        #expect(!GlobPattern("tmp/*", anchored: true).matchesEverything(below: "tmp"))  // files only, not deeper
        #expect(!GlobPattern("tmp", anchored: true).matchesEverything(below: "tmp"))
    }

    @Test func aPatternMayMatchBelowADirectoryOnlyWhenItsPrefixFits() {
        #expect(GlobPattern("*/*.csv", anchored: true).mayMatch(below: "2026"))
        #expect(!GlobPattern("*.csv", anchored: true).mayMatch(below: "2026"))
        #expect(!GlobPattern("a/*.csv", anchored: true).mayMatch(below: "b"))
        #expect(GlobPattern("a/b/*.csv", anchored: true).mayMatch(below: "a"))
        #expect(GlobPattern("a/b/*.csv", anchored: true).mayMatch(below: "a/b"))
        #expect(!GlobPattern("a/b/*.csv", anchored: true).mayMatch(below: "a/b/c"))
        #expect(GlobPattern("logs/**/*.gz", anchored: true).mayMatch(below: "logs/x/y"))
        #expect(GlobPattern("*.log").mayMatch(below: "anything/at/all"))
    }
}
