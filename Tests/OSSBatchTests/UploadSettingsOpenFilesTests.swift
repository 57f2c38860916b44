import OSSBatch
import Testing

@Suite struct UploadSettingsOpenFilesTests {
    private func settings(concurrency: Int, filesInFlight: Int) -> UploadSettings {
        UploadSettings(concurrency: concurrency, filesInFlight: filesInFlight)
    }

    @Test func settingsThatFitAreLeftAsTheyAre() {
        let s = settings(concurrency: 64, filesInFlight: 8)
        #expect(s.descriptorsNeeded == 64 + 128 + 8)
        #expect(s.fitted(toOpenFiles: 1024) == nil)
        #expect(s.fitted(toOpenFiles: 200) == nil)
    }

    @Test func settingsThatDoNotFitAreLoweredToFitExactlyOrBelow() throws {
        for (c, f, limit) in [(1024, 1024, 1024), (512, 512, 1024), (1024, 8, 1024), (300, 1024, 700), (64, 1024, 300)]
        {
            let s = settings(concurrency: c, filesInFlight: f)
            let fitted = try #require(s.fitted(toOpenFiles: limit), "\(c) \(f) \(limit)")
            #expect(fitted.descriptorsNeeded <= limit, "\(c) \(f) \(limit)")
            #expect(fitted.concurrency <= c && fitted.filesInFlight <= f && fitted.concurrency >= 1)
            // Nothing else changes.
            var back = fitted
            back.concurrency = c
            back.filesInFlight = f
            #expect(back == s)
        }
        let lowered = try #require(settings(concurrency: 1024, filesInFlight: 1024).fitted(toOpenFiles: 1024))
        #expect((lowered.concurrency, lowered.filesInFlight) == (320, 320))
    }

    @Test func aLimitBelowTheRunsOwnDescriptorsStillLeavesOneOfEach() throws {
        let fitted = try #require(settings(concurrency: 16, filesInFlight: 8).fitted(toOpenFiles: 40))
        #expect((fitted.concurrency, fitted.filesInFlight) == (1, 1))
    }
}
