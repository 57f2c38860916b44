import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs upload callbacks to a loopback receiver, as OSS does after storing an object.
struct CallbackSender: Sendable {
    let timeout: TimeInterval

    struct Reply: Sendable {
        var status: Int
        var contentType: String?
        var body: Data
    }

    enum Failure: Error {
        case notLoopback(String)
        case unreachable(String)
        case status(Int)
    }

    /// Sends `body` to the first URL of `urls`, refusing anything but loopback addresses.
    func send(urls: String, host: String?, body: String, contentType: String) async throws(Failure) -> Reply {
        let first = urls.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let withScheme = first.contains("://") ? first : "http://" + first
        guard let url = URL(string: withScheme), let h = url.host,
            h == "127.0.0.1" || h == "localhost" || h == "::1" || h == "[::1]"
        else {
            throw .notLoopback(first)
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if let host { request.setValue(host, forHTTPHeaderField: "Host") }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw .unreachable("\(error)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw .status(status) }
        return Reply(
            status: status,
            contentType: (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type"),
            body: data
        )
    }
}
