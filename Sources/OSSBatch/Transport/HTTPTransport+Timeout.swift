import OSSProtocol

extension HTTPTransport {
    /// `send`, given up (and the transfer cancelled) after `seconds`: a metadata service that is not there must
    /// cost a second, not the transport's connect timeout.
    func send(_ request: HTTPRequest, timeout seconds: Double) async throws -> HTTPResponse {
        try await withThrowingTaskGroup(of: HTTPResponse?.self) { group in
            group.addTask { try await self.send(request) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw RequestTimeout(seconds: seconds)
            }
            return response
        }
    }
}
