/// How large a state file ossbatch reads back may be. Files are input (a report may have been edited,
/// truncated, replaced): past these bounds one is refused with a clear error instead of being read into
/// memory, and a line that never ends cannot keep a reader going.
enum StateFileLimits {
    /// A report: 1 GiB is about 4 million jobs at 250 bytes a line.
    static let reportBytes: Int64 = 1 << 30
    /// A report's first line holds its tables (directories, options); a job line is far shorter.
    static let reportLineBytes = 256 << 20
    /// A report that is not laid out a job a line (reformatted by a tool) is decoded whole.
    static let wholeReportBytes: Int64 = 256 << 20
    /// A journal, and one of its lines (a longer line is skipped with a warning, like a torn one).
    static let journalBytes: Int64 = 1 << 30
    static let journalLineBytes = 4 << 20
    /// A checkpoint: 10,000 parts at about 150 bytes each, with room to spare.
    static let checkpointBytes: Int64 = 16 << 20
}
