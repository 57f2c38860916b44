import OSSBatch
import TestSupport
import Testing

@Suite struct GlobPatternTests {
    @Test func starAndQuestionMarkStayWithinOneSegment() {
        #expect(GlobPattern("*.csv", anchored: true).matches("a.csv"))
        #expect(!GlobPattern("*.csv", anchored: true).matches("x/a.csv"))
        #expect(GlobPattern("a?c", anchored: true).matches("abc"))
        #expect(!GlobPattern("a?c", anchored: true).matches("a/c"))
    }

    /// A name starting with a combining mark (U+0301) makes one grapheme with the `/` before it: split by
    /// `Character`, the path was not split there, and the file escaped `exclude: ["logs/*.tmp"]` (review).
    @Test func aNameStartingWithACombiningMarkIsItsOwnSegment() {
        #expect(GlobPattern("logs/*.tmp", anchored: true).matches("logs/\u{301}b.tmp"))
        #expect(!GlobPattern("*.tmp", anchored: true).matches("logs/\u{301}b.tmp"))
        #expect(GlobPattern("logs/**", anchored: true).matchesEverything(below: "logs/\u{301}dir"))
        #expect(!GlobPattern("logs/*.tmp", anchored: true).mayMatch(below: "\u{301}logs"))
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

extension GlobPatternTests {
    /// A pattern and a path that are both ASCII (without a carriage return) are matched byte by byte; anything
    /// else by `Character`. Put behind a literal segment `é`, the same pattern and path go the character way:
    /// the two must agree on every pair, random ones over the characters that mean something in a pattern.
    @Test func byteMatchingAgreesWithCharacterMatching() {
        var random = SeededRandom()
        let patternPieces = ["a", "b", ".", "-", "*", "**", "?", "[", "]", "!", "^", "[a-b]", "[!a]", "/"]
        let pathPieces = ["a", "b", ".", "-", "[", "]", "!", "^", "/", "ab", "a.b"]
        func text(_ pieces: [String]) -> String {
            (0..<Int.random(in: 1...7, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
        // Half the patterns made from their path, pieces of it turned into wildcards, so that many match.
        func pattern(from path: String) -> String {
            path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                switch Int.random(in: 0..<6, using: &random) {
                case 0: "*"
                case 1: "**"
                case 2: String(segment.map { $0 == "." ? "?" : $0 })
                case 3: segment.isEmpty ? "" : "[" + String(segment.first!) + "]" + segment.dropFirst()
                default: String(segment)
                }
            }.joined(separator: "/")
        }
        var matched = 0
        for n in 0..<10_000 {
            let path = text(pathPieces)
            let pattern = n.isMultiple(of: 2) ? text(patternPieces) : pattern(from: path)
            let byBytes = GlobPattern(pattern, anchored: true).matches(path)
            let byCharacters = GlobPattern("é/" + pattern, anchored: true).matches("é/" + path)
            #expect(byBytes == byCharacters, "\(pattern) on \(path), \(random)")
            if byBytes { matched += 1 }
        }
        // Both answers come up, often.
        #expect(matched > 1_000 && matched < 9_000, "\(matched)")
    }

    @Test func aCarriageReturnLineFeedIsOneCharacterForAQuestionMark() {
        // CR LF is one `Character`: `?` takes it whole, so such a name never takes the byte way.
        #expect(GlobPattern("a?b", anchored: true).matches("a\r\nb"))
        #expect(!GlobPattern("a??b", anchored: true).matches("a\r\nb"))
    }
}
