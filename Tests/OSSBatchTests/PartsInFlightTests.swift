import Testing

@testable import OSSBatch

/// How many parts of one file are in flight at once, with and without a bandwidth cap.
@Suite struct PartsInFlightTests {
    @Test func underABandwidthCapOneFileGetsWhatTheCapSendsInTheGracePeriod() {
        var settings = UploadSettings(concurrency: 16, partSize: 1 << 20)
        let mib: Int64 = 1 << 20
        #expect(BatchContext.partsInFlight(settings: settings, partSize: mib) == 16, "no cap: every request slot")
        settings.bandwidth = 1 << 20
        #expect(BatchContext.partsInFlight(settings: settings, partSize: mib) == 3)
        settings.bandwidth = 100 << 10
        #expect(BatchContext.partsInFlight(settings: settings, partSize: mib) == 1, "at least one")
        settings.bandwidth = 1 << 30
        #expect(BatchContext.partsInFlight(settings: settings, partSize: mib) == 16, "at most concurrency")
        // Bounded before it becomes an integer: a fit past Int.max trapped.
        settings.bandwidth = .max
        #expect(BatchContext.partsInFlight(settings: settings, partSize: 1) == 16)
    }

    /// A file whose plan enlarged its parts (10,000 of the manifest's size would not hold it) is counted by its
    /// own parts: by the manifest's 100 KiB, 16 parts of 1 MiB went at once under a 1 MB/s cap where 2 fit, and
    /// a stop kept nothing of what they had sent (review of b827939).
    @Test func aFileWithLargerPartsThanTheManifestsIsCountedByItsOwn() {
        var settings = UploadSettings(concurrency: 16, partSize: 100 << 10)
        settings.bandwidth = 1_000_000
        #expect(BatchContext.partsInFlight(settings: settings, partSize: settings.partSize) == 16)
        #expect(BatchContext.partsInFlight(settings: settings, partSize: 1 << 20) == 2)
    }
}
