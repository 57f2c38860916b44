import Foundation
import FuzzSupport
import OSSBatch

/// Fuzzes the manifest loader (bytes → YAML → validated `Manifest`, every diagnostic rendered) and, for a
/// manifest that loads and names only paths inside its own directory, the planner over a small tree beside it
/// (patterns, keys, options, the summary, `plan --json`, a new report). Any input must end in a manifest or in
/// diagnostics, never in a crash or a hang.
@main
struct ManifestFuzzer {
    static func main() {
        let sandbox = FuzzSandbox.shared
        for (name, contents) in tree { sandbox.write(Array(contents.utf8), to: name) }
        // A link back up, for `follow_symlinks: true` (its loop must be detected).
        _ = try? FileManager.default.createSymbolicLink(atPath: sandbox.path + "/data/up", withDestinationPath: "..")
        FuzzDriver.main { bytes in
            let path = sandbox.write(bytes, to: "manifest.yaml")
            let manifest: Manifest
            do throws(ManifestError) {
                manifest = try ManifestLoader.load(path: path)
            } catch {
                _ = error.rendered()
                return
            }
            guard manifest.files.allSatisfy(staysInside) else { return }
            let plan: Plan
            do throws(ManifestError) {
                plan = try Planner().plan(manifest)
            } catch {
                _ = error.rendered()
                return
            }
            _ = PlanSummary(plan).text
            var written = 0
            try? PlanDocument(plan).write { written += $0.count }
            _ = Report(plan: plan, planID: plan.planID)
        }
    }

    /// The files beside the manifest.
    static let tree = [
        "data/a.txt": "alpha\n", "data/b.log": "beta\n", "data/sub/c.csv": "1,2\n", "data/sub/deeper/d.json": "{}\n",
        "data/.hidden": "h\n", "exports/2026/e.csv": "3,4\n", "exports/2026/f.tmp": "", "exports/top.csv": "5\n",
    ]

    /// Whether the entry names a path inside the manifest's directory: the fuzzer must not walk the machine.
    static func staysInside(_ entry: FileEntry) -> Bool {
        let value: String
        switch entry.selector {
        case .source(let source): value = source.value
        case .glob(let glob): value = glob.value
        }
        return !value.hasPrefix("/") && !value.hasPrefix("~") && !value.split(separator: "/").contains("..")
    }
}
