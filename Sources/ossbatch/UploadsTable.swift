import OSSBatch

/// `ossbatch uploads` as a table: one line per open upload.
struct UploadsTable {
    let result: OpenUploadsSweep.Result
    let parts: Bool
    let abort: Bool

    init(_ result: OpenUploadsSweep.Result, parts: Bool, abort: Bool) {
        self.result = result
        self.parts = parts
        self.abort = abort
    }

    var text: String {
        guard !result.uploads.isEmpty else { return "" }
        var header = ["KEY", "UPLOAD ID", "INITIATED (UTC)", "AGE"]
        if parts { header += ["PARTS", "BYTES"] }
        header.append(abort ? "ACTION" : "HELD")
        var rows = [header]
        for upload in result.uploads {
            var row = [
                upload.key, upload.uploadID, upload.initiated,
                upload.ageSeconds.map { DurationText.format(Double($0)) } ?? "?",
            ]
            if parts { row += [upload.parts.map(String.init) ?? "?", upload.bytes.map(ByteSize.format) ?? "?"] }
            row.append(abort ? Self.action(upload) : (upload.hold?.explanation ?? upload.error ?? "-"))
            rows.append(row)
        }
        return TextTable.render(rows)
    }

    static func action(_ upload: OpenUpload) -> String {
        switch upload.action {
        case .aborted?: return "aborted"
        case .alreadyGone?: return "already gone"
        case .left?: return "left: " + (upload.hold?.explanation ?? "held")
        case .failed?: return "failed: " + (upload.error ?? "?")
        case nil: return "-"
        }
    }
}
