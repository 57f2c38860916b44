/// What OSS answered to an upload callback.
package struct CallbackResult: Sendable, Codable, Hashable {
    /// 200 when the receiver answered, 203 when OSS reported CallbackFailed.
    package var status: Int
    /// The receiver's reply as OSS relayed it (or OSS's error message).
    package var body: String

    package init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    private enum CodingKeys: String, CodingKey { case status, body }
}
