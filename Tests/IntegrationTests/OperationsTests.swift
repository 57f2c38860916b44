import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// docs/operations.md without systemd: the committed unit's command lines, with what systemd fills in
/// (`%i`, `%S`, `$STATE_DIRECTORY`, `$CREDENTIALS_DIRECTORY`, the environment file), run night after night
/// against LocalOSS — as root, in a mount namespace where, as under `ProtectSystem=strict`, only the unit's
/// `StateDirectory=` entries are writable; the cron line likewise; and the units checked by
/// `systemd-analyze verify` where it exists.
@Suite(.serialized)
struct OperationsTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let instance = "nightly-backup"

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The `Key=value` lines of a unit file, in order (comments and section headers dropped).
    static func directives(_ unit: String) -> [(key: String, value: String)] {
        unit.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    /// A machine laid out as operations.md says, under a temporary directory that stands for `/`.
    final class Machine {
        let h: EngineHarness
        let root: TemporaryDirectory
        let unit: [(key: String, value: String)]

        init(_ h: EngineHarness) throws {
            self.h = h
            root = try TemporaryDirectory("machine")
            unit = OperationsTests.directives(try OperationsTests.read("deploy/systemd/ossbatch@.service"))
            try root.write("data/etc/hosts", "127.0.0.1 localhost\n")
            try root.write("data/etc/shadow", "root:*:20000::::::\n")
            try root.write("data/etc/nginx/nginx.conf", "events {}\n")
            try root.write("data/backups/db.sql.gz", "dump")
            try installManifest()
            // operations.md § Credentials: an INI file only root can read.
            let credentials = try root.write(
                "etc/ossbatch/\(OperationsTests.instance).credentials",
                "[default]\naccess_key_id = \(h.accessKeyID)\naccess_key_secret = \(h.secret)\n"
            )
            chmod(credentials.path, 0o600)
        }

        func remove() { root.remove() }

        /// operations.md § The manifest: the template, its target and sources changed (here: LocalOSS and
        /// a tree in the temporary directory).
        private func installManifest() throws {
            var text = try OperationsTests.read("manifests/templates/nightly-backup.yaml")
            let edits = [
                "  endpoint: https://oss-cn-hangzhou-internal.aliyuncs.com\n":
                    "  endpoint: \(h.endpoint)\n  region: local\n",
                "  bucket: examplebucket\n": "  bucket: \(h.bucket)\n",
                "  - source: /etc/\n": "  - source: \(root.path)/data/etc/\n",
                "  - source: /var/backups/ ": "  - source: \(root.path)/data/backups/ ",
            ]
            for (line, replacement) in edits {
                #expect(text.contains(line), "the template changed: no line \(line)")
                text = text.replacingOccurrences(of: line, with: replacement)
            }
            try root.write("etc/ossbatch/\(OperationsTests.instance).yaml", text)
        }

        /// `%S`: systemd's root of state directories (`/var/lib`), under the temporary root.
        var stateRoot: String { root.path + "/var/lib" }
        /// The unit's `StateDirectory=` entries, relative to `stateRoot`.
        var stateDirectories: [String] {
            value("StateDirectory").split(separator: " ").map {
                $0.replacingOccurrences(of: "%i", with: OperationsTests.instance)
            }
        }
        /// The batch's own state directory (the entry named for the instance), where its report goes.
        var stateDirectory: String {
            stateRoot + "/" + (stateDirectories.last { $0.hasSuffix(OperationsTests.instance) } ?? "")
        }
        /// `%i` and `%S` as systemd replaces them.
        func specifiers(_ text: String) -> String {
            text.replacingOccurrences(of: "%i", with: OperationsTests.instance).replacingOccurrences(
                of: "%S",
                with: stateRoot
            )
        }
        var credentialsDirectory: String { root.path + "/run/credentials/ossbatch@\(OperationsTests.instance).service" }

        func value(_ key: String) -> String { unit.last { $0.key == key }?.value ?? "" }
        func values(_ key: String) -> [String] { unit.filter { $0.key == key }.map(\.value) }

        /// A path of the installed system, inside the temporary root.
        func onMachine(_ path: String) -> String {
            path.hasPrefix("/usr/local/bin/ossbatch") ? Products.url("ossbatch").path : root.path + path
        }

        /// What systemd does before starting the unit: the state directory (0700), the credential copied
        /// from `LoadCredential=` (mode 0400), `Environment=` and then `EnvironmentFile=` read.
        func prepare(environmentFile: String?) throws -> [String: String] {
            for directory in stateDirectories.map({ stateRoot + "/" + $0 }) {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                chmod(directory, 0o700)
            }
            try? FileManager.default.removeItem(atPath: credentialsDirectory)
            try FileManager.default.createDirectory(atPath: credentialsDirectory, withIntermediateDirectories: true)
            for credential in values("LoadCredential") {
                let (name, source) = try #require(credential.split(separator: ":", maxSplits: 1).map(String.init).pair)
                let from = onMachine(source.replacingOccurrences(of: "%i", with: OperationsTests.instance))
                let to = credentialsDirectory + "/" + name
                try FileManager.default.copyItem(atPath: from, toPath: to)
                chmod(to, 0o400)
            }
            var environment: [String: String] = [
                "STATE_DIRECTORY": stateDirectories.map { stateRoot + "/" + $0 }.joined(separator: ":"),
                "CREDENTIALS_DIRECTORY": credentialsDirectory,
                // Root's default state directory, /var/lib/ossbatch, on this machine (the unit may say it too).
                StateDirectory.environmentVariable: stateRoot + "/ossbatch",
            ]
            for assignment in values("Environment") {
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                environment[String(parts[0])] = parts.count > 1 ? specifiers(String(parts[1])) : ""
            }
            let file = onMachine(
                String(value("EnvironmentFile").drop { $0 == "-" }).replacingOccurrences(
                    of: "%i",
                    with: OperationsTests.instance
                )
            )
            if let environmentFile {
                try environmentFile.write(toFile: file, atomically: true, encoding: .utf8)
            } else {
                try? FileManager.default.removeItem(atPath: file)
            }
            for line in (try? String(contentsOfFile: file, encoding: .utf8))?.split(separator: "\n") ?? [] {
                guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
                environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return environment
        }

        /// A command line of the unit as systemd runs it: `%i`, `${VAR}` within words and `$VAR` as words
        /// replaced, split at spaces (the unit's lines hold no quotes, so that is all systemd does).
        func command(_ line: String, environment: [String: String]) -> [String] {
            #expect(!line.contains("\"") && !line.contains("'"), "quotes in \(line)")
            var words: [String] = []
            for word in specifiers(line).split(separator: " ") {
                if word.hasPrefix("$"), !word.hasPrefix("${") {
                    words += (environment[String(word.dropFirst())] ?? "").split(separator: " ").map(String.init)
                    continue
                }
                var expanded = String(word)
                for (name, value) in environment {
                    expanded = expanded.replacingOccurrences(of: "${\(name)}", with: value)
                }
                words.append(expanded.hasPrefix("/etc/") ? onMachine(expanded) : expanded)
            }
            words[0] = onMachine(words[0])
            return words
        }

        /// `words` run as under `ProtectSystem=strict`, as far as the state directories go: in a mount namespace
        /// of their own where `%S` is read-only but for the unit's `StateDirectory=` entries. Only root may make
        /// one (CI runs as root); others run `words` as they are.
        func sandboxed(_ words: [String]) -> [String] {
            guard geteuid() == 0 else { return words }
            let script = """
                set -e
                root=$1; count=$2; shift 2
                mount --bind "$root" "$root"
                while [ "$count" -gt 0 ]; do mount --bind "$root/$1" "$root/$1"; shift; count=$((count - 1)); done
                mount -o remount,bind,ro "$root"
                exec "$@"
                """
            return [
                "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", stateRoot,
            ]
                + ["\(stateDirectories.count)"] + stateDirectories + words
        }

        /// One start of `ossbatch@nightly-backup.service` at `now`: ExecStartPre (its failure ignored, as its
        /// `-` says), then ExecStart. Returns both results.
        func start(
            at now: String,
            environmentFile: String? = nil
        ) async throws -> (pre: ProcessResult, main: ProcessResult) {
            let environment = try prepare(environmentFile: environmentFile)
            let pre = try #require(values("ExecStartPre").first)
            #expect(pre.hasPrefix("-"), "a resume that fails must not keep the night's run from starting")
            let main = value("ExecStart")
            // systemd hands the unit a clean environment: no OSS_* variables, so the credential must do.
            var processEnvironment: [String: String?] = [
                "OSSBATCH_NOW": now, "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
            ]
            for (k, v) in environment { processEnvironment[k] = v }
            func run(_ line: String) async throws -> ProcessResult {
                let words = sandboxed(command(line, environment: environment))
                return try await ProcessRunner.run(
                    URL(fileURLWithPath: words[0]),
                    Array(words.dropFirst()),
                    environment: processEnvironment
                )
            }
            return await (try run(String(pre.dropFirst())), try run(main))
        }
    }

    private func storedKeys(_ h: EngineHarness) async throws -> Set<String> {
        Set(try await h.makeClient().listObjectsV2(bucket: h.bucket, prefix: "").map(\.key))
    }

    static var hostname: String {
        ((try? String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theServiceIsAOneshotWithoutRestartAndWithPriorities() throws {
        let unit = Self.directives(try Self.read("deploy/systemd/ossbatch@.service"))
        let keys = Set(unit.map(\.key))
        #expect(unit.first { $0.key == "Type" }?.value == "oneshot")
        #expect(!keys.contains("Restart"))
        for key in ["Nice", "IOSchedulingClass", "LoadCredential", "StateDirectory", "ExecStartPre", "ExecStart"] {
            #expect(keys.contains(key), "\(key)")
        }
        #expect(
            unit.first { $0.key == "ExecStart" }?.value.contains("--credentials-file ${CREDENTIALS_DIRECTORY}/oss")
                == true
        )
        let timer = Self.directives(try Self.read("deploy/systemd/ossbatch@.timer"))
        #expect(timer.contains { $0.key == "OnCalendar" })
        #expect(timer.contains { $0 == ("Persistent", "true") })
        #expect(timer.contains { $0 == ("WantedBy", "timers.target") })
    }

    /// Night 1 fails one upload; night 2's ExecStartPre finishes it to night 1's keys, then night 2 runs with
    /// options from the environment file.
    @Test func theUnitRunsNightAfterNightAgainstLocalOSS() async throws {
        let h = try await EngineHarness.start("ops-unit")
        defer { Task { await h.stop() } }
        let machine = try Machine(h)
        defer { machine.remove() }
        let prefix1 = "nightly-backup/\(Self.hostname)/2026/12/02/"
        let prefix2 = "nightly-backup/\(Self.hostname)/2026/12/03/"

        // 18:30 UTC is 02:30 the next morning in the template's time zone (Asia/Shanghai).
        h.server.faults.add(.failNth(1, .putObject, keyContains: "nginx.conf", status: 503, code: .serviceUnavailable))
        let night1 = try await machine.start(
            at: "2026-12-01T18:30:00Z",
            environmentFile: "OSSBATCH_OPTIONS=--set upload.retries.attempts=1\n"
        )
        #expect(night1.pre.exitCode == 0, "no report yet, nothing to resume: \(night1.pre.stderr)")
        #expect(night1.main.exitCode == 1, "\(night1.main.stderr)")
        #expect(try await storedKeys(h) == [prefix1 + "etc/hosts", prefix1 + "var-backups/db.sql.gz"])
        let report = try ReportStore.load(machine.stateDirectory + "/report.json")
        #expect(report.upload.checkpointDir == machine.stateDirectory + "/checkpoints")
        #expect(report.upload.retry.attempts == 1)

        let night2 = try await machine.start(
            at: "2026-12-02T18:30:00Z",
            environmentFile: "OSSBATCH_OPTIONS=--set upload.concurrency=2\n"
        )
        #expect(night2.pre.exitCode == 0, "\(night2.pre.stderr)")
        #expect(night2.main.exitCode == 0, "\(night2.main.stderr)")
        #expect(night2.main.stdout.contains("succeeded: 3 succeeded"))
        #expect(
            try await storedKeys(h) == [
                prefix1 + "etc/hosts", prefix1 + "etc/nginx/nginx.conf", prefix1 + "var-backups/db.sql.gz",
                prefix2 + "etc/hosts", prefix2 + "etc/nginx/nginx.conf", prefix2 + "var-backups/db.sql.gz",
            ]
        )
        #expect(try ReportStore.load(machine.stateDirectory + "/report.json").upload.concurrency == 2)
        h.expectNoSecrets(in: [night1.main.stdout, night1.main.stderr, night2.main.stdout, night2.main.stderr])
    }

    /// OSS refuses every upload two nights running (an outage, credentials revoked): night 1's report is set
    /// aside by night 2 (whose own resume of it failed again). Night 3's ExecStartPre resumes both — its
    /// report.json (night 2) and the one set aside (night 1) — with no one acting, each to its own dated keys.
    @Test func theUnitFillsEveryNightAnOutageLeftWithoutAnyoneActing() async throws {
        let h = try await EngineHarness.start("ops-unit-outage")
        defer { Task { await h.stop() } }
        let machine = try Machine(h)
        defer { machine.remove() }
        let days = ["2026/12/02", "2026/12/03", "2026/12/04"]
        h.server.faults.add(
            FaultRule(operation: .putObject, count: nil, action: .fail(status: 403, code: .accessDenied))
        )
        let night1 = try await machine.start(at: "2026-12-01T18:30:00Z")
        #expect(night1.main.exitCode == 3, "\(night1.main.stderr)")
        let night2 = try await machine.start(at: "2026-12-02T18:30:00Z")
        #expect(night2.pre.exitCode == 3, "\(night2.pre.stderr)")
        #expect(night2.main.exitCode == 3, "\(night2.main.stderr)")
        #expect(night2.main.stderr.contains("snapshot stays incomplete"), "\(night2.main.stderr)")
        #expect(try await storedKeys(h).isEmpty)

        h.server.faults.removeAll()
        let night3 = try await machine.start(at: "2026-12-03T18:30:00Z")
        #expect(night3.pre.exitCode == 0, "\(night3.pre.stderr)")
        #expect(night3.main.exitCode == 0, "\(night3.main.stderr)")
        let files = ["etc/hosts", "etc/nginx/nginx.conf", "var-backups/db.sql.gz"]
        #expect(
            try await storedKeys(h)
                == Set(days.flatMap { day in files.map { "nightly-backup/\(Self.hostname)/\(day)/\($0)" } })
        )
        let status = try await ProcessRunner.run(
            Products.url("ossbatch"),
            ["status", "nightly-backup"],
            environment: [StateDirectory.environmentVariable: machine.stateRoot + "/ossbatch"]
        )
        #expect(status.exitCode == 0, "\(status.stdout)")
    }

    @Test func theCronLineRunsWithoutFlockAgainstLocalOSS() async throws {
        let h = try await EngineHarness.start("ops-cron")
        defer { Task { await h.stop() } }
        let machine = try Machine(h)
        defer { machine.remove() }
        let crontab = try Self.read("deploy/cron/ossbatch")
        let line = try #require(
            crontab.split(separator: "\n").last { !$0.hasPrefix("#") }
        )
        let fields = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: true)
        #expect(fields.count == 7)
        #expect(fields[5] == "root")
        var command = String(try #require(fields.last))
        #expect(!command.contains("flock"))
        #expect(!command.contains("%"), "cron turns % into a newline")
        for path in ["/var/lib/ossbatch", "/etc/ossbatch"] {
            command = command.replacingOccurrences(of: path, with: machine.root.path + path)
        }
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", command],
            environment: [
                "PATH": Products.buildDirectory.path + ":/usr/bin:/bin", "OSSBATCH_NOW": "2026-12-01T18:30:00Z",
                "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
                // The locks go to the state directory, which is root's /var/lib/ossbatch on a real machine.
                StateDirectory.environmentVariable: machine.root.path + "/var/lib/ossbatch",
            ]
        )
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "cron mails any output")
        #expect(try await storedKeys(h).count == 3)
        // The next night resumes the report first (a no-op), then runs.
        let again = try await ProcessRunner.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", command],
            environment: [
                "PATH": Products.buildDirectory.path + ":/usr/bin:/bin", "OSSBATCH_NOW": "2026-12-02T18:30:00Z",
                "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
                // The locks go to the state directory, which is root's /var/lib/ossbatch on a real machine.
                StateDirectory.environmentVariable: machine.root.path + "/var/lib/ossbatch",
            ]
        )
        #expect(again.exitCode == 0, "\(again.stderr)")
        // The line's exit code is the run's: the resume before it must have said nothing (an unknown batch,
        // exit 2, would say so, and cron would mail it).
        #expect(again.stdout.isEmpty && again.stderr.isEmpty, "\(again.stderr)")
        #expect(try await storedKeys(h).count == 6)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func systemdAnalyzeVerifiesTheUnits() async throws {
        let dir = try TemporaryDirectory("units")
        defer { dir.remove() }
        // verify checks that ExecStart's program exists: point it at the built binary.
        let service = try Self.read("deploy/systemd/ossbatch@.service")
            .replacingOccurrences(of: "/usr/local/bin/ossbatch", with: Products.url("ossbatch").path)
        let servicePath = try dir.write("ossbatch@\(Self.instance).service", service).path
        let timerPath = try dir.write(
            "ossbatch@\(Self.instance).timer",
            try Self.read("deploy/systemd/ossbatch@.timer")
        ).path
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/systemd-analyze"),
            ["verify", "--man=no", servicePath, timerPath]
        )
        #expect(result.exitCode == 0)
        #expect(result.stdout + result.stderr == "", "systemd-analyze verify found something")
        let calendar = Self.directives(try Self.read("deploy/systemd/ossbatch@.timer")).first { $0.key == "OnCalendar" }
        let next = try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/systemd-analyze"),
            ["calendar", try #require(calendar?.value)]
        )
        #expect(next.exitCode == 0, "\(next.stderr)")
    }

    /// Every file of the repository that operations.md names exists (a renamed unit or script breaks this).
    @Test func everyRepositoryPathInTheGuideExists() throws {
        let guide = try Self.read("docs/operations.md")
        let pattern = try Regex(#"(?:deploy|manifests|scripts|docs)/[A-Za-z0-9@._/-]*[A-Za-z0-9@_]"#)
        let paths = Set(guide.matches(of: pattern).map { String(guide[$0.range]) })
        #expect(paths.contains("deploy/systemd/ossbatch@.service"))
        #expect(paths.contains("manifests/templates/nightly-backup.yaml"))
        for path in paths {
            #expect(
                FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent(path).path),
                "\(path)"
            )
        }
    }
}

extension Array {
    /// The two elements of a two-element array.
    fileprivate var pair: (Element, Element)? { count == 2 ? (self[0], self[1]) : nil }
}
