// swift-tools-version:6.1
import PackageDescription

// Haihe 海河: the rings of DESIGN.md as targets.
// HaiheCore (pure rules) ← HaiheStore (SQLite, PostgreSQL) ← HaiheServer (HTTP) ← haihe (CLI).
let package = Package(
    name: "haihe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "haihe", targets: ["haihe"]),
        .executable(name: "catalog-benchmark", targets: ["CatalogBenchmark"]),
        .executable(name: "ingest-benchmark", targets: ["IngestBenchmark"]),
        .executable(name: "api-benchmark", targets: ["APIBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Only to tell a malformed HTTP body (NIOHTTP1's parser errors) from a fault of ours.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Streaming multipart/form-data parsing for file uploads in the console.
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        // Reading Excel (.xlsx) uploads: the zip container; the XML inside is read with Foundation's parser.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // The system SQLite library (Debian's libsqlite3-dev): the store talks to its C API directly,
        // because the ingest and read paths need prepared-statement reuse that wrappers hide.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "HaiheCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            // The PRC holiday schedules shipped with the platform (working-day deadlines, Art. 17 and 23).
            resources: [.copy("Sharing/Resources/prc-working-calendar.json")]
        ),
        .target(
            name: "HaiheStore",
            dependencies: [
                "HaiheCore", "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "HaiheServer",
            dependencies: [
                "HaiheCore", "HaiheStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ]
        ),
        .executableTarget(
            name: "haihe",
            dependencies: [
                "HaiheCore", "HaiheStore", "HaiheServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks: run with `swift run -c release catalog-benchmark`; see README "Benchmarks".
        .target(name: "BenchmarkSupport", path: "benchmarks/support"),
        .executableTarget(name: "CatalogBenchmark", dependencies: ["HaiheCore", "HaiheStore", "BenchmarkSupport"], path: "benchmarks/catalog"),
        .executableTarget(name: "IngestBenchmark", dependencies: ["HaiheCore", "HaiheStore", "BenchmarkSupport"], path: "benchmarks/ingest"),
        .executableTarget(name: "APIBenchmark", dependencies: ["HaiheCore", "HaiheStore", "BenchmarkSupport", .product(name: "Hummingbird", package: "hummingbird")],
                          path: "benchmarks/api", exclude: ["run"]),
        // Fresh databases for tests: SQLite in a temporary directory, or a new PostgreSQL database
        // when HAIHE_TEST_DATABASE_URL names a server (scripts/test runs the suite both ways).
        .target(name: "HaiheTestSupport", dependencies: ["HaiheStore"], path: "Tests/HaiheTestSupport"),
        .testTarget(name: "HaiheCoreTests", dependencies: ["HaiheCore"]),
        .testTarget(name: "HaiheStoreTests", dependencies: ["HaiheStore", "HaiheTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(
            name: "HaiheServerTests",
            dependencies: [
                "HaiheServer", "HaiheTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
