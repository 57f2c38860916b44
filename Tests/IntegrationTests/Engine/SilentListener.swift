import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A loopback port that takes connections (into the kernel's backlog) and never answers: a metadata service or
/// endpoint that hangs. Stop it with `stop()`.
struct SilentListener {
    let process: RunningProcess
    /// The port, as text for a URL.
    let port: String

    static func start() async throws -> SilentListener {
        let process = try RunningProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import socket, sys, time; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(16); "
                    + "print(s.getsockname()[1], file=sys.stderr, flush=True); time.sleep(600)",
            ]
        )
        _ = await process.waitForStderr(containing: "\n")
        return SilentListener(
            process: process,
            port: process.stderrSoFar.trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }

    func stop() { process.signal(SIGKILL) }

    /// An environment in which ossbatch's only credentials source is the ECS metadata service, here: its
    /// lookup hangs.
    func asMetadataService(home: String) -> [String: String?] {
        [
            "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil, "HOME": home,
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "false",
            "OSSBATCH_ECS_METADATA_ENDPOINT": "http://127.0.0.1:\(port)",
        ]
    }
}
