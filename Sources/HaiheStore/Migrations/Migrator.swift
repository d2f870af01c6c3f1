import Foundation
import HaiheCore

/// One forward-only schema step. Its SQL may differ by dialect; most of it does not.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: @Sendable (SQLDialect) -> [String]

    public init(version: Int, name: String, statements: @escaping @Sendable (SQLDialect) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Applies migrations in order, each in its own transaction together with the row that records it,
/// so a crash leaves the database at a whole version. Safe when several instances start at once:
/// PostgreSQL serialises them with an advisory lock, SQLite with its single writer.
public struct Migrator: Sendable {
    public let database: any SQLDatabase
    public let migrations: [Migration]

    public init(database: any SQLDatabase, migrations: [Migration] = Migrations.all) {
        self.database = database
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    static let lockKey = 7_273_010

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    public func currentVersion() async throws -> Int {
        try await ensureLedger()
        return try await database.read { try await $0.scalarInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") } ?? 0
    }

    private func ensureLedger() async throws {
        try await database.transaction { session in
            // CREATE TABLE IF NOT EXISTS is not atomic across PostgreSQL sessions; the lock makes it so.
            if let lock = database.dialect.advisoryLock(key: Self.lockKey) { _ = try await session.query(lock, []) }
            try await session.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """, [])
        }
    }

    /// Brings the schema up to date; returns the versions applied by this call.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let current = try await currentVersion()
        if current > latestVersion {
            throw HaiheError(.unavailable, code: "schema.newer",
                             zh: "数据库结构版本 \(current) 比本程序支持的版本 \(latestVersion) 新，请使用更新的 haihe",
                             en: "The database schema is at version \(current), newer than this binary knows (\(latestVersion)); run a newer haihe")
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > current {
            let didApply = try await database.transaction { session -> Bool in
                if let lock = database.dialect.advisoryLock(key: Self.lockKey) { _ = try await session.query(lock, []) }
                let done = try await session.scalarInt("SELECT COUNT(*) FROM schema_migrations WHERE version = $1", migration.version) ?? 0
                if done > 0 { return false }  // another instance got there first
                for statement in migration.statements(database.dialect) {
                    try await session.execute(statement, [])
                }
                try await session.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                                          migration.version, migration.name, Date())
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }
}
