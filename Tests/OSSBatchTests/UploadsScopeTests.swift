import Testing

@testable import OSSBatch

/// The prefix `ossbatch uploads MANIFEST` looks under, and how printed commands quote their paths.
@Suite struct UploadsScopeTests {
    @Test func thePrefixIsWhatEveryEntrysKeyPrefixSharesCutBeforeAPlaceholder() {
        #expect(UploadsScope.sharedPrefix(["backup/web01/etc/", "backup/web01/var/"]) == "backup/web01/")
        #expect(UploadsScope.sharedPrefix(["nightly/{date:%Y/%m/%d}/", "nightly/{date:%Y}/x/"]) == "nightly/")
        #expect(UploadsScope.sharedPrefix(["a/", ""]) == "", "an entry without a prefix writes anywhere")
        #expect(UploadsScope.sharedPrefix(["web01"]) == "web01")
        #expect(UploadsScope.sharedPrefix([]) == "")
    }

    @Test func printedCommandsQuotePathsOnlyWhenTheShellNeedsIt() {
        #expect(ShellWord.quoted("/var/lib/ossbatch/r.json") == "/var/lib/ossbatch/r.json")
        #expect(ShellWord.quoted("/tmp/my report.json") == "'/tmp/my report.json'")
        #expect(ShellWord.quoted("/tmp/it's.json") == "'/tmp/it'\\''s.json'")
        #expect(ShellWord.quoted("$HOME/r.json") == "'$HOME/r.json'")
        #expect(ShellWord.quoted("") == "''")
    }
}
