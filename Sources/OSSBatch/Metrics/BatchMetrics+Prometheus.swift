import Prometheus

extension BatchMetrics {
    /// The metrics in the Prometheus text exposition format, as swift-prometheus writes it: gauges named
    /// `ossbatch_…`, each labelled `batch` (and `shard`, for a shard's run), files and bytes also `status`.
    package func prometheusText() -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        let batch = [("batch", self.batch)] + (shard.map { [("shard", $0)] } ?? [])
        func gauge(_ name: String, unit: String = "", _ help: String, _ value: Double, labels: [(String, String)] = [])
        {
            let descriptor = MetricNameDescriptor(
                namespace: "ossbatch",
                metricName: name,
                unitName: unit,
                helpText: help
            )
            registry.makeGauge(descriptor: descriptor, labels: batch + labels).set(to: value)
        }
        gauge(
            "run_in_progress",
            "1 while a run or resume of the batch is going on, 0 once it ended.",
            inProgress ? 1 : 0
        )
        gauge(
            "last_run_start_timestamp",
            unit: "seconds",
            "When the latest run or resume started (Unix time).",
            startedAt.timeIntervalSince1970
        )
        if let endedAt {
            gauge(
                "last_run_end_timestamp",
                unit: "seconds",
                "When the latest run or resume ended (Unix time).",
                endedAt.timeIntervalSince1970
            )
        }
        if let exitCode { gauge("last_run_exit_code", "Exit code of the latest run or resume.", Double(exitCode)) }
        if let lastSuccess {
            gauge(
                "last_success_timestamp",
                unit: "seconds",
                "When a run or resume of the batch last ended with exit code 0 (Unix time).",
                lastSuccess.timeIntervalSince1970
            )
        }
        gauge(
            "last_run_duration",
            unit: "seconds",
            "How long the latest run or resume took (so far, while it goes on).",
            durationSeconds
        )
        for status in Self.statuses {
            guard let count = files[status], let size = bytes[status] else { continue }
            let labels = [("status", status.rawValue)]
            gauge("files", "Files of the batch by status after the latest run.", Double(count), labels: labels)
            gauge("bytes", "Source bytes of the batch by status after the latest run.", Double(size), labels: labels)
        }
        gauge(
            "last_run_sent",
            unit: "bytes",
            "Request body bytes the latest run sent, retries included.",
            Double(bytesSent)
        )
        gauge("last_run_retries", "Requests the latest run sent again after a failed attempt.", Double(retries))
        if let incompleteSnapshots {
            gauge(
                "incomplete_snapshots",
                "Other reports of the batch whose dated snapshot stays incomplete (ossbatch status lists them): "
                    + "resume or abort them.",
                Double(incompleteSnapshots)
            )
        }
        return registry.emitToBuffer()
    }
}
