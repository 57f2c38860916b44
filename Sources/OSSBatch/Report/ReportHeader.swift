/// Everything of an `ossbatch-report/2` file but its job lines: the first line of the file, up to
/// `"jobs":[`. The `directories` and `options` tables are what the job lines refer to by index.
struct ReportHeader: Codable {
    var format: String
    var status: RunStatus
    var planID: String
    var manifest: String
    var target: Target
    var upload: UploadSettings
    var credentials: CredentialsSource?
    var allowEmpty: Bool
    var shard: ShardInfo?
    var keyResolution: KeyResolution?
    var createdAt: String
    var updatedAt: String
    var totals: ReportTotals
    var fatalError: JobError?
    var runs: [RunRecord]
    var directories: [DirectoryRecord]
    var options: [ObjectOptionsRecord]

    private enum CodingKeys: String, CodingKey {
        case format, status
        case planID = "plan_id"
        case manifest, target, upload, credentials
        case allowEmpty = "allow_empty"
        case shard
        case keyResolution = "key_resolution"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case totals
        case fatalError = "fatal_error"
        case runs, directories, options
    }

    init(_ report: Report, tables: JobTables) {
        format = Report.currentFormat
        status = report.status
        planID = report.planID
        manifest = report.manifest
        target = report.target
        upload = report.upload
        credentials = report.credentials
        allowEmpty = report.allowEmpty
        shard = report.shard
        keyResolution = report.keyResolution
        createdAt = report.createdAt
        updatedAt = report.updatedAt
        totals = report.totals
        fatalError = report.fatalError
        runs = report.runs
        directories = tables.directories
        options = tables.options.map(ObjectOptionsRecord.init)
    }

    var tables: JobTables { JobTables(directories: directories, options: options.map(\.options)) }

    /// The report with `jobs`.
    func report(jobs: [ReportJob]) -> Report {
        Report(
            status: status,
            planID: planID,
            manifest: manifest,
            target: target,
            upload: upload,
            credentials: credentials,
            allowEmpty: allowEmpty,
            shard: shard,
            keyResolution: keyResolution,
            createdAt: createdAt,
            updatedAt: updatedAt,
            fatalError: fatalError,
            runs: runs,
            jobs: jobs
        )
    }
}
