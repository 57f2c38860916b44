import Foundation

/// The environment a test starts a program with: this process's, plus `overrides` (a `nil` value removes
/// the variable). The ECS metadata service is off unless a test turns it on (pointing it at a loopback fake):
/// a test must never send a request to the real one (`100.100.100.200`, off this machine).
public func testEnvironment(_ overrides: [String: String?]) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
    env["OSSBATCH_ECS_METADATA_ENDPOINT"] = nil
    for (k, v) in overrides { env[k] = v }
    return env
}
