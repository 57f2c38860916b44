import Foundation
import OSSBatch
import Testing

/// Placeholders through the planner: resolved once per plan, in the manifest's time zone, errors at their
/// line and column, warnings for likely mistakes, and a plan ID that depends on the resolved keys only.
@Suite struct PlannerPlaceholderTests {
    static func values(_ time: String, environment: [String: String] = [:]) -> PlaceholderValues {
        let formatter = ISO8601DateFormatter()
        return PlaceholderValues(now: formatter.date(from: time)!, hostname: "web01", environment: environment)
    }

    private func plan(
        _ fixture: ManifestFixture,
        at time: String,
        environment: [String: String] = [:]
    ) throws(ManifestError) -> Plan {
        try Planner.plan(manifestAt: fixture.manifestPath, placeholders: Self.values(time, environment: environment))
    }

    private func diagnostics(_ fixture: ManifestFixture, environment: [String: String] = [:]) -> [Diagnostic] {
        do {
            _ = try plan(fixture, at: "2026-12-02T03:00:00Z", environment: environment)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func keysHoldTheResolvedValuesAndThePlanSaysHow() throws {
        let fixture = try ManifestFixture(
            ManifestFixture.target + """
                timezone: Asia/Shanghai
                files:
                  - source: data/
                    key_prefix: "{name}/{hostname}/{date:%Y/%m/%d}/{env:ROLE}/"
                  - source: data/a.txt
                    key: "single/{time:%H%M}.txt"

                """
        )
        defer { fixture.remove() }
        let plan = try plan(fixture, at: "2026-12-02T20:30:00Z", environment: ["ROLE": "db"])
        // 20:30 UTC is 04:30 on 3 December in Shanghai.
        #expect(
            plan.jobs.map(\.key) == [
                "manifest/web01/2026/12/03/db/a.txt", "manifest/web01/2026/12/03/db/b.txt", "single/0430.txt",
            ]
        )
        #expect(plan.name == "manifest")
        #expect(plan.keyResolution?.time == "2026-12-02T20:30:00.000Z")
        #expect(plan.keyResolution?.timeZone == "Asia/Shanghai")
        #expect(plan.keyResolution?.fields.map(\.path) == ["files[0].key_prefix", "files[1].key"])
        #expect(plan.keyResolution?.fields.last?.resolved == "single/0430.txt")
        #expect(plan.warnings.isEmpty)
        #expect(PlanSummary(plan).text.contains("  files[1].key: single/{time:%H%M}.txt → single/0430.txt\n"))
    }

    @Test func withoutPlaceholdersThePlanRecordsNoResolution() throws {
        let fixture = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n    key_prefix: d/\n")
        defer { fixture.remove() }
        let plan = try plan(fixture, at: "2026-12-02T03:00:00Z")
        #expect(plan.keyResolution == nil)
        #expect(!PlanSummary(plan).text.contains("Keys"))
    }

    /// Under `unchanged: copy` the text plan says the bytes it counts may be copied on the server rather than
    /// sent (the run decides each file): without it, a dated night's plan showed every byte going over the wire
    /// and the run sent none (review of 572eea5). Other policies say nothing of copies.
    @Test func aPlanUnderUnchangedCopySaysItsBytesMayBeCopiedNotSent() throws {
        let manifest = { (policy: String) in
            ManifestFixture.target
                + "upload:\n  unchanged: \(policy)\nfiles:\n  - source: data/\n    key_prefix: \"{date}/\"\n"
        }
        let copy = try ManifestFixture(manifest("copy"))
        defer { copy.remove() }
        #expect(PlanSummary(try plan(copy, at: "2026-12-02T01:00:00Z")).text.contains("copied on the server"))
        let skip = try ManifestFixture(manifest("skip"))
        defer { skip.remove() }
        #expect(!PlanSummary(try plan(skip, at: "2026-12-02T01:00:00Z")).text.contains("copied on the server"))
    }

    @Test func thePlanIDDependsOnTheResolvedKeysNotOnTheMoment() throws {
        let fixture = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    key_prefix: \"{date}/\"\n"
        )
        defer { fixture.remove() }
        let morning = try plan(fixture, at: "2026-12-02T01:00:00Z")
        let evening = try plan(fixture, at: "2026-12-02T23:00:00Z")
        let nextDay = try plan(fixture, at: "2026-12-03T01:00:00Z")
        #expect(morning.planID == evening.planID)
        #expect(morning.jobs.map(\.key) == evening.jobs.map(\.key))
        #expect(nextDay.planID != morning.planID)
        #expect(nextDay.jobs.map(\.key) == ["2026-12-03/a.txt", "2026-12-03/b.txt"])
    }

    @Test func nameIsTheFieldElseTheFileName() throws {
        let named = try ManifestFixture(
            ManifestFixture.target + "name: web-logs.v2\nfiles:\n  - source: data/\n    key_prefix: \"{name}/\"\n"
        )
        defer { named.remove() }
        #expect(try plan(named, at: "2026-12-02T03:00:00Z").jobs.first?.key == "web-logs.v2/a.txt")
        #expect(try plan(named, at: "2026-12-02T03:00:00Z").name == "web-logs.v2")
    }

