/// How a run ended, for the CLI.
public struct RunResult: Sendable {
    public var report: Report
    public var exitStatus: ExitStatus
}
