import Testing

@testable import OSSBatch

/// The jobs a run sets aside because another process holds their keys, and how a refused run is told apart
/// from one stopped on a held key.
struct KeysSetAsideTests {
    static func busy(_ key: String) -> BusyError { BusyError(what: "the key '\(key)' of bucket b", holder: nil) }

    @Test func retryStartsFreedKeysKeepsHeldOnesAndOnesWithoutASlotAndCountsEverySetAside() async {
        var aside = KeysSetAside()
        for position: Int32 in [3, 5, 8] { aside.add(position, Self.busy("k\(position)")) }
        // 3 is free now, 5 still held (by another holder), 8's slot kind is full: only 3 starts.
        let ok = await aside.retry { position in
            switch position {
            case 3: return .started
            case 5: return .held(Self.busy("k5 again"))
            default: return .noSlot
            }
        }
        #expect(ok)
        #expect(aside.entries.map(\.position) == [5, 8])
        #expect(aside.entries[0].busy.what == "the key 'k5 again' of bucket b")
        // The log's cap counts every key ever set aside, not those set aside now (which falls as keys free).
        #expect(aside.count == 2 && aside.everSetAside == 3)
        aside.add(9, Self.busy("k9"))
        #expect(aside.everSetAside == 4)
    }

    @Test func aStopDuringARetryKeepsTheJobsNotYetTried() async {
        var aside = KeysSetAside()
        for position: Int32 in [1, 2, 3] { aside.add(position, Self.busy("k\(position)")) }
        let ok = await aside.retry { $0 == 1 ? .started : .stop }
        #expect(!ok)
        #expect(aside.entries.map(\.position) == [2, 3])
    }

    @Test func onlyARunRefusedBecauseTheReportOrTheBatchWasHeldCountsAsRefused() {
        func run(_ code: String, _ message: String, exit: Int32 = 4) -> RunRecord {
            RunRecord(
                command: "run",
                startedAt: "2026-12-05T00:00:00.000Z",
                finishedAt: "2026-12-05T00:00:00.000Z",
                status: .fatal,
                exitCode: exit,
                error: JobError(code: code, message: message)
            )
        }
        #expect(run("Busy", "the report /r.json is in use by pid 4").wasRefusedAsBusy)
        #expect(run("Busy", "the batch of /m.yaml to bucket b is in use by pid 4").wasRefusedAsBusy)
        #expect(run("Busy", "shard-0-of-2 of the batch of /m.yaml to bucket b is in use by pid 4").wasRefusedAsBusy)
        // Stopped on a key held to the end, by this ossbatch and by one before 2026-12-05: it ran.
        #expect(!run("KeyBusy", "the key 'k' of bucket b is in use by pid 4").wasRefusedAsBusy)
        #expect(!run("Busy", "the key 'k' of bucket b is in use by pid 4").wasRefusedAsBusy)
        // `abort` that left keys alone.
        #expect(!run("Busy", "2 key(s) left alone: the key 'k' of bucket b is in use by pid 4").wasRefusedAsBusy)
        #expect(!run("Busy", "the report /r.json is in use by pid 4", exit: 3).wasRefusedAsBusy)
    }
}
