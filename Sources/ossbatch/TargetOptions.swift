import ArgumentParser
import OSSBatch

/// `--endpoint`, `--bucket`, `--region`: replace the manifest's target values (shared by the commands
/// that read a manifest).
struct TargetOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Use this endpoint instead of target.endpoint (e.g. http://127.0.0.1:9000).",
            valueName: "url"
        )
    )
    var endpoint: String?

    @Option(help: ArgumentHelp("Use this bucket instead of target.bucket.", valueName: "name"))
    var bucket: String?

    @Option(help: ArgumentHelp("Use this region instead of target.region.", valueName: "region"))
    var region: String?

    var overrides: TargetOverrides { TargetOverrides(endpoint: endpoint, bucket: bucket, region: region) }

    /// Plans `manifest` with these overrides; an invalid manifest prints every diagnostic and exits 2. The
    /// plan's warnings go to stderr.
    func plan(_ manifest: String) throws -> Plan {
        let plan: Plan
        do {
            plan = try Planner.plan(manifestAt: manifest, overrides: overrides)
        } catch {
            throw Console.report(error)
        }
        Console.printWarnings(plan.warnings)
        return plan
    }
}
