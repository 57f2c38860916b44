import CurlHTTP

/// Runs `body` against a fresh test server and client, stopping both afterwards.
func withServer<T>(
    _ configuration: CurlHTTPConfiguration = CurlHTTPConfiguration(),
    _ body: (TestServer, CurlHTTPClient) async throws -> T
) async throws -> T {
    let server = try await TestServer.start()
    let client = CurlHTTPClient(configuration: configuration)
    defer { client.shutdown() }
    do {
        let result = try await body(server, client)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
