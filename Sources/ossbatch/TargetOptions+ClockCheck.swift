import CurlHTTP
import Foundation
import OSSBatch

extension TargetOptions {
    /// What `run` resolves key placeholders from: as `plan` does, except that when keys hold `{date}` or
    /// `{time}` and `OSSBATCH_NOW` does not fix the moment, this machine's clock is first compared with OSS's
    /// (`ServerClockCheck`: one unsigned `HEAD` of the bucket), and OSS's time is taken when they differ by more
    /// than a minute. `offsetSeconds` is that correction (0 when none), for the report's default name.
    func checkedPlaceholders(
        for loaded: Manifest,
        console: Console
    ) async throws -> (values: PlaceholderValues, offsetSeconds: Int64) {
        var values = try placeholders(console: console)
        guard !values.isFixed, ServerClockCheck.isNeeded(for: loaded) else { return (values, 0) }
        let transport = CurlHTTPClient(configuration: .ossbatch)
        defer { transport.shutdown() }
        switch await ServerClockCheck.check(loaded, overrides: overrides, transport: transport) {
        case .agrees, nil:
            return (values, 0)
        case .corrected(let offset, let now):
            values.now = now
            let moment = Timestamp.iso8601(now)
            console.warning(
                "clock_skew",
                "this machine's clock is \(DurationText.format(Double(abs(offset)))) "
                    + "\(offset > 0 ? "behind" : "ahead of") OSS's (the Date of its answer): {date} and {time} "
                    + "stand for OSS's time, \(moment), so that tonight's keys are tonight's; set this machine's "
                    + "clock right (NTP)",
                ["offset_s": .number(Int(offset)), "time": .string(moment)]
            )
            return (values, offset)
        case .unchecked(let reason):
            console.warning(
                "clock_unchecked",
                "cannot compare this machine's clock with OSS's (\(reason)): {date} and {time} stand for this "
                    + "machine's time, \(Timestamp.iso8601(values.now))",
                ["reason": .string(reason)]
            )
            return (values, 0)
        }
    }
}
