import Foundation

extension Report {
    /// The batch's name in logs and metrics (the `batch` label of `--metrics-file`): the manifest's file name
    /// without its extension (`nightly.yaml` → `nightly`). The one place that says so.
    package var batchName: String { Report.batchName(manifestPath: manifest) }

    /// The batch name of the manifest at `path`, for a run that has no report yet (an invalid manifest).
    package static func batchName(manifestPath path: String) -> String { BatchName.derived(fromManifestPath: path) }
}
