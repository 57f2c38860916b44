/// The expanded batch: every job sorted by key, with totals. The same manifest over the same files
/// always gives the same plan (and the same `planID`).
package struct Plan: Sendable, Hashable {
    /// Absolute path of the manifest this plan came from.
    package var manifestPath: String
    package var target: Target
    package var upload: UploadSettings
    package var credentials: CredentialsSource?
    /// `allow_empty: true` in the manifest: zero jobs is not an error.
    package var allowEmpty: Bool
    /// Sorted by key, keys unique.
    package var jobs: JobList
    /// The batch name (`name:`, else the manifest's file name without its extension); empty in a plan
    /// rebuilt from a report.
    package var name: String
    /// How the placeholders in keys were resolved, or `nil` when no key has one. Keys in `jobs` are
    /// resolved already: a report, and so `resume`, holds the keys of the moment the plan was made.
    package var keyResolution: KeyResolution?
    /// Files found but not to be uploaded (unreadable, unchanged, or directories that could not be listed),
    /// sorted by key, each as its report line (`ReportJob`: `skipped` with its reason); no key is also a job's.
    package var skipped: [ReportJob]
    /// What each `files` entry selected and passed over, in manifest order.
    package var entries: [EntrySummary]
    /// Things the plan went on past (a skipped file, an entry selecting nothing, an exclude matching
    /// nothing) and what looks like a mistake but is allowed (a key prefix glued to the names after it, a
    /// literal `${`), in manifest order: `plan` and `run` print them.
    package var warnings: [Diagnostic]
    /// Which shard of the whole plan this is (`--shard`), or `nil` for a whole plan.
    package var shard: ShardInfo?

    package init(
        manifestPath: String,
        target: Target,
        upload: UploadSettings,
        credentials: CredentialsSource?,
        allowEmpty: Bool,
        jobs: JobList,
        name: String = "",
        keyResolution: KeyResolution? = nil,
        skipped: [ReportJob] = [],
        entries: [EntrySummary] = [],
        warnings: [Diagnostic] = [],
        shard: ShardInfo? = nil
    ) {
        self.manifestPath = manifestPath
        self.target = target
        self.upload = upload
        self.credentials = credentials
        self.allowEmpty = allowEmpty
        self.jobs = jobs
        self.name = name
        self.keyResolution = keyResolution
        self.skipped = skipped
        self.entries = entries
        self.warnings = warnings
        self.shard = shard
    }

    /// Every line of the plan in key order, as `plan --json` and a new report list them: the jobs to upload
    /// (`outcome` nil) and the skipped files with their outcome. Without skipped files, just the jobs.
    package var lines: PlanLines { PlanLines(jobs: jobs, skipped: skipped) }

    /// Whether the manifest selects no file at all, in any shard: no line here, and no entry found a file
    /// (a shard of a balanced split keeps the whole plan's entries; one split by directories counts the
    /// files it left to other shards).
    package var selectsNothing: Bool {
        jobs.isEmpty && skipped.isEmpty
            && entries.allSatisfy {
                $0.files + $0.otherShardFiles + $0.unreadableFiles + $0.unlistableDirectories
                    + $0.unnameableItems + $0.brokenLinks + $0.longKeyFiles == 0
            }
    }

    /// Files, bytes, single puts, multipart jobs and parts, counted in one pass over the jobs.
    package var totals: PlanTotals {
        var t = PlanTotals()
        // By position, not `for job in`: a copy of each job would retain and release its strings, and
        // touching 400,000 scattered objects cost 20 ms of a 200,000-file plan.
        for chunk in jobs.chunks {
            for i in chunk.indices {
                t.files += 1
                // Saturating, as a report's totals are: files sharing an inode through hard links may add up
                // past Int64 (172,000 links to one largest object), and `plan` trapped.
                t.bytes = t.bytes.saturatingAdd(chunk[i].identity.size)
                switch chunk[i].method {
                case .put: t.singlePuts += 1
                case .multipart(let parts):
                    t.multipartJobs += 1
                    t.parts += parts.partCount
                }
            }
        }
        for i in skipped.indices {
            // A stored field: through `skipReason`, a computed property, each line was copied out first.
            if skipped[i].recorded.reason == .unchanged {
                t.unchanged += 1
                t.unchangedBytes = t.unchangedBytes.saturatingAdd(skipped[i].spec.size)
            } else {
                t.skipped += 1
            }
        }
        return t
    }
}
