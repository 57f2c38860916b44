import Foundation
import OSSBatch
import Testing

/// Every manifest in manifests/ (the quick start and one per feature) plans successfully.
@Suite struct ShippedManifestsTests {
    static let manifestsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("manifests")

    static var all: [String] {
        let enumerator = FileManager.default.enumerator(atPath: manifestsDirectory.path)
        var found: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".yaml") && !relative.hasPrefix("example/") { found.append(relative) }
        }
        return found.sorted()
    }

    @Test func thereIsAnExampleAndFeatureManifests() {
        #expect(Self.all.contains("example.yaml"))
        #expect(Self.all.filter { $0.hasPrefix("features/") }.count >= 8)
    }

    @Test(arguments: all)
    func manifestPlans(relative: String) throws {
        let plan = try Planner.plan(manifestAt: Self.manifestsDirectory.appendingPathComponent(relative).path)
        #expect(plan.allowEmpty || !plan.jobs.isEmpty)
    }

    @Test func exampleCoversDirectorySingleFileGlobAndMultipart() throws {
        let plan = try Planner.plan(manifestAt: Self.manifestsDirectory.appendingPathComponent("example.yaml").path)
        #expect(
            plan.jobs.map(\.key) == [
                "data/2026-01.csv", "data/2026-02.csv", "docs/README.txt", "site/big/manual.txt",
                "site/css/style.css", "site/docs/guide/intro.md", "site/img/logo.svg", "site/index.html",
            ]
        )
        #expect(plan.totals.multipartJobs == 1)
        #expect(plan.totals.parts == 3)
        #expect(
            plan.target
                == Target(
                    endpoint: "http://127.0.0.1:9000",
                    region: "local",
                    bucket: "quickstart",
                    signature: .v4,
                    addressing: .path
                )
        )
    }
}
