import OSSBatch
import Synchronization

/// Passes SIGINT/SIGTERM on to the engine — also those that arrive before it exists (while the credentials
/// are found), which it gets as soon as it does: a signal at any moment of a run ends it as interrupted,
/// with its report, never by the default action halfway. A signal before the engine exists also cancels what
/// the start waits for (`cancelsStart`): a credential service that does not answer held a SIGTERM for 90 s.
final class StopForwarder: Sendable {
    private struct State {
        var engine: Engine?
        var pending: [(signal: StopSignal, repeated: Bool)] = []
        var cancelStart: (@Sendable () -> Void)?
    }

    private let grace: Duration
    private let state = Mutex(State())

    /// `grace`: how long in-flight requests may finish after a first signal (a second one stops at once).
    init(grace: Duration) { self.grace = grace }

    func signal(_ signal: StopSignal, repeated: Bool) {
        let (engine, cancelStart) = state.withLock { state in
            if state.engine == nil { state.pending.append((signal, repeated)) }
            return (state.engine, state.cancelStart)  // nil once an engine is attached
        }
        cancelStart?()
        engine?.stop(signal, grace: repeated ? .zero : grace)
    }

    /// Until an engine is attached, a signal calls `cancel` (at once, if one came already).
    func cancelsStart(_ cancel: @escaping @Sendable () -> Void) {
        let early = state.withLock { state in
            state.cancelStart = cancel
            return !state.pending.isEmpty
        }
        if early { cancel() }
    }

    /// The first signal that came before an engine was attached.
    var signalBeforeStart: StopSignal? { state.withLock { $0.engine == nil ? $0.pending.first?.signal : nil } }

    /// From now on signals go to `engine`; those that came before are passed on now.
    func attach(_ engine: Engine) {
        let pending = state.withLock { state in
            state.engine = engine
            state.cancelStart = nil
            defer { state.pending = [] }
            return state.pending
        }
        for stop in pending { engine.stop(stop.signal, grace: stop.repeated ? .zero : grace) }
    }
}
