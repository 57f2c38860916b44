import Foundation
/// Human-readable sizes and durations for summaries and progress lines.
public enum ByteFormat {
    /// `0 B`, `512 B`, `1.5 KiB`, `3.2 GiB` (binary units).
    public static func human(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `0.4 s`, `26 s`, `3 m 05 s`, `2 h 10 m`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d m %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d m", s / 3600, (s % 3600) / 60)
    }
}
