import Foundation

extension Console {
    /// Ends the process from a thread other than the main one while other threads are stuck or still running
    /// (a run abandoned by its watchdog, a walk that stalled), with `status` as `exitStatus(afterOutput:)`
    /// makes it. `_exit`, not `exit`: `exit` runs the atexit handlers — OpenSSL's cleanup among them — on this
    /// thread while the others may be inside the libraries they free; an abandoned run whose credential
    /// renewal was stuck in an STS request died that way with SIGSEGV (2 runs in 7). Everything the process
    /// must leave is written before: the report, the journal, the metrics file; stdout and stderr are
    /// unbuffered `write(2)`s (`StandardStreamWriter`).
    func endProcess(afterOutput status: Int32) -> Never {
        _exit(exitStatus(afterOutput: status))
    }
}
