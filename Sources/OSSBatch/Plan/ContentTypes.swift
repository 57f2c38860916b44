/// A built-in extension → MIME type table, so `content_type: auto` gives the same answer on every
/// machine (no dependence on /etc/mime.types).
package enum ContentTypes {
    package static let fallback = "application/octet-stream"

    static let byExtension: [String: String] = [
        "txt": "text/plain", "log": "text/plain", "md": "text/markdown", "csv": "text/csv",
        "tsv": "text/tab-separated-values",
        "html": "text/html", "htm": "text/html", "css": "text/css", "js": "text/javascript", "mjs": "text/javascript",
        "xml": "application/xml", "json": "application/json", "yaml": "application/yaml", "yml": "application/yaml",
        "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip", "tgz": "application/gzip",
        "tar": "application/x-tar", "bz2": "application/x-bzip2", "xz": "application/x-xz", "zst": "application/zstd",
        "7z": "application/x-7z-compressed", "wasm": "application/wasm", "parquet": "application/vnd.apache.parquet",
        "avro": "application/avro", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "svg": "image/svg+xml", "ico": "image/vnd.microsoft.icon", "bmp": "image/bmp", "tif": "image/tiff",
        "tiff": "image/tiff", "avif": "image/avif", "heic": "image/heic",
        "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "flac": "audio/flac", "m4a": "audio/mp4",
        "mp4": "video/mp4", "m4v": "video/mp4", "mov": "video/quicktime", "webm": "video/webm",
        "mkv": "video/x-matroska",
        "avi": "video/x-msvideo", "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
    ]

    /// The type for a file name by its (lower-cased) extension; `fallback` when unknown.
    /// A path works too: only the part after the last `/` counts.
    package static func guess(forFileName name: String) -> String {
        let utf8 = name.utf8
        let start = utf8.lastIndex(of: UInt8(ascii: "/")).map { utf8.index(after: $0) } ?? utf8.startIndex
        return guess(forExtension: fileExtension(ofName: name[start...]))
    }

    /// The type for an extension as `fileExtension(ofName:)` gives it.
    static func guess(forExtension fileExtension: Substring) -> String {
        guard !fileExtension.isEmpty else { return fallback }
        let key = String(fileExtension)
        return byExtension[key] ?? byExtension[key.lowercased()] ?? fallback
    }

    /// What follows the last `.` of a file name (no `/` in it), when that is a short extension (at most
    /// 8 bytes) and not a leading dot; otherwise empty.
    static func fileExtension(ofName name: Substring) -> Substring {
        // Byte-level search from the end: this runs once per file of a 200,000-file plan.
        let utf8 = name.utf8
        guard let dot = utf8.lastIndex(of: UInt8(ascii: ".")), dot != utf8.startIndex,
            utf8.distance(from: dot, to: utf8.endIndex) <= 9
        else { return "" }
        return name[utf8.index(after: dot)...]
    }
}
