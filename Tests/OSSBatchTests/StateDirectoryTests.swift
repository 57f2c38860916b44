import Foundation
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
