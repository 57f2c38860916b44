import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// A server (or a proxy before it) whose paged listing never ends: it says "truncated, next page at M" and
/// ignores the marker it is sent. Before, the listing after every InitiateMultipartUpload (the sweep for
/// stray uploads) asked again without end — thousands of billable requests a second, until the run was
/// stopped as stalled, and every `resume` the same again.
@Suite struct EndlessListingTests {
    static let stuckPage = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>true</IsTruncated>\
        <NextKeyMarker>data/big.bin</NextKeyMarker><NextUploadIdMarker>X</NextUploadIdMarker>\
        <Upload><Key>data/big.bin</Key><UploadId>X</UploadId><Initiated>2026-12-05T00:00:00.000Z</Initiated></Upload>\
        </ListMultipartUploadsResult>
        """

    @Test func aListingWhoseNextPageNeverMovesStopsAtTheRepeatedMarkerAndTheUploadGoesOn() async throws {
        let h = try await EngineHarness.start("endless-listing")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 600_000, seed: 4)
        try h.writeFile("small.txt", size: 100, seed: 5)
        h.server.faults.add(
            FaultRule(operation: .listMultipartUploads, count: nil, action: .respond(status: 200, body: Self.stuckPage))
        )
        let manifest = try h.writeManifest(upload: ["part_size: 128KiB", "multipart_threshold: 256KiB"])
        let result = await (try h.start(["run", manifest, "--report", h.reportPath])).wait(timeout: .seconds(120))
        #expect(!result.signaled && result.exitCode == 0, "exit \(result.exitCode)\n\(result.stderr)")
        #expect(result.stderr.contains("a next-page marker it had sent before"), "\(result.stderr)")
        // The first page, then the one that repeats its marker: two requests for the sweep after the Initiate,
        // and two for the one owed sweep tried again before Complete — never more.
        let listings = h.server.log.all.filter { $0.operation == .listMultipartUploads }.count
        #expect(listings == 4, "\(listings) ListMultipartUploads requests")
        try h.expectAllStoredExactly()
    }
}
