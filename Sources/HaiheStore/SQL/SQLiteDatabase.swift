import CSQLite
import Foundation
import Synchronization
import HaiheCore

/// The embedded backend: one SQLite file in WAL mode, one writer connection and a few readers.
///
/// WAL lets readers proceed while the single writer commits; `synchronous=FULL` makes every committed
/// transaction survive a crash of the process or the machine.
public final class SQLiteDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    public let path: String
    private let writer: ConnectionPool<SQLiteConnection>
    private let readers: ConnectionPool<SQLiteConnection>
    private let committed = Atomic<Int>(0)
    public var commits: Int { committed.load(ordering: .acquiring) }

    public init(path: String, readers readerCount: Int = 4) throws {
        self.path = path
        let writerConnection = try SQLiteConnection(path: path, readOnly: false)
        // Switching to (or checking) WAL needs a lock that SQLite's busy handler does not wait for: an
        // instance starting beside another on the same file got "database is locked" here. Retry for a while.
        try SQLiteConnection.retryingWhileBusy { try writerConnection.run("PRAGMA journal_mode=WAL") }
        try writerConnection.run("PRAGMA synchronous=FULL")
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            readerConnections.append(try SQLiteConnection(path: path, readOnly: true))
        }
        self.writer = ConnectionPool([writerConnection]) { $0.close() }
        self.readers = ConnectionPool(readerConnections) { $0.close() }
    }

    public func read<R: Sendable>(_ body: (any SQLSession) async throws -> R) async throws -> R {
        try await readers.with { try await body($0) }
    }

    public func transaction<R: Sendable>(_ body: (any SQLSession) async throws -> R) async throws -> R {
        try await writer.with { connection in
            // IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock upgrading a read lock.
            try connection.run("BEGIN IMMEDIATE")
            do {
                let result = try await body(connection)
                try connection.run("COMMIT")
                committed.add(1, ordering: .releasing)
                return result
            } catch {
                try? connection.run("ROLLBACK")
                throw error
            }
        }
    }

    public func ping() async throws {
        _ = try await read { try await $0.query("SELECT 1") }
    }

    public func statistics() async -> PoolStatistics {
        let w = await writer.statistics()
        let r = await readers.statistics()
        return PoolStatistics(connections: w.connections + r.connections, inUse: w.inUse + r.inUse, waiting: w.waiting + r.waiting)
    }

    public func close() async {
        await readers.close()
        await writer.close()
    }
}

/// One `sqlite3*` handle with its prepared-statement cache. Used by one task at a time (the pool sees to it).
final class SQLiteConnection: SQLSession, @unchecked Sendable {
    let dialect = SQLDialect.sqlite
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text, each with the SQLite index of parameter `$1`, `$2` … (looked up once:
    /// SQLite finds a named parameter by a linear search, which made a 1,000-parameter insert quadratic).
    private var statements: [String: (statement: OpaquePointer, indexes: [Int32])] = [:]

    init(path: String, readOnly: Bool) throws {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        // A reader opened before the writer has created the file would fail; the writer is always opened first.
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw StoreError.sqlite(code: rc, message: message, sql: "open \(path)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        try run("PRAGMA foreign_keys=ON")
        // Reads go through a memory map and a 32 MiB page cache per connection instead of one pread()
        // per page: scans of indexes (counts, facets) then cost memory bandwidth, not system calls.
        try run("PRAGMA mmap_size=1073741824")
        try run("PRAGMA cache_size=-32768")
        if readOnly { try run("PRAGMA query_only=ON") }
    }

    /// Runs `body` again while SQLite answers SQLITE_BUSY, for up to the connection's busy timeout.
    static func retryingWhileBusy(for seconds: Double = 10, _ body: () throws -> Void) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            do { return try body() } catch StoreError.sqlite(let code, _, _) where code & 0xff == SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    func close() {
        for cached in statements.values { sqlite3_finalize(cached.statement) }
        statements.removeAll()
        sqlite3_close_v2(handle)
        handle = nil
    }

    /// Runs SQL without parameters or results (pragmas, transaction control, DDL with several statements).
    func run(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw StoreError.sqlite(code: rc, message: message, sql: sql)
        }
    }

    private func prepared(_ sql: String) throws -> (statement: OpaquePointer, indexes: [Int32]) {
        if let cached = statements[sql] {
            sqlite3_reset(cached.statement)
            sqlite3_clear_bindings(cached.statement)
            return cached
        }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw lastError(rc, sql) }
        // Parameters are written $1, $2 … as in PostgreSQL; SQLite numbers named parameters by first appearance.
        var indexes: [Int32] = []
        let count = sqlite3_bind_parameter_count(statement)
        if count > 0 {
            for index in 1...count {
                guard let name = sqlite3_bind_parameter_name(statement, index), let number = Int(String(cString: name).dropFirst()), number > 0 else { continue }
                if indexes.count < number { indexes += [Int32](repeating: 0, count: number - indexes.count) }
                indexes[number - 1] = index
            }
        }
        // Bounded: queries whose text varies (paging, several search words) must not grow memory forever.
        if statements.count >= 512 {
            for cached in statements.values { sqlite3_finalize(cached.statement) }
            statements.removeAll()
        }
        statements[sql] = (statement, indexes)
        return (statement, indexes)
    }

    private func lastError(_ rc: Int32, _ sql: String) -> StoreError {
        StoreError.sqlite(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func bind(_ binds: [SQLValue], to statement: OpaquePointer, indexes: [Int32], sql: String) throws {
        for (i, value) in binds.enumerated() {
            guard i < indexes.count else { break }
            let index = indexes[i]
            guard index > 0 else { continue }
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .real(let v): rc = sqlite3_bind_double(statement, index, v)
            case .text(let v):
                // The bytes and their length straight from the string: no C-string copy, no strlen.
                var text = v
                rc = text.withUTF8 { bytes in
                    guard let base = bytes.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, Self.transient) }
                    return sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
                }
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            if rc != SQLITE_OK { throw lastError(rc, sql) }
        }
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        _ = try query(sql, binds, collect: false)
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try query(sql, binds, collect: true)
    }

    private func query(_ sql: String, _ binds: [SQLValue], collect: Bool) throws -> [SQLRow] {
        let (statement, indexes) = try prepared(sql)
        defer { sqlite3_reset(statement) }
        try bind(binds, to: statement, indexes: indexes, sql: sql)
        let columnCount = sqlite3_column_count(statement)
        let columns = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [SQLRow] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw lastError(rc, sql) }
            guard collect else { continue }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columnCount))
            for c in 0..<columnCount {
                switch sqlite3_column_type(statement, c) {
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, c)))
                case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, c)))
                case SQLITE_TEXT: values.append(.text(String(cString: sqlite3_column_text(statement, c))))
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, c))
                    let pointer = sqlite3_column_blob(statement, c)
                    values.append(.blob(count == 0 ? [] : Array(UnsafeRawBufferPointer(start: pointer, count: count))))
                default: values.append(.null)
                }
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }
}
