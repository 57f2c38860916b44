/// How large a state file ossbatch reads back may be. Files are input (a report may have been edited,
/// truncated, replaced): past these bounds one is refused with a clear error instead of being read into
/// memory, and a line that never ends cannot keep a reader going.
enum StateFileLimits {
    /// A report: 64 GiB is about 300 million jobs at 213 bytes a line (a batch of 10,000,000 files writes
    /// 2.1 GB; the 1 GiB this was refused the report of a run it had let start). Reports and journals are
    /// read a line at a time, so the bound is on what a run could have written, not on memory: a plan that
    /// large would not fit in memory first.
    static let reportBytes: Int64 = 64 << 30
    /// A report's first line holds its tables (directories, options); a job line is far shorter.
    static let reportLineBytes = 256 << 20
    /// A report that is not laid out a job a line (reformatted by a tool) is decoded whole.
    static let wholeReportBytes: Int64 = 256 << 20
    /// A journal, and one of its lines (a longer line is skipped with a warning, like a torn one). A run's
    /// journal holds a line per job done since its report was last written: 1.3 GB for 10,000,000 jobs.
    static let journalBytes: Int64 = 64 << 30
    static let journalLineBytes = 4 << 20
    /// A checkpoint: 10,000 parts at about 150 bytes each, with room to spare.
    static let checkpointBytes: Int64 = 16 << 20
}
