import LocalFiles

/// The mark a run leaves beside an upload index it found but could not open (another process held it past
/// SQLite's patience, an I/O error, no memory): `<index>-condemned`. Such a run uploads without the index, so
/// it cannot take out the entries of the keys it replaces; left standing, another batch's entry of one of them
/// vouched for bytes no longer there, and that batch's next night skipped its file as unchanged, exit 0
/// (review of 572eea5). The next process that opens the index rebuilds it (one night uploads what it cannot
/// vouch for), and `plan` does not read it. A mark, not a lineage: a process still using the index records
/// its lineage when it is done, and would have written over a lineage that said "rebuild".
enum IndexCondemnation {
    /// The mark of the index file `file` (the index's resolved path).
    static func path(ofIndex file: String) -> String { file + "-condemned" }

    static func isCondemned(_ file: String) -> Bool { (try? FileStatus.lstat(path(ofIndex: file))) != nil }

    /// Marks the index at `indexPath` (as `UploadIndex.path` names it); `reason` is kept for whoever looks.
    static func condemn(indexAt indexPath: String, because reason: String) throws(StateFileError) {
        let mark = path(ofIndex: UploadIndex.resolvedFile(indexPath))
        try AtomicFile.write(Array("ossbatch could not open this index: \(reason)\n".utf8), to: mark)
    }
}
