import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// Issue 15 item 4: where the state directory is, and the batch directory names in it.
struct StateDirectoryTests {
    @Test func theEnvironmentVariableWinsThenXDGThenHome() {
        let all = ["OSSBATCH_STATE_DIR": "rel/state", "XDG_STATE_HOME": "/xdg", "HOME": "/home/u"]
        #expect(StateDirectory.resolve(environment: all, workingDirectory: "/w").path == "/w/rel/state")
        var env = all
        env["OSSBATCH_STATE_DIR"] = ""
        #expect(StateDirectory.resolve(environment: env, workingDirectory: "/w").path == "/xdg/ossbatch")
        // A relative XDG_STATE_HOME is ignored, as the XDG specification asks.
        env["XDG_STATE_HOME"] = "relative"
        let fallback = StateDirectory.resolve(environment: env, workingDirectory: "/w").path
        #expect(fallback == (geteuid() == 0 ? "/var/lib/ossbatch" : "/home/u/.local/state/ossbatch"))
    }

    @Test func eachBatchHasItsReportsAndCheckpointsAndTheLocksAreApart() {
        let state = StateDirectory(path: "/s")
        #expect(state.reports(batch: "nightly") == "/s/nightly/reports")
        #expect(state.checkpoints(batch: "nightly") == "/s/nightly/checkpoints")
        #expect(state.locks == "/s/.locks")
    }

    @Test func aReportsBatchIsTheDirectoryItIsInOrAboveItsReportsDirectory() throws {
        let dir = try TemporaryDirectory()
        let state = StateDirectory(path: dir.url.path)
        for batch in ["web", "reports", ".locks"] {
            try FileManager.default.createDirectory(
                atPath: state.reports(batch: batch),
                withIntermediateDirectories: true
            )
        }
        #expect(state.batch(holdingReport: state.batch("web") + "/report.json") == "web")
        #expect(state.batch(holdingReport: state.reports(batch: "web") + "/ossbatch-report-1.json") == "web")
        // A batch named `reports`: its own reports, and those of its default-reports directory.
        #expect(state.batch(holdingReport: state.batch("reports") + "/x.json") == "reports")
        #expect(state.batch(holdingReport: state.reports(batch: "reports") + "/x.json") == "reports")
        // Not a batch's: the state directory itself, a dot directory, a batch that is not there, a deeper
        // directory, and anywhere else.
        #expect(state.batch(holdingReport: state.path + "/x.json") == nil)
        #expect(state.batch(holdingReport: state.locks + "/x.json") == nil)
        #expect(state.batch(holdingReport: state.batch("gone") + "/x.json") == nil)
        #expect(state.batch(holdingReport: state.reports(batch: "web") + "/sub/x.json") == nil)
        #expect(state.batch(holdingReport: "/tmp/web/report.json") == nil)
    }

    @Test(arguments: [
        ("nightly-backup", "nightly-backup"),
        ("web.01_x", "web.01_x"),
        ("a b/c", "a_b_c"),
        (".hidden", "_hidden"),
        ("", "batch"),
        ("ünï", "__n__"),  // each byte of a non-ASCII letter
    ])
    func batchNamesBecomeOneSafeDirectoryName(name: String, directory: String) {
        #expect(Plan.directoryName(forBatch: name) == directory)
    }
}
