import OSSProtocol

extension JobOutcome {
    /// Whether the job's object was stored but its callback failed: `resume` uploads it again, whatever
    /// `if_exists` says, for its receiver to be called (failure-and-resume.md § Callbacks).
    var owesCallback: Bool { error?.code == OSSErrorCode.callbackFailed.rawValue }

    /// This outcome, carrying `earlier`'s callback failure when this one leaves the job `pending` (a run
    /// stopped before or while it sent the job again): without it, the next `resume` took the object it finds
    /// for done and never called the receiver (review of 572eea5).
    func keepingOwedCallback(of earlier: JobOutcome) -> JobOutcome {
        guard status == .pending, error == nil, earlier.owesCallback else { return self }
        var kept = self
        kept.error = earlier.error
        kept.callback = earlier.callback
        return kept
    }
}
