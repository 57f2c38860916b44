// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ossbatch",
    // Linux only, hence no `platforms:` (it names Apple systems only): LocalFiles imports Glibc unconditionally,
    // the other POSIX calls are written against Glibc, and CI builds and tests on Linux alone.
    products: [
        .executable(name: "ossbatch", targets: ["ossbatch"]),
        .executable(name: "local-oss", targets: ["local-oss"]),
        .library(name: "OSSProtocol", targets: ["OSSProtocol"]),
        .library(name: "OSSKit", targets: ["OSSKit"]),
        .library(name: "LocalOSS", targets: ["LocalOSS"]),
        // Test-only: LD_PRELOADed into `ossbatch` by the disk-full test (Tests/Shims/DiskFullShim).
        .library(name: "DiskFullShim", type: .dynamic, targets: ["DiskFullShim"]),
        // Test-only: LD_PRELOADed into `ossbatch` by the stalled-run tests (Tests/Shims/HangingFilesShim).
        .library(name: "HangingFilesShim", type: .dynamic, targets: ["HangingFilesShim"]),
        // Test-only: LD_PRELOADed into `ossbatch` by the wall-clock step tests (Tests/Shims/WallClockShim).
        .library(name: "WallClockShim", type: .dynamic, targets: ["WallClockShim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries, each behind one thin Swift wrapper module.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        // The upload index (issue 16). The system library, not GRDB.swift: see Sources/SQLite/SQLiteDatabase.swift.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SQLite", dependencies: ["CSQLite"]),

        .target(name: "Digests", dependencies: ["COpenSSL", "CLZMA"]),
        // The OSS protocol without a network: signing, XML, errors, object options and the HTTP transport
        // seam (value types + `HTTPTransport`). LocalOSS builds on it without libcurl.
        .target(name: "OSSProtocol", dependencies: ["Digests"]),
        .target(name: "CurlHTTP", dependencies: ["CCurl", "Digests", "OSSProtocol"]),
        .target(name: "OSSKit", dependencies: ["OSSProtocol", "Digests"]),
        // POSIX directory walking and stat: the one place with file-system pointers.
        // POSIX calls that Swift's Glibc module leaves out (GNU extensions), for LocalFiles alone.
        .target(name: "CLocalFiles"),
        .target(name: "LocalFiles", dependencies: ["CLocalFiles"]),
        .target(
            name: "OSSBatch",
            dependencies: [
                "OSSKit", "OSSProtocol", "Digests", "LocalFiles", "SQLite",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                // `--shard`: the least-loaded shard first.
                .product(name: "HeapModule", package: "swift-collections"),
                // `--metrics-file`: the Prometheus text format for node_exporter's textfile collector.
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            plugins: ["VersionStamp"]
        ),
        .executableTarget(
            name: "ossbatch",
            dependencies: [
                // The CLI chooses the transport: the engine itself never sees libcurl.
                "OSSBatch", "OSSKit", "OSSProtocol", "CurlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LocalOSS",
            dependencies: [
                "Digests", "OSSProtocol", "LocalFiles",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "local-oss",
            dependencies: [
                "LocalOSS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["VersionStamp"]
        ),
        // `BuildVersion.number` (VERSION) and `.commit` (git) for the targets above, fresh on every build.
        .plugin(name: "VersionStamp", capability: .buildTool()),

        .executableTarget(name: "crc64-bench", dependencies: ["Digests"], path: "Benchmarks/crc64"),
        .executableTarget(
            name: "curl-bench",
            dependencies: ["CurlHTTP", "OSSProtocol"],
            path: "Benchmarks/curl",
            exclude: ["sink.py"]
        ),
        .executableTarget(
            name: "upload-bench",
            dependencies: ["OSSKit", "OSSProtocol", "CurlHTTP", "Digests"],
            path: "Benchmarks/upload",
            exclude: ["run.sh"]
        ),

        // Fuzz targets (scripts/fuzz.sh, docs/architecture.md § Fuzzing): libFuzzer programs when built with
        // `-sanitize=fuzzer -DOSSBATCH_FUZZING`; in any other build, replayers of saved inputs (FuzzCorpusTests).
        .target(name: "CFuzzerDriver", path: "Fuzz/CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"], path: "Fuzz/FuzzSupport"),
        .executableTarget(
            name: "fuzz-manifest",
            dependencies: ["FuzzSupport", "OSSBatch"],
            path: "Fuzz/ManifestFuzzer"
        ),
        .executableTarget(name: "fuzz-report", dependencies: ["FuzzSupport", "OSSBatch"], path: "Fuzz/ReportFuzzer"),
        .executableTarget(
            name: "fuzz-request",
            dependencies: [
                "FuzzSupport", "LocalOSS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz/RequestFuzzer"
        ),

        .target(
            name: "TestSupport",
            dependencies: [
                "Digests",
                "LocalOSS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .target(name: "DiskFullShim", path: "Tests/Shims/DiskFullShim", linkerSettings: [.linkedLibrary("dl")]),
        .target(
            name: "HangingFilesShim",
            path: "Tests/Shims/HangingFilesShim",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        .target(name: "WallClockShim", path: "Tests/Shims/WallClockShim", linkerSettings: [.linkedLibrary("dl")]),
        .testTarget(name: "DigestsTests", dependencies: ["Digests"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OSSProtocolTests", dependencies: ["OSSProtocol"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OSSKitTests", dependencies: ["OSSKit", "OSSProtocol", "CurlHTTP", "TestSupport"]),
        .testTarget(
            name: "OSSBatchTests",
            dependencies: ["OSSBatch", "OSSKit", "OSSProtocol", "SQLite", "CurlHTTP", "LocalFiles", "TestSupport"]
        ),
        .testTarget(name: "LocalFilesTests", dependencies: ["LocalFiles", "TestSupport"]),
        .testTarget(
            name: "LocalOSSTests",
            dependencies: ["LocalOSS", "OSSKit", "OSSProtocol", "CurlHTTP", "Digests", "TestSupport"]
        ),
        .testTarget(
            name: "CurlHTTPTests",
            dependencies: [
                "CurlHTTP", "OSSProtocol", "Digests", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["OSSBatch", "OSSKit", "OSSProtocol", "LocalOSS", "CurlHTTP", "Digests", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
