// swift-tools-version: 6.2
import PackageDescription

/// Belay: sagas with compensation, rollback points recorded as git commits, and a go/no-go gate.
///
/// Layers (a lower one never imports a higher one); docs/architecture.md tells each one's job:
///   CGit2 → BelayGit ──────────────────────────┐
///   BelaySupport → BelayModel → BelayPlaybook ─┼→ Belay (engine) → BelayCLI → belay
///   BelaySupport → BelayGate ──────────────────┘                   └→ BelayServe → belay-serve
let package = Package(
    name: "Belay",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Belay", targets: ["Belay"]),
        .library(name: "BelayGate", targets: ["BelayGate"]),
        .library(name: "BelayModel", targets: ["BelayModel"]),
        .library(name: "BelayPlaybook", targets: ["BelayPlaybook"]),
        .library(name: "BelayGit", targets: ["BelayGit"]),
        .library(name: "BelayPostgres", targets: ["BelayPostgres"]),
        .executable(name: "belay", targets: ["belay"]),
        .executable(name: "belay-serve", targets: ["belay-serve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Webhooks: an HTTP client on NIO, so `belay` needs no libcurl (Foundation's URLSession does).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // The processor's CRC-32C instruction, for the journal's line checksums.
        .systemLibrary(name: "CBelayCRC"),
        // The C library's spawn actions for a working directory and closing descriptors (GNU extensions).
        .systemLibrary(name: "CBelaySpawn"),
        .target(name: "BelayGit", dependencies: ["CGit2", "BelaySupport"]),
        .target(name: "BelaySupport", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "BelayModel", dependencies: ["BelaySupport"]),
        .target(
            name: "BelayPlaybook",
            dependencies: ["BelayModel", "BelaySupport", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "BelayGate",
            dependencies: ["BelaySupport", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Belay",
            dependencies: [
                "BelayGit", "BelayModel", "BelayPlaybook", "BelayGate", "BelaySupport", "CBelayCRC", "CBelaySpawn",
            ]
        ),
        .target(
            name: "BelayPostgres",
            dependencies: ["Belay", "BelayGit", "BelaySupport", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .target(
            name: "BelayCLI",
            dependencies: [
                "Belay", "BelayPostgres", "BelayGate", "BelayModel", "BelayPlaybook", "BelayGit", "BelaySupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(name: "belay", dependencies: ["BelayCLI"]),
        // The HTTP server lives apart so that building `belay` never builds the web stack.
        .target(
            name: "BelayServe",
            dependencies: [
                "Belay", "BelayGit", "BelaySupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .executableTarget(name: "belay-serve", dependencies: ["BelayServe"]),
        .executableTarget(name: "belay-bench", dependencies: ["BelayGit", "Belay"], path: "Benchmarks/Sources/belay-bench"),
        .executableTarget(name: "provision-saga", dependencies: ["Belay"], path: "Examples/provision-saga", exclude: ["README.md"]),
        .executableTarget(name: "gate-check", dependencies: ["BelayGate"], path: "Examples/gate-check", exclude: ["README.md"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "BelayGitTests", dependencies: ["BelayGit", "TestSupport"]),
        .testTarget(name: "BelaySupportTests", dependencies: ["BelaySupport"]),
        .testTarget(
            name: "BelayPlaybookTests",
            dependencies: ["BelayPlaybook", "BelayModel"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "BelayGateTests", dependencies: ["BelayGate"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BelayTests", dependencies: ["Belay", "TestSupport"]),
        // Against a real PostgreSQL server (TestSupport's PostgresServer, shared with CLITests).
        .testTarget(name: "BelayPostgresTests", dependencies: ["BelayPostgres", "Belay", "TestSupport"]),
        .testTarget(name: "BelayCLITests", dependencies: ["BelayCLI", "Belay", "BelayGit", "BelayPlaybook"]),
        // Scripts/: the Python helpers of the end-to-end tests (a webhook receiver, headless Chromium).
        .testTarget(name: "CLITests", dependencies: ["BelaySupport", "TestSupport"], exclude: ["Scripts"]),
    ],
    swiftLanguageModes: [.v6]
)