    @Test func anUnsetVariableIsAnErrorAtItsLineAndColumn() throws {
        let fixture = try ManifestFixture(
            ManifestFixture.target + """
                files:
                  - source: data/
                    key_prefix: "{env:BACKUP_ROLE}/"
                  - source: missing/

                """
        )
        defer { fixture.remove() }
        let found = diagnostics(fixture)
        #expect(positions(found) == [at(8, 17), at(9, 13)])
        #expect(found.first?.message == "{env:BACKUP_ROLE}: the environment variable BACKUP_ROLE is not set")
        #expect(diagnostics(fixture, environment: ["BACKUP_ROLE": "db"]).map(\.line) == [9])
    }

    @Test func badTemplatesNamesAndZonesAreManifestErrors() throws {
        let fixture = try ManifestFixture(
            ManifestFixture.target + """
                name: -bad name
                timezone: Mars/Olympus
                files:
                  - source: data/
                    key_prefix: "{date:%Q}/"
                  - source: data/a.txt
                    key: "x/{oops}"
                  - source: data/b.txt
                    key: {date}

                """
        )
        defer { fixture.remove() }
        let found = diagnostics(fixture)
        #expect(positions(found) == [at(6, 7), at(7, 11), at(10, 17), at(12, 10), at(14, 10)])
        #expect(found[0].message.hasPrefix("'name' must be 1–100 letters, digits"))
        #expect(found[1].message.hasPrefix("'Mars/Olympus' is not a time zone"))
        #expect(found[2].message.hasPrefix("'%Q' in the time format '%Q' is not supported"))
        #expect(found[3].message.hasPrefix("'{oops}' in 'x/{oops}' is not a placeholder"))
        #expect(found[4].message.contains("quote it"))
    }

    /// `status` would show a batch named so, run without `--shard`, as shard 1 of 2 of batch `web`.
    @Test func aNameThatReadsAsAShardsStateDirectoryIsAManifestError() throws {
        let fixture = try ManifestFixture(
            ManifestFixture.target + """
                name: "web.shard-1-of-2"
                files:
                  - source: data/

                """
        )
        defer { fixture.remove() }
        let found = diagnostics(fixture)
        #expect(positions(found) == [at(6, 7)])
        #expect(found.first?.message.hasPrefix("'name' must not end in '.shard-1-of-2'") == true, "\(found)")
    }

    @Test func aFileNameThatReadsAsAShardsStateDirectoryIsAManifestErrorWithoutName() throws {
        // Without `name:` the batch is named after the file: `web.shard-1-of-2.yaml` would read as shard 1 of
        // batch `web` in `status`, as the same `name:` would.
        let fixture = try ManifestFixture(
            ManifestFixture.target + """
                files:
                  - source: data/

                """
        )
        defer { fixture.remove() }
        let renamed = fixture.path("web.shard-1-of-2.yaml")
        try FileManager.default.moveItem(atPath: fixture.manifestPath, toPath: renamed)
        do {
            _ = try Planner.plan(manifestAt: renamed)
            Issue.record("planned")
        } catch {
            #expect(positions(error.diagnostics) == [at(1, 1)])
            #expect(error.diagnostics.first?.message.contains("the file name makes the batch name") == true)
        }
        // With a `name:` of its own, the file may be called anything.
        try (ManifestFixture.target + "name: web\nfiles:\n  - source: data/\n").write(
            toFile: renamed,
            atomically: true,
            encoding: .utf8
        )
        #expect(throws: Never.self) { try Planner.plan(manifestAt: renamed) }
    }

    @Test func aGluedKeyPrefixAndALiteralDollarBraceAreWarnings() throws {
        let fixture = try ManifestFixture(
            ManifestFixture.target + """
                files:
                  - source: data/a.txt
                    key_prefix: web01
                  - source: data/b.txt
                    key_prefix: backup-
                  - glob: "data/*.txt"
                    key_prefix: "cost${{x}}/"

                """
        )
        defer { fixture.remove() }
        let plan = try plan(fixture, at: "2026-12-02T03:00:00Z")
        #expect(plan.jobs.map(\.key).contains("web01a.txt"))
        #expect(plan.warnings.map(\.severity) == [.warning, .warning])
        #expect(positions(plan.warnings) == [at(8, 17), at(12, 17)])
        #expect(
            plan.warnings[0].description.hasSuffix(
                ":8:17: warning: key_prefix 'web01' does not end with '/', so it runs into every path after it "
                    + "('web01' + 'etc/x' gives 'web01etc/x'); end it with '/' for a folder"
            )
        )
        #expect(plan.warnings[1].message.hasPrefix("'key_prefix' holds a literal '${' ('cost${x}/')"))
    }
}
