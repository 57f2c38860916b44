import LocalFiles
import Synchronization

/// What a command keeps alive until the process exits. Freeing a batch's jobs one by one (each job's strings
/// and options released) only for the memory to go back at exit anyway was a twentieth of a large plan and
/// of a night of 200,000 unchanged files. A command keeps only its own last values here, once its work is
/// done: the library frees what it uses.
enum KeptUntilExit {
    private static let values = Mutex<[any Sendable]>([])

    /// Keeps `value` (and so everything it holds) until the process ends.
    static func keep(_ value: some Sendable) { values.withLock { $0.append(value) } }

    /// Frees what was kept, for a command that goes on to other work (`resume --batch`, report after report:
    /// kept, every report it resumed stayed in memory at once).
    static func freeNow() {
        var kept: [any Sendable] = []
        values.withLock { swap(&kept, &$0) }
        kept = []
        FreedMemory.release()
    }
}
