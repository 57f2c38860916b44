// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ossbatch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ossbatch", targets: ["ossbatch"]),
        .executable(name: "local-oss", targets: ["local-oss"]),
        .library(name: "OSSBatch", targets: ["OSSBatch"]),
        .library(name: "OSSKit", targets: ["OSSKit"]),
        .library(name: "LocalOSS", targets: ["LocalOSS"]),
        // Test-only: LD_PRELOADed into `ossbatch` by the disk-full test (Tests/Shims/DiskFullShim).
        .library(name: "DiskFullShim", type: .dynamic, targets: ["DiskFullShim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // C libraries, each behind one thin Swift wrapper module.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),

        .target(name: "Digests", dependencies: ["COpenSSL", "CLZMA"]),
        .target(name: "CurlHTTP", dependencies: ["CCurl", "Digests"]),
        .target(name: "OSSKit", dependencies: ["CurlHTTP", "Digests"]),
        // POSIX directory walking and stat: the one place with file-system pointers.
        .target(name: "LocalFiles"),
        .target(
            name: "OSSBatch",
            dependencies: [
                "OSSKit", "Digests", "LocalFiles",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            plugins: ["VersionStamp"]
        ),
        .executableTarget(
            name: "ossbatch",
            dependencies: [
                "OSSBatch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LocalOSS",
            dependencies: [
                "Digests", "OSSKit", "LocalFiles",
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
            dependencies: ["CurlHTTP"],
            path: "Benchmarks/curl",
            exclude: ["sink.py"]
        ),
        .executableTarget(
            name: "upload-bench",
            dependencies: ["OSSKit", "CurlHTTP", "Digests"],
            path: "Benchmarks/upload",
            exclude: ["run.sh"]
        ),

        .target(name: "TestSupport", dependencies: ["LocalOSS"], path: "Tests/TestSupport"),
        .target(name: "DiskFullShim", path: "Tests/Shims/DiskFullShim", linkerSettings: [.linkedLibrary("dl")]),
        .testTarget(name: "DigestsTests", dependencies: ["Digests"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OSSKitTests", dependencies: ["OSSKit", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OSSBatchTests", dependencies: ["OSSBatch", "TestSupport"]),
        .testTarget(name: "LocalFilesTests", dependencies: ["LocalFiles", "TestSupport"]),
        .testTarget(name: "LocalOSSTests", dependencies: ["LocalOSS", "OSSKit", "CurlHTTP", "TestSupport"]),
        .testTarget(
            name: "CurlHTTPTests",
            dependencies: [
                "CurlHTTP", "Digests", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["OSSBatch", "OSSKit", "LocalOSS", "CurlHTTP", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
