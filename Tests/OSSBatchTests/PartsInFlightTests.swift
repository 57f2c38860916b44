import Testing

@testable import OSSBatch

/// How many parts of one file are in flight at once, with and without a bandwidth cap.
@Suite struct PartsInFlightTests {
    @Test func underABandwidthCapOneFileGetsWhatTheCapSendsInTheGracePeriod() {
        var settings = UploadSettings(concurrency: 16, partSize: 1 << 20)
        #expect(BatchContext.partsInFlight(settings: settings) == 16, "no cap: every request slot")
        settings.bandwidth = 1 << 20
        #expect(BatchContext.partsInFlight(settings: settings) == 3)
        settings.bandwidth = 100 << 10
        #expect(BatchContext.partsInFlight(settings: settings) == 1, "at least one")
        settings.bandwidth = 1 << 30
        #expect(BatchContext.partsInFlight(settings: settings) == 16, "at most concurrency")
        // Bounded before it becomes an integer: a fit past Int.max trapped.
        (settings.bandwidth, settings.partSize) = (.max, 1)
        #expect(BatchContext.partsInFlight(settings: settings) == 16)
    }
}
