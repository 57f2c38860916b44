/// One journal line of format 1 (`{"outcome":{…},"identity":{…},"method":{…}}`, the last two when the job
/// ran as another version of its file than planned), read into today's types.
///
/// The member names are the format-1 keys: they must not be renamed.
struct JournalEntryV1: Decodable {
    var outcome: ReportV1.Outcome
    var identity: ReportV1.Identity?
    var method: ReportV1.Method?

    /// The version the job ran as, when the line names one.
    func ranVersion() throws(FormatError) -> (identity: SourceIdentity, method: UploadMethod?)? {
        guard let identity else { return nil }
        let sourceIdentity = try identity.sourceIdentity()
        return (sourceIdentity, try method?.uploadMethod(size: sourceIdentity.size))
    }
}
