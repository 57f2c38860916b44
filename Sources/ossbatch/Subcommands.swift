import ArgumentParser

/// Every `ossbatch` subcommand, in help order; add new commands here.
enum Subcommands {
    static let all: [any ParsableCommand.Type] = [
        PlanCommand.self,
        RunCommand.self,
        ResumeCommand.self,
        AbortCommand.self,
        StatusCommand.self,
        UploadsCommand.self,
        ReportCommand.self,
        IndexCommand.self,
    ]
}
