import Foundation
import OSSBatch
import TestSupport
import Testing

/// Every manifest in manifests/ (the quick start and one per feature) plans successfully; the templates
/// for real machines plan once their sources are pointed at files here.
@Suite struct ShippedManifestsTests {
    static let manifestsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("manifests")

    static var all: [String] {
        let enumerator = FileManager.default.enumerator(atPath: manifestsDirectory.path)
        var found: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".yaml") && !relative.hasPrefix("example/") && !relative.hasPrefix("templates/") {
                found.append(relative)
            }
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

    /// The nightly backup template: valid as shipped; with its sources replaced (as `--set` in the systemd
    /// unit's options can) it plans keys under the batch name, the host and the date in its time zone.
    @Test func nightlyBackupTemplatePlansWithItsSourcesReplaced() throws {
        let dir = try TemporaryDirectory("template")
        defer { dir.remove() }
        try dir.write("etc/hosts", "127.0.0.1 localhost\n")
        try dir.write("etc/shadow", "root:*:1::::::\n")
        // The environment file operations.md offers instead of a credentials file.
        try dir.write("etc/ossbatch/nightly-backup.env", "OSS_ACCESS_KEY_SECRET=x\n")
        try dir.write("etc/ossbatch/nightly-backup.secrets", "OSS_ACCESS_KEY_SECRET=x\n")
        // Secrets a Debian host keeps in /etc that the first excludes let through (review of c56b4e6).
        for secret in [
            "etc/ssl/private/server.key", "etc/security/opasswd", "etc/ppp/chap-secrets",
            "etc/letsencrypt/live/example.org/privkey.pem", "etc/wireguard/wg0.conf", "etc/mysql/debian.cnf",
        ] {
            try dir.write(secret, "secret\n")
        }
        try dir.write("backups/db.sql.gz", "dump")
        let template = Self.manifestsDirectory.appendingPathComponent("templates/nightly-backup.yaml").path
        let moment = try #require(ISO8601DateFormatter().date(from: "2026-12-01T18:30:00Z"))
        let plan = try Planner.plan(
            manifestAt: template,
            settings: ManifestSetting.parse([
                "files[0].source=\(dir.path)/etc/", "files[1].source=\(dir.path)/backups/",
            ]),
            placeholders: PlaceholderValues(now: moment, hostname: "web01", environment: [:])
        )
        // 18:30 UTC is 02:30 the next day in Shanghai; the password file stays behind.
        #expect(
            plan.jobs.map(\.key) == [
                "nightly-backup/web01/2026/12/02/etc/hosts", "nightly-backup/web01/2026/12/02/var-backups/db.sql.gz",
            ]
        )
        #expect(plan.name == "nightly-backup")
        #expect(plan.target.endpoint == "https://oss-cn-hangzhou-internal.aliyuncs.com")
        #expect(plan.target.region == "cn-hangzhou")
        // The test tree has none of the secrets the excludes keep out: notes, not warnings.
        #expect(plan.warnings.filter { $0.severity != .note }.isEmpty, "\(plan.warnings)")

        // An empty /var/backups (a fresh install) is a warning, not a failed night.
        try FileManager.default.createDirectory(atPath: dir.path + "/empty", withIntermediateDirectories: true)
        let empty = try Planner.plan(
            manifestAt: template,
            settings: ManifestSetting.parse(["files[0].source=\(dir.path)/etc/", "files[1].source=\(dir.path)/empty/"]),
            placeholders: PlaceholderValues(now: moment, hostname: "web01", environment: [:])
        )
        #expect(empty.jobs.map(\.key) == ["nightly-backup/web01/2026/12/02/etc/hosts"])
    }
}
