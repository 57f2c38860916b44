import OSSBatch
import OSSKit
import Testing

/// `--verify-remote list`: which unchanged jobs the listing does not confirm, and the prefix one listing needs.
@Suite struct UnchangedListingCheckTests {
    typealias Candidate = UnchangedListingCheck.Candidate

    @Test func onlyAnObjectOfTheSameSizeAndETagConfirmsACandidate() {
        let candidates = [
            Candidate(index: 0, key: "a", size: 10, etag: "\"ABC\""),
            Candidate(index: 1, key: "b", size: 10, etag: "ABC"),
            Candidate(index: 2, key: "c", size: 10, etag: "ABC"),
            Candidate(index: 3, key: "d", size: 10, etag: nil),
            Candidate(index: 4, key: "e", size: 10, etag: "abc-2"),
        ]
        let listed = [
            ObjectSummary(key: "a", size: 10, etag: "\"abc\""),  // quotes and case do not matter
            ObjectSummary(key: "b", size: 11, etag: "\"ABC\""),  // another size
            ObjectSummary(key: "d", size: 10, etag: "\"ABC\""),  // the index knew no ETag: not confirmed
            ObjectSummary(key: "e", size: 10, etag: "\"ABC-2\""),
            ObjectSummary(key: "z", size: 1, etag: "\"X\""),
        ]
        // c is missing.
        #expect(UnchangedListingCheck.stale(candidates, listed: listed) == [1, 2, 3])
    }

    /// Two keys that Swift's `String` takes for one (a composed and a decomposed "é") are two objects to OSS:
    /// the listing of one confirms only that one.
    @Test func keysAreComparedAsBytesNotAsCanonicallyEquivalentText() {
        let (composed, decomposed) = ("d/caf\u{E9}", "d/cafe\u{301}")
        #expect(composed == decomposed, "Swift's String equality, which the check must not use")
        let candidates = [
            Candidate(index: 0, key: composed, size: 4, etag: "A"),
            Candidate(index: 1, key: decomposed, size: 4, etag: "A"),
        ]
        let listed = [ObjectSummary(key: composed, size: 4, etag: "\"A\"")]
        #expect(UnchangedListingCheck.stale(candidates, listed: listed) == [1])
    }

    @Test func theCommonPrefixIsCutToWholeCharacters() {
        #expect(UnchangedListingCheck.commonPrefix([]) == "")
        #expect(UnchangedListingCheck.commonPrefix(["web/2026/a", "web/2026/b"]) == "web/2026/")
        #expect(UnchangedListingCheck.commonPrefix(["x/a", "y/a"]) == "")
        // "é" (C3 A9) and "è" (C3 A8) share a first byte; the prefix must not end inside the character.
        #expect(UnchangedListingCheck.commonPrefix(["d/é", "d/è"]) == "d/")
        #expect(UnchangedListingCheck.commonPrefix(["d/é1", "d/é2"]) == "d/é")
    }
}
