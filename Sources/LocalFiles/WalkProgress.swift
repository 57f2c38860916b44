import Synchronization

/// How far this process's directory walks have got: directories opened and listed, and entries stat'ed (one
/// step per `Directory.statsPerStep`). A watchdog reads it to tell a walk that moves from one stuck in a call
/// to a file system that stopped answering (a hung NFS mount), which never returns.
public enum WalkProgress {
    private static let steps = Atomic<Int64>(0)

    /// Grows while any walk moves.
    public static var count: Int64 { steps.load(ordering: .relaxed) }

    static func advance() { steps.add(1, ordering: .relaxed) }
}
