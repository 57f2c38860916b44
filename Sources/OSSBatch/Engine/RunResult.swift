/// How a run ended, for the CLI.
package struct RunResult: Sendable {
    package var report: Report
    package var exitStatus: ExitStatus
}
