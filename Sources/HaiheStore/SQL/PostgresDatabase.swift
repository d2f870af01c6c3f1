import Foundation
import Synchronization
import HaiheCore
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// The multi-instance backend: a PostgreSQL server shared by any number of `haihe serve` processes.
public final class PostgresDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let maximumConnections: Int
    private let committed = Atomic<Int>(0)
    public var commits: Int { committed.load(ordering: .acquiring) }

    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=disable|prefer|require`).
    public init(url: String, maximumConnections: Int = 20, logger: Logger = Logger(label: "haihe.postgres")) throws {
        var configuration = try Self.configuration(from: url)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        // The pool's own retries are noise for operators; only its warnings and errors are logged.
        var backgroundLogger = logger
        backgroundLogger.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger)
        self.client = client
        self.logger = logger
        self.maximumConnections = maximumConnections
        self.runner = Task { await client.run() }
    }

    /// The parts of a `postgres://` URL.
    struct Endpoint {
        var host: String
        var port: Int
        var username: String
        var password: String?
        var database: String?
        var sslmode: String

        init(url: String) throws {
            guard let components = URLComponents(string: url),
                  ["postgres", "postgresql"].contains(components.scheme ?? ""),
                  let host = components.host, !host.isEmpty else {
                throw StoreError.unsupportedURL(url)
            }
            let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            self.host = host
            self.port = components.port ?? 5432
            self.username = components.user?.removingPercentEncoding ?? "postgres"
            self.password = components.password?.removingPercentEncoding
            self.database = database.isEmpty ? nil : database
            self.sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        }

        var clientConfiguration: PostgresClient.Configuration {
            let tls: PostgresClient.Configuration.TLS = switch sslmode {
            case "disable": .disable
            case "prefer", "allow": .prefer(.makeClientConfiguration())
            default: .require(.makeClientConfiguration())
            }
            return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }

        func connectionConfiguration() throws -> PostgresConnection.Configuration {
            let tls: PostgresConnection.Configuration.TLS = switch sslmode {
            case "disable": .disable
            case "prefer", "allow": .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            var configuration = PostgresConnection.Configuration(host: host, port: port, username: username, password: password,
                                                                 database: database, tls: tls)
            configuration.options.connectTimeout = .seconds(5)
            return configuration
        }
    }

    static func configuration(from url: String) throws -> PostgresClient.Configuration {
        try Endpoint(url: url).clientConfiguration
    }

    /// One direct connection attempt and a trivial query: fails at once when the server refuses,
    /// where the pool would keep retrying in the background.
    public static func probe(url: String, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: try Endpoint(url: url).connectionConfiguration(), id: 0, logger: logger)
        do {
            _ = try await connection.query("SELECT 1", logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    public func read<R: Sendable>(_ body: (any SQLSession) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            try await body(PostgresSession(connection: connection, logger: logger))
        }
    }

    public func transaction<R: Sendable>(_ body: (any SQLSession) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            let session = PostgresSession(connection: connection, logger: logger)
            try await session.execute("BEGIN", [])
            do {
                let result = try await body(session)
                try await session.execute("COMMIT", [])
                committed.add(1, ordering: .releasing)
                return result
            } catch {
                try? await session.execute("ROLLBACK", [])
                throw error
            }
        }
    }

    public func ping() async throws {
        _ = try await read { try await $0.query("SELECT 1") }
    }

    public func statistics() async -> PoolStatistics {
        // PostgresClient keeps its pool figures to itself; report its configured ceiling.
        PoolStatistics(connections: maximumConnections, inUse: 0, waiting: 0)
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }
}

struct PostgresSession: SQLSession {
    let dialect = SQLDialect.postgres
    let connection: PostgresConnection
    let logger: Logger

    private func postgresQuery(_ sql: String, _ binds: [SQLValue]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let v): bindings.append(Int64(v))
            case .real(let v): bindings.append(v)
            case .text(let v): bindings.append(v)
            case .blob(let v): bindings.append(ByteBuffer(bytes: v))
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        let rows = try await connection.query(postgresQuery(sql, binds), logger: logger)
        for try await _ in rows {}
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let sequence = try await connection.query(postgresQuery(sql, binds), logger: logger)
        var rows: [SQLRow] = []
        var columns: [String]?
        for try await row in sequence {
            var values: [SQLValue] = []
            var names: [String] = []
            for cell in row {
                if columns == nil { names.append(cell.columnName) }
                values.append(try Self.value(of: cell))
            }
            if columns == nil { columns = names }
            rows.append(SQLRow(columns: columns!, values: values))
        }
        return rows
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        case .numeric: return .text("\(try cell.decode(Decimal.self))")
        default:
            if let text = try? cell.decode(String.self) { return .text(text) }
            return .blob(Array(buffer: cell.bytes!))
        }
    }
}

/// Whether `error` is a unique-constraint violation in either backend; repositories turn it into a conflict.
func isUniqueViolation(_ error: any Error) -> Bool {
    if let error = error as? StoreError { return error.isUniqueViolation }
    if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "23505" }
    return false
}
