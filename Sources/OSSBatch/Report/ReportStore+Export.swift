extension ReportStore {
    /// Writes `report` to `path` atomically (mode 0600) without a journal: a report made from others
    /// (`report merge`), not one a run keeps.
    package static func writeReport(_ report: Report, to path: String) throws(StateFileError) {
        try ReportFile.write(report, to: path)
    }

    /// Writes `report` as an `ossbatch-report/2` document, a piece at a time, to `output` (stdout).
    package static func encode(_ report: Report, to output: ([UInt8]) throws -> Void) throws {
        try ReportFile.encode(report, to: output)
    }
}
