import ArgumentParser
import Foundation
import OSSBatch

/// `--shard` of `plan` and `run`: upload one shard of the batch.
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Plan or upload only shard K of N (K from 0), or 'auto'/'auto/N' to read K (and N) from a Kubernetes Indexed Job, a Slurm array or an AWS Batch array job.",
            valueName: "K/N"
        )
    )
    var shard: String?

    func validate() throws { _ = try resolve() }

    /// The shard named, read from the environment for `auto`; `nil` without `--shard`.
    func resolve() throws -> Shard? {
        guard let shard else { return nil }
        do {
            return try Shard.parse(shard, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
