import Foundation
import OSSKit

/// After every InitiateMultipartUpload of a job (an upload's or a server-side copy's): an Initiate whose
/// answer was lost may still have started an upload that no checkpoint knows, which would stay open (and
/// billed) for ever. Retries cannot be counted on to reveal this — libcurl itself resends a request whose
/// reused connection closed before any answer, invisibly — so the key's open uploads are listed and the
/// strays among them aborted.
struct StraySweep {
    let context: BatchContext
    let job: UploadJob
    let tally: JobTally

    private var client: OSSClient { context.client }
    private var bucket: String { context.bucket }
    private var store: CheckpointStore { context.checkpoints }

    /// Lists the key's open uploads and aborts every other one that this Initiate's attempts could have
    /// started (`StrayUploads.initiateWindow`) or that the report's earlier runs can have left (a run killed
    /// while its Initiate was in flight), never one another batch's checkpoint holds. One request per
    /// Initiate. Returns warnings for the report (logged with the job's outcome), and whether the sweep is done:
    /// not when it was cut off by a stop or its listing failed (the checkpoint then says it is owed).
    func run(keeping uploadID: String, asked: Date, answered: Date) async -> (warnings: [String], done: Bool) {
        let key = job.key
        var warnings: [String] = []
        var done = true
        do {
            // Unwatched: a RAM policy may allow uploads but not ListMultipartUploads; that costs the check, not
            // the batch.
            let open = try await context.send(tally, watched: false) {
                try await client.listMultipartUploads(bucket: bucket, prefix: key)
            }
            let window = StrayUploads.initiateWindow(open, kept: uploadID, asked: asked, answered: answered)
            let keeping = store.uploadsHeldByOtherBatches(
                bucket: bucket,
                key: key,
                source: job.source,
                in: context.stateDirectory
            ).union([uploadID])
            let earlier = StrayUploads.onServerClock(context.earlierRunWindows, offset: client.clockOffset)
            for stray in StrayUploads.select(open, key: key, within: [window] + earlier, keeping: keeping) {
                do {
                    try await context.send(tally, watched: false) {
                        try await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: stray.uploadID)
                    }
                } catch let error as OSSError where error.code == .noSuchUpload {
                    continue
                }
                warnings.append(
                    "aborted upload \(stray.uploadID): an InitiateMultipartUpload whose answer was lost (or a killed "
                        + "run's) had started it"
                )
            }
        } catch let error as OSSError where error.isNotImplemented {
            // A server without ListMultipartUploads: the sweep is skipped for the rest of the run, said once.
            if context.stopCheckingStrayUploads() {
                warnings.append(
                    "the server cannot list multipart uploads (NotImplemented); uploads that a lost "
                        + "InitiateMultipartUpload answer may have started are not looked for in this run"
                )
            }
        } catch let error as OSSError where error.code == .accessDenied {
            context.stopCheckingStrayUploads()
            warnings.append(
                "cannot list multipart uploads (\(error)); uploads that a lost InitiateMultipartUpload answer "
                    + "may have started are not looked for in this run (grant oss:ListMultipartUploads, or "
                    + "check with ossutil)"
            )
        } catch let error where isCancellation(error) {
            // The batch stopped (a lost service, a signal while the requests were held): nothing was learnt, and
            // the job ends pending.
            done = false
        } catch {
            done = false
            warnings.append(
                "could not check for uploads that a lost InitiateMultipartUpload answer may have started: \(error)"
            )
        }
        return (warnings, done)
    }
}
