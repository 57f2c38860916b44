import LocalFiles

extension BatchContext {
    /// How long a job waits for another process's hold on the index's write lock before it fails
    /// `IndexUnwritable` (SQLite's own patience is 5 s; another batch's resume writes its entries at once).
    static let buryPatience: Duration = .seconds(10)

    /// Before a request that may store an object under `job`'s key (a PutObject, a CopyObject, a Complete):
    /// the key's index entry, if it has one, is buried. The entry is this job's to replace at the next flush
    /// (about a second after its outcome), but a kill -9 before that flush left it standing over the object
    /// this request stored, and when another batch had written it (two manifests sharing a key), that batch's
    /// next night skipped its file as unchanged over this batch's bytes, exit 0, until this batch was resumed.
    ///
    /// Spared: an entry of another version of this very file (the night it changed), which can never match
    /// the file again, so never vouches for this upload; the flush replaces it.
    ///
    /// Another process holding the index's write lock is waited for without holding the connection (a wait
    /// inside SQLite held every other job's index access with it): tried again every 100 ms for
    /// `buryPatience`. An entry that cannot be buried then, or on a full disk, fails the job before its
    /// request, `IndexUnwritable`: uploaded, the object would sit under an entry that vouches for other bytes.
    /// `resume` tries again. Cancellation (a stop) ends the wait with `CancellationError`.
    func buryIndexEntry(before job: UploadJob) async throws {
        // A late index has no writer of this run's to leave a tombstone at its flush for a key without a row:
        // the burial leaves one then (review of fef0c54).
        let late = index == nil
        guard let index = index ?? indexMadeSince() else { return }
        let (source, identity) = (job.source, job.identity)
        let otherVersionOfThisFile = { (indexed: String, version: SourceIdentity) in
            indexed == source && version != identity
        }
        let deadline = ContinuousClock.now + Self.buryPatience
        while true {
            do {
                try index.buryAhead(key: job.key, report: report, evenWithoutRow: late, keeping: otherVersionOfThisFile)
                return
            } catch  where error.isBusy && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                throw JobError(
                    code: "IndexUnwritable",
                    message: "cannot take \(job.key) out of the upload index \(index.path) before replacing its "
                        + "object (\(error)): not uploaded, or the batch that indexed it could skip its file over "
                        + "these bytes; resume once the index can be written"
                )
            }
        }
    }

    /// The target's index made since this run started, for a run that started without one (under `unchanged:
    /// upload` none existed to take its keys out of): opened unchecked when its file is there (this run only
    /// buries entries in it), and kept. Without it, this run's uploads left the entries of the same keys that
    /// the batch which made it wrote standing, and that batch's next night skipped its files as unchanged over
    /// this batch's bytes, exit 0 (review of b7bf3fd). One that cannot be opened is given up with a warning, as
    /// at the start of a run (`BatchSession.openIndex(at:logger:checked:)`): the run goes on without it, and
    /// the index is condemned (`IndexCondemnation`) so that its entries of the keys this run replaces vouch for
    /// nothing: the next process to open it rebuilds it. So is one found at the start but not opened then.
    ///
    /// Looked for and opened under the lock, once: jobs asking at the same moment wait for the one open (each
    /// opening its own held descriptors beyond the run's budget, and the first result to come back, a failure
    /// too, was kept: review of fef0c54).
    func indexMadeSince() -> UploadIndex? {
        guard let indexPath else { return nil }
        return lateIndex.withLock { (late: inout LateIndex) -> UploadIndex? in
            guard case .notYet = late else { return late.index }
            guard (try? FileStatus.lstat(indexPath)) != nil else { return nil }
            if let index = BatchSession.openIndex(at: indexPath, logger: logger, checked: false) {
                late = .opened(index)
            } else {
                late = .givenUp(condemnIndex(at: indexPath))
            }
            return late.index
        }
    }

    /// Gives the index at `path` up for every batch (`IndexCondemnation`), holding the mark while this run goes
    /// on; if even that fails, says what the operator must do.
    private func condemnIndex(at path: String) -> IndexCondemnation.Hold? {
        do {
            let hold = try IndexCondemnation.condemn(indexAt: path, because: "a run uploaded over keys it may list")
            logger.warning(
                "the upload index \(path) is given up: this run uploads without it, so the first run that opens it after this one (and any other that gave it up) has ended rebuilds it",
                metadata: .event("index_condemned", ["path": .string(path)])
            )
            return hold
        } catch {
            let message =
                "cannot mark the upload index \(path) given up (\(error)): its entries of the keys this run uploads "
                + "may vouch for other bytes; delete it before another batch of this bucket runs"
            logger.error(
                "\(message)",
                metadata: .event("index_condemned", ["path": .string(path), "error": .string(error.description)])
            )
            return nil
        }
    }
}
