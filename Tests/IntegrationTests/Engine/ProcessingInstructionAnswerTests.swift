import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// An answer holding a processing instruction without data (`<?x?>`) — from a proxy, a broken server — made
/// Foundation's XML parser read through a NULL pointer: the run died (SIGSEGV) with its report `running`.
/// Found by `fuzz-request` in LocalOSS's reading of a CompleteMultipartUpload body, the parser ossbatch uses
/// for every answer.
@Suite struct ProcessingInstructionAnswerTests {
    @Test func answersWithAProcessingInstructionFailTheirJobsAndTheRunEndsWithItsReport() async throws {
        let h = try await EngineHarness.start("pi-answer")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 600_000, seed: 4)
        try h.writeFile("small.txt", size: 100, seed: 5)
        try h.writeFile("fine.txt", size: 100, seed: 6)
        let initiated = "<?x?><InitiateMultipartUploadResult><UploadId>U</UploadId></InitiateMultipartUploadResult>"
        let refused = "<?x?><Error><Code>InternalError</Code></Error>"
        h.server.faults.add(
            FaultRule(operation: .initiateMultipartUpload, count: nil, action: .respond(status: 200, body: initiated))
        )
        h.server.faults.add(
            FaultRule(
                operation: .putObject,
                keyContains: "small",
                count: nil,
                action: .respond(status: 500, body: refused)
            )
        )
        let manifest = try h.writeManifest(upload: [
            "part_size: 128KiB", "multipart_threshold: 256KiB",
            "retries: {attempts: 2, base_delay: 10ms, max_delay: 20ms}",
        ])
        let result = await (try h.start(["run", manifest, "--report", h.reportPath])).wait(timeout: .seconds(120))
        #expect(!result.signaled && result.exitCode == 1, "exit \(result.exitCode)\n\(result.stderr)")
        let report = try h.report()
        #expect(report.status == .failed)
        let jobs = Dictionary(uniqueKeysWithValues: report.jobs.map { ($0.spec.key, $0.outcome) })
        #expect(jobs["data/big.bin"]?.error?.code == "InvalidResponse", "\(String(describing: jobs["data/big.bin"]))")
        // Not an error document, so the status speaks: 500 (retried, then failed).
        #expect(jobs["data/small.txt"]?.error?.httpStatus == 500, "\(String(describing: jobs["data/small.txt"]))")
        #expect(jobs["data/fine.txt"]?.status == .succeeded)
    }
}
