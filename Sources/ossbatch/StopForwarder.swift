import OSSBatch
import Synchronization

/// Passes SIGINT/SIGTERM on to the engine — also those that arrive before it exists (while the credentials
/// are found), which it gets as soon as it does: a signal at any moment of a run ends it as interrupted,
/// with its report, never by the default action halfway.
final class StopForwarder: Sendable {
    private let grace: Duration
    private let state = Mutex<(engine: Engine?, pending: [(signal: StopSignal, repeated: Bool)])>((nil, []))

    /// `grace`: how long in-flight requests may finish after a first signal (a second one stops at once).
    init(grace: Duration) { self.grace = grace }

    func signal(_ signal: StopSignal, repeated: Bool) {
        let engine = state.withLock { state in
            if state.engine == nil { state.pending.append((signal, repeated)) }
            return state.engine
        }
        engine?.stop(signal, grace: repeated ? .zero : grace)
    }

    /// From now on signals go to `engine`; those that came before are passed on now.
    func attach(_ engine: Engine) {
        let pending = state.withLock { state in
            state.engine = engine
            defer { state.pending = [] }
            return state.pending
        }
        for stop in pending { engine.stop(stop.signal, grace: stop.repeated ? .zero : grace) }
    }
}
