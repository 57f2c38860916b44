import CCurl
import Foundation
import OSSProtocol
import Synchronization

/// The one thread that owns the multi handle and every easy handle. Other threads only touch the
/// `inbox` (under its mutex) and call `curl_multi_wakeup`, which libcurl documents as thread-safe.
final class CurlDriver: @unchecked Sendable {
    /// What other threads hand to the driver.
    private struct Inbox {
        var pending: [Transfer] = []
        var cancelled: [Transfer] = []
        var stopping = false
    }

    let meter: SendMeter
    private let configuration: CurlHTTPConfiguration
    private let inbox = Mutex(Inbox())
    /// Valid until the driver thread exits; `curl_multi_wakeup` is only called under `inbox`'s lock
    /// while `stopping` is false, and the driver cleans the handle up under that lock after setting it.
    private let multi: UnsafeMutableRawPointer

    // Driver-thread state.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [EasyHandle] = []
    private let idleLimit: Int

    init(configuration: CurlHTTPConfiguration) {
        CurlGlobal.ensureInitialised()
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
        self.configuration = configuration
        meter = SendMeter(bytesPerSecond: configuration.maxSendBytesPerSecond)
        idleLimit = max(1, min(configuration.maxConnections, 256))
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, configuration.maxConnections))
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "curl-driver"
        thread.start()
    }

    /// Queues `transfer`; false when the client has shut down.
    func submit(_ transfer: Transfer) -> Bool {
        inbox.withLock { box in
            guard !box.stopping else { return false }
            box.pending.append(transfer)
            curl_multi_wakeup(multi)
            return true
        }
    }

    /// Asks the driver to abort `transfer` (from a task-cancellation handler, any thread).
    func cancel(_ transfer: Transfer) {
        transfer.cancelRequested.store(true, ordering: .sequentiallyConsistent)
        inbox.withLock { box in
            guard !box.stopping else { return }
            box.cancelled.append(transfer)
            curl_multi_wakeup(multi)
        }
    }

    func stop() {
        inbox.withLock { box in
            guard !box.stopping else { return }
            box.stopping = true
            curl_multi_wakeup(multi)
        }
    }

    // MARK: Driver thread

    private func run() {
        var running: Int32 = 0
        while true {
            let (pending, cancelled, stopping) = inbox.withLock { box in
                defer {
                    box.pending.removeAll()
                    box.cancelled.removeAll()
                }
                return (box.pending, box.cancelled, box.stopping)
            }
            if stopping {
                // Requests queued together with the stop were taken out of the inbox above: fail them here, or
                // their tasks would wait forever (shutDown only sees what is still in the inbox or active).
                for transfer in pending { transfer.resume(with: .failure(HTTPTransportError.cancelled)) }
                break
            }
            for transfer in pending { begin(transfer) }
            for transfer in cancelled { abort(transfer) }
            curl_multi_perform(multi, &running)
            collectFinished()
            resumePausedTransfers()
            let timeout = meter.paused.isEmpty ? 1000 : meter.resumeDelayMilliseconds
            curl_multi_poll(multi, nil, 0, Int32(timeout), nil)
        }
        shutDown()
    }

    private func begin(_ transfer: Transfer) {
        if transfer.cancelRequested.load(ordering: .sequentiallyConsistent) {
            transfer.resume(with: .failure(HTTPTransportError.cancelled))
            return
        }
        if let bad = transfer.request.headers.firstIndex(where: {
            Self.breaksLine($0.name) || Self.breaksLine($0.value)
        }) {
            // A CR or LF would inject header lines. The value may be a secret, so only the position and a
            // clean name are reported.
            let name = transfer.request.headers[bad].name
            let shown = Self.breaksLine(name) ? "#\(bad + 1)" : "#\(bad + 1) (\(name))"
            transfer.resume(
                with: .failure(
                    HTTPTransportError.unsendable("request header \(shown) contains a line break")
                )
            )
            return
        }
        guard let easy = idleHandles.popLast() ?? EasyHandle() else {
            transfer.resume(
                with: .failure(
                    HTTPTransportError.other(
                        code: Int(CURLE_OUT_OF_MEMORY.rawValue),
                        message: "curl_easy_init failed"
                    )
                )
            )
            return
        }
        easy.prepare(transfer, configuration: configuration)
        transfer.easy = easy
        // The table's strong reference keeps the transfer alive for curl's callbacks (see Transfer+Callbacks).
        active[easy.raw] = transfer
        let added = curl_multi_add_handle(multi, easy.raw)
        if added != CURLM_OK {
            let message = String(cString: curl_multi_strerror(added))
            end(transfer, with: .failure(HTTPTransportError.other(code: Int(added.rawValue), message: message)))
        }
    }

    private static func breaksLine(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0A || $0 == 0x0D }
    }

    private func abort(_ transfer: Transfer) {
        guard let easy = transfer.easy, active[easy.raw] === transfer else { return }
        end(transfer, with: .failure(HTTPTransportError.cancelled))
    }

    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            // The message is only valid until the handle is removed: read it completely first.
            guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle,
                let transfer = active[raw], let easy = transfer.easy
            else { continue }
            let code = ccurl_msg_result(message)
            if code == CURLE_OK {
                end(transfer, with: .success(transfer.response(status: easy.responseCode)))
            } else {
                let error = HTTPTransportError(
                    code: code,
                    detail: easy.errorText,
                    bodyReadFailure: transfer.bodyReadFailure,
                    connected: easy.connected,
                    responseLimit: transfer.responseTooLarge ? transfer.responseLimit : nil
                )
                end(transfer, with: .failure(error))
            }
        }
    }

    /// Detaches the transfer from curl, recycles its handle, then resumes the waiting task.
    private func end(_ transfer: Transfer, with result: Result<HTTPResponse, any Error>) {
        if let easy = transfer.easy {
            curl_multi_remove_handle(multi, easy.raw)
            active[easy.raw] = nil
            transfer.easy = nil
            easy.reset()
            if idleHandles.count < idleLimit { idleHandles.append(easy) }
        }
        if let list = transfer.headerList {
            curl_slist_free_all(list)
            transfer.headerList = nil
        }
        transfer.isPaused = false
        meter.forget(transfer)
        transfer.resume(with: result)
    }

    private func resumePausedTransfers() {
        for transfer in meter.takeTurn() where transfer.isPaused {
            transfer.isPaused = false
            guard let easy = transfer.easy else { continue }
            curl_easy_pause(easy.raw, CCURL_PAUSE_CONT)
        }
    }

    private func shutDown() {
        for transfer in Array(active.values) {
            end(transfer, with: .failure(HTTPTransportError.cancelled))
        }
        idleHandles.removeAll()
        let pending = inbox.withLock { box in
            // Under the lock no other thread can be inside curl_multi_wakeup (stopping is already set).
            curl_multi_cleanup(multi)
            defer {
                box.pending.removeAll()
                box.cancelled.removeAll()
            }
            return box.pending
        }
        for transfer in pending { transfer.resume(with: .failure(HTTPTransportError.cancelled)) }
    }
}
