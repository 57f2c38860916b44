import ArgumentParser

/// `--metrics-file PATH` of `run` and `resume`.
struct MetricsOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write Prometheus metrics of the run to this file (for node_exporter's textfile collector), at the end and every progress interval.",
            valueName: "path"
        )
    )
    var metricsFile: String?
}
