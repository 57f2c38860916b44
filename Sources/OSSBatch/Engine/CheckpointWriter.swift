import Foundation
import Synchronization

/// Keeps one job's checkpoint current while its parts complete concurrently, writing it at most about once
/// a second (parts recorded in between are written with the next flush). A part the server confirmed but
/// the file did not record yet is not lost: on resume, ListParts plus the local CRC-64 recognise it.
final class CheckpointWriter: Sendable {
    private struct State {
        var checkpoint: Checkpoint
        var dirty = false
        var lastWrite = ContinuousClock.now
    }

    private let store: CheckpointStore
    private let path: String
    private let state: Mutex<State>
    private static let interval: Duration = .seconds(1)

    init(store: CheckpointStore, path: String, checkpoint: Checkpoint) {
        self.store = store
        self.path = path
        state = Mutex(State(checkpoint: checkpoint))
    }

    var current: Checkpoint { state.withLock { $0.checkpoint } }

    func record(_ part: Checkpoint.Part) throws {
        let due = state.withLock { s -> Checkpoint? in
            s.checkpoint.record(part)
            s.dirty = true
            guard ContinuousClock.now - s.lastWrite >= CheckpointWriter.interval else { return nil }
            s.dirty = false
            s.lastWrite = ContinuousClock.now
            return s.checkpoint
        }
        if let due { try store.save(due, to: path) }
    }

    func flush() throws {
        let due = state.withLock { s -> Checkpoint? in
            guard s.dirty else { return nil }
            s.dirty = false
            s.lastWrite = ContinuousClock.now
            return s.checkpoint
        }
        if let due { try store.save(due, to: path) }
    }
}
