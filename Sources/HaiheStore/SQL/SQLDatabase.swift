import HaiheCore

/// The two SQL dialects the platform speaks. Dialect-specific SQL is chosen here and nowhere else.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// Appended to a SELECT that must lock the rows it reads until the transaction ends. SQLite needs none:
    /// its write transactions (`BEGIN IMMEDIATE`) already exclude every other writer.
    public var forUpdate: String { self == .sqlite ? "" : " FOR UPDATE" }
    /// A statement that holds a transaction-scoped lock named by `key`, serialising work that several
    /// PostgreSQL instances could start at once. SQLite needs none: it has a single writer.
    public func advisoryLock(key: Int) -> String? { self == .sqlite ? nil : "SELECT pg_advisory_xact_lock(\(key))" }
}

/// A connection lent to a caller for the span of one closure, possibly inside a transaction.
/// Parameters are written `$1`, `$2` … in both dialects.
public protocol SQLSession {
    var dialect: SQLDialect { get }
    func execute(_ sql: String, _ binds: [SQLValue]) async throws
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLSession {
    public func execute(_ sql: String, _ binds: any SQLBindable...) async throws {
        try await execute(sql, binds.map(\.sqlValue))
    }

    public func query(_ sql: String, _ binds: any SQLBindable...) async throws -> [SQLRow] {
        try await query(sql, binds.map(\.sqlValue))
    }

    public func first(_ sql: String, _ binds: any SQLBindable...) async throws -> SQLRow? {
        try await query(sql, binds.map(\.sqlValue)).first
    }

    /// The first column of the first row as an integer (counts, versions).
    public func scalarInt(_ sql: String, _ binds: any SQLBindable...) async throws -> Int? {
        guard let row = try await query(sql, binds.map(\.sqlValue)).first, let name = row.columns.first else { return nil }
        return row.optionalInt(name)
    }
}

/// Figures about the connection pool, exported at /metrics.
public struct PoolStatistics: Sendable {
    public var connections: Int
    public var inUse: Int
    public var waiting: Int
}

/// A database the store runs on: embedded SQLite or a PostgreSQL server.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` on a connection outside any explicit transaction (reads).
    func read<R: Sendable>(_ body: (any SQLSession) async throws -> R) async throws -> R
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<R: Sendable>(_ body: (any SQLSession) async throws -> R) async throws -> R
    /// Answers when the database answers a trivial query; throws otherwise.
    func ping() async throws
    /// How many transactions this process has committed on this database. Whatever was read before the count moved
    /// may be out of date; caches of what was read compare it (another instance's writes do not move it).
    var commits: Int { get }
    func statistics() async -> PoolStatistics
    func close() async
}
