/// The jobs a run set aside because another process held their keys (another batch uploading the same key,
/// an `abort` closing an upload of it): the run goes on with the rest and tries these again as it goes, so
/// one key in use does not stop a night's whole batch. Report positions, in plan order.
struct KeysSetAside {
    /// A job set aside, and what held its key when last tried.
    struct Entry {
        var position: Int32
        var busy: BusyError
    }

    private(set) var entries: [Entry] = []
    /// How many jobs were ever set aside (the log names the first few).
    private(set) var everSetAside = 0
    /// When the jobs set aside were last tried (at most once a `retryInterval` while others are dispatched).
    private var lastTried = ContinuousClock.now

    /// How often the jobs set aside are tried again while the run dispatches others.
    static let retryInterval: Duration = .seconds(1)

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    mutating func add(_ position: Int32, _ busy: BusyError) {
        entries.append(Entry(position: position, busy: busy))
        everSetAside += 1
    }

    /// Whether the run should try the jobs set aside again now, between dispatching others.
    var isDue: Bool { !entries.isEmpty && ContinuousClock.now - lastTried >= Self.retryInterval }

    /// Tries each job set aside with `start` (in plan order); keeps those whose keys are still held, with
    /// their holders. Returns `false` when `start` says the run is to stop dispatching.
    mutating func retry(_ start: (Int32) async -> Engine.Dispatch) async -> Bool {
        lastTried = ContinuousClock.now
        var kept: [Entry] = []
        for (i, entry) in entries.enumerated() {
            switch await start(entry.position) {
            case .started:
                continue
            case .held(let busy):
                kept.append(Entry(position: entry.position, busy: busy))
            case .noSlot:
                kept.append(entry)
            case .stop:
                entries = kept + entries[(i)...]
                return false
            }
        }
        entries = kept
        return true
    }
}
