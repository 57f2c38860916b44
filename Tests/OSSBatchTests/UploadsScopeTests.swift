import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// The prefix `ossbatch uploads MANIFEST` looks under, and how printed commands quote their paths.
@Suite struct UploadsScopeTests {
    @Test func thePrefixIsWhatEveryEntrysKeyPrefixSharesAsWholeFolders() {
        #expect(UploadsScope.sharedPrefix(["backup/web01/etc/", "backup/web01/var/"]) == "backup/web01/")
        #expect(UploadsScope.sharedPrefix(["a/", ""]) == "", "an entry without a prefix writes anywhere")
        #expect(UploadsScope.sharedPrefix(["web01"]) == "web01")
        #expect(UploadsScope.sharedPrefix([]) == "")
        // Parted inside a name: `logs/a` held another batch's `logs/archive/` too.
        #expect(UploadsScope.sharedPrefix(["logs/app/", "logs/api/"]) == "logs/")
        #expect(UploadsScope.sharedPrefix(["db/dump.sql", "db/dump.sql.gz"]) == "db/")
        #expect(UploadsScope.sharedPrefix(["caf\u{E9}/", "cafe\u{301}/"]) == "", "two spellings, two prefixes")
    }

    /// The manifest's prefix as its keys are made — `{hostname}` resolved (`backups/` held every host's
    /// uploads, and `--abort` took another host's), a time placeholder cutting back to a whole folder — and
    /// with `--set` applied (dropped before: an unfinished batch checkpointing where `--set` said lost its
    /// hold). Review of e4ab55a.
    @Test func aManifestsScopeIsItsKeysAsResolvedWithTheCommandLinesSettings() throws {
        let dir = try TemporaryDirectory("uploads-scope")
        defer { dir.remove() }
        func scope(_ prefixes: [String], _ settings: [String] = []) throws -> UploadsScope {
            let files = prefixes.map { "  - source: ./src/\n    key_prefix: \"\($0)\"\n" }.joined()
            let manifest = try dir.write(
                "m.yaml",
                "version: 1\ntarget:\n  endpoint: http://127.0.0.1:9\n  bucket: bucket-1\n  region: local\n"
                    + "files:\n" + files
            )
            return try UploadsScope.manifest(
                at: manifest.path,
                overrides: TargetOverrides(),
                settings: try ManifestSetting.parse(settings),
                placeholders: PlaceholderValues(now: Date(), hostname: "web01", environment: [:]),
                state: StateDirectory(path: dir.path + "/state")
            )
        }
        #expect(try scope(["backups/{hostname}/{date}/"]).prefix == "backups/web01/")
        #expect(try scope(["backup-{date}/"]).prefix == "", "backup- holds another batch's backup-static/")
        #expect(try scope(["nightly/{date:%Y/%m/%d}/", "nightly/{date:%Y}/x/"]).prefix == "nightly/")
        #expect(try scope(["logs/app/", "logs/api/"]).prefix == "logs/")
        let set = try scope(["a/"], ["upload.checkpoint_dir=/var/tmp/ckpt", "files[0].key_prefix=other/"])
        #expect(set.checkpointDirectory == "/var/tmp/ckpt" && set.prefix == "other/")
    }

    @Test func printedCommandsQuotePathsOnlyWhenTheShellNeedsIt() {
        #expect(ShellWord.quoted("/var/lib/ossbatch/r.json") == "/var/lib/ossbatch/r.json")
        #expect(ShellWord.quoted("/tmp/my report.json") == "'/tmp/my report.json'")
        #expect(ShellWord.quoted("/tmp/it's.json") == "'/tmp/it'\\''s.json'")
        #expect(ShellWord.quoted("$HOME/r.json") == "'$HOME/r.json'")
        #expect(ShellWord.quoted("") == "''")
    }
}
