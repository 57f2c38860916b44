import Foundation

/// The `--json` form of a plan, `ossbatch-plan/2`: the layout and job lines of a report (`JobLines`,
/// `JobRecord`) without outcomes — but for the files the plan skips, whose lines carry `status: skipped` and
/// the `reason` as the report's will — so that one `jq` filter reads a plan and a report alike.
///
/// Written a piece at a time: the job lines are encoded in batches, on every core, so a plan of 200,000
/// files never holds its whole text.
package struct PlanDocument {
    package static let format = "ossbatch-plan/2"

    private let plan: Plan

    package init(_ plan: Plan) { self.plan = plan }

    /// Everything but the jobs: the first line.
    private struct Header: Encodable {
        var format: String
        var planID: String
        var manifest: String
        var target: Target
        var upload: UploadSettings
        var credentials: CredentialsSource?
        var allowEmpty: Bool
        var shard: ShardInfo?
        var totals: Totals
        var directories: [DirectoryRecord]
        var options: [ObjectOptionsRecord]

        private enum CodingKeys: String, CodingKey {
            case format
            case planID = "plan_id"
            case manifest, target, upload, credentials
            case allowEmpty = "allow_empty"
            case shard, totals, directories, options
        }
    }

    private struct Totals: Encodable {
        var totals: PlanTotals
        /// A shard's plan only: the files its walks stat'ed, and those the manifest selects that other shards
        /// own (`shard_split: directories`; always 0 for `balanced`, whose shards look at every file).
        var walk: (examinedFiles: Int, otherShardFiles: Int)?

        private enum CodingKeys: String, CodingKey {
            case files, bytes
            case singlePuts = "single_puts"
            case multipartJobs = "multipart_jobs"
            case parts, skipped, unchanged
            case unchangedBytes = "unchanged_bytes"
            case examinedFiles = "examined_files"
            case otherShardFiles = "other_shard_files"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(totals.files, forKey: .files)
            try c.encode(totals.bytes, forKey: .bytes)
            try c.encode(totals.singlePuts, forKey: .singlePuts)
            try c.encode(totals.multipartJobs, forKey: .multipartJobs)
            try c.encode(totals.parts, forKey: .parts)
            // Every skipped line, as before `unchanged` existed; those the index vouches for also on their own.
            try c.encode(totals.skipped + totals.unchanged, forKey: .skipped)
            if totals.unchanged > 0 {
                try c.encode(totals.unchanged, forKey: .unchanged)
                try c.encode(totals.unchangedBytes, forKey: .unchangedBytes)
            }
            if let walk {
                try c.encode(walk.examinedFiles, forKey: .examinedFiles)
                try c.encode(walk.otherShardFiles, forKey: .otherShardFiles)
            }
        }
    }

    /// Writes the document, ending with a newline, as a sequence of pieces to `output`.
    package func write(to output: (Data) throws -> Void) throws {
        let lines = plan.lines
        let (tables, references) =
            plan.skipped.isEmpty ? JobTables.build(plan.jobs) : JobTables.build(lines.lazy.map(\.job))
        let header = Header(
            format: Self.format,
            planID: plan.planID,
            manifest: plan.manifestPath,
            target: plan.target,
            upload: plan.upload,
            credentials: plan.credentials,
            allowEmpty: plan.allowEmpty,
            shard: plan.shard,
            totals: Totals(
                totals: plan.totals,
                walk: plan.shard.map { _ in
                    plan.entries.reduce((0, 0)) { ($0.0 + $1.examinedFiles, $0.1 + $1.otherShardFiles) }
                }
            ),
            directories: tables.directories,
            options: tables.options.map(ObjectOptionsRecord.init)
        )
        // A skipped file's line says so (`status`, `reason`), as the report's line for it will.
        try JobLines.write(
            header: header,
            count: lines.count,
            record: { n in
                let line = lines[n]
                return JobRecord(
                    job: line.job,
                    reference: references[n],
                    outcome: line.skipped == nil ? nil : line.outcome
                )
            },
            to: { try output(Data($0)) }
        )
    }
}
