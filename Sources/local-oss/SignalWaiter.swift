import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Suspends until SIGTERM or SIGINT arrives.
enum SignalWaiter {
    static func waitForTermination() async {
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [DispatchSourceSignal] = []
        // A parent (e.g. a test runner) may have left these blocked, and blocked masks survive exec.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTERM)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)  // the dispatch source sees it instead of the default (terminating) action
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            sources.append(source)
        }
        for await _ in signals { break }
        for source in sources { source.cancel() }
    }
}
