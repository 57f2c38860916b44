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

    /// Lower case first, upper case only when the lower is not set; an empty value is set (no proxy); CIDR
    /// blocks in `NO_PROXY` (review of 1e1b6d5).
    @Test func lowerCaseIsReadFirstAnEmptyValueMeansNoneAndBlocksAreMatched() {
        let http = "http://127.0.0.1:9000"
        #expect(
            ProxyRoute.to(http, environment: ["http_proxy": "http://p:1", "NO_PROXY": "127.0.0.1", "no_proxy": "x"])
                != nil
        )
        #expect(
            ProxyRoute.to(http, environment: ["http_proxy": "http://p:1", "NO_PROXY": "", "no_proxy": "127.0.0.1"])
                == nil
        )
        #expect(ProxyRoute.to(http, environment: ["http_proxy": "http://p:1", "NO_PROXY": "127.0.0.0/8"]) == nil)
        #expect(ProxyRoute.to(http, environment: ["http_proxy": "http://p:1", "NO_PROXY": "10.0.0.0/8"]) != nil)
        #expect(ProxyRoute.to("https://h", environment: ["https_proxy": "", "ALL_PROXY": "http://a:1"]) == nil)
        #expect(
            ProxyRoute.to("https://h", environment: ["https_proxy": "http://l:1", "HTTPS_PROXY": "http://u:1"])?
                .variable == "https_proxy"
        )
        #expect(
            ProxyRoute.to(http, environment: ["all_proxy": "http://l:1", "ALL_PROXY": "http://u:1"])?.variable
                == "all_proxy"
        )
    }
}
