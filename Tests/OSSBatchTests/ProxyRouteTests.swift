import OSSBatch
import Testing

/// Which proxy libcurl uses for an endpoint, by curl's rules, and that no proxy password is ever said.
@Suite struct ProxyRouteTests {
    @Test func httpUsesOnlyTheLowerCaseVariableThenAllProxy() {
        #expect(ProxyRoute.to("http://oss.example", environment: ["HTTP_PROXY": "http://p:1"]) == nil)
        #expect(
            ProxyRoute.to("http://oss.example", environment: ["http_proxy": "http://p:1"])?.variable == "http_proxy"
        )
        #expect(
            ProxyRoute.to("http://oss.example", environment: ["ALL_PROXY": "socks5://s:2"])?.proxy == "socks5://s:2"
        )
    }

    @Test func httpsUsesEitherCaseThenAllProxy() {
        #expect(
            ProxyRoute.to("https://oss.example", environment: ["HTTPS_PROXY": "http://p:1"])?.variable == "HTTPS_PROXY"
        )
        #expect(ProxyRoute.to("https://oss.example", environment: ["http_proxy": "http://p:1"]) == nil)
        #expect(ProxyRoute.to("https://oss.example", environment: ["all_proxy": "http://p:1"])?.variable == "all_proxy")
    }

    @Test func noProxyLeavesOutItsHostsAndDomains() {
        let env = ["http_proxy": "http://p:1"]
        #expect(
            ProxyRoute.to("http://a.example.com", environment: env.merging(["NO_PROXY": "example.com"]) { $1 }) == nil
        )
        #expect(
            ProxyRoute.to("http://a.example.com", environment: env.merging(["no_proxy": ".example.com"]) { $1 }) == nil
        )
        #expect(ProxyRoute.to("http://a.example.com", environment: env.merging(["NO_PROXY": "*"]) { $1 }) == nil)
        #expect(
            ProxyRoute.to(
                "http://a.example.com",
                environment: env.merging(["NO_PROXY": "other.com, b.example.com"]) { $1 }
            ) != nil
        )
        #expect(
            ProxyRoute.to("http://notexample.com", environment: env.merging(["NO_PROXY": "example.com"]) { $1 }) != nil
        )
    }

    @Test func aProxyPasswordIsNeverSaid() {
        let route = ProxyRoute.to("http://oss.example", environment: ["http_proxy": "http://user:s3cr3t-pw@proxy:3128"])
        #expect(route?.proxy == "http://proxy:3128")
        #expect(route?.description.contains("s3cr3t") == false)
        #expect(ProxyRoute.withoutCredentials("user:pw@proxy:3128") == "proxy:3128")
    }
}
