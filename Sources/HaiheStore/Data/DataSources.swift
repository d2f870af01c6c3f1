import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HaiheCore

/// A source the platform pulls an entry's data from on a schedule (Art. 11: departments connect their systems).
public struct DataSource: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// An http(s) URL that answers with CSV, JSON or an Excel workbook.
        case http
        /// A query run on the department's own PostgreSQL database; its columns are the entry's fields.
        case postgres
    }

    public var id: String
    public var entryID: String
    public var kind: Kind
    /// The http(s) URL, or for a database the connection string with its password hidden.
    public var url: String
    public var query: String?
    var sealedConnection: String?
    public var format: BatchFormat?
    public var intervalMinutes: Int
    public var enabled: Bool
    public var nextRunAt: Date
    public var createdBy: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, entryID = "entryId", kind, url, query, format, intervalMinutes, enabled, nextRunAt, createdBy, createdAt
    }
}

/// One pull: when, what came of it, and the data version it made.
public struct DataSourceRun: Sendable, Encodable, Equatable {
    public var id: String
    public var sourceID: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// `running`, `published`, `rejected` (by the entry's policy) or `failed` (the source could not be read).
    public var status: String
    public var versionID: String?
    public var rowsRead: Int?
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case id, sourceID = "sourceId", startedAt, finishedAt, status, versionID = "versionId", rowsRead, message
    }
}

/// Scheduled pulls: registered sources, the runs they made, and claiming due sources so that of several instances
/// on one database exactly one pulls each time.
public struct DataSourceStore: Sendable {
    let database: any SQLDatabase
    let datasets: DatasetStore

    /// Registers a PostgreSQL source: `connection` (`postgres://user:password@host:port/database`) is sealed before it
    /// is stored; `query` is run as given on each pull, and its result columns are matched to the entry's fields.
    public func addPostgres(entryID: String, connection: String, query: String, intervalMinutes: Int, secrets: SecretBox, audit: AuditDraft,
                            at time: Date = Date()) async throws -> DataSource {
        guard connection.hasPrefix("postgres://") || connection.hasPrefix("postgresql://"), URL(string: connection)?.host != nil else {
            throw HaiheError.invalid("data.source_url", zh: "连接串应为 postgres://用户:密码@主机:端口/库名", en: "The connection must be postgres://user:password@host:port/database")
        }
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.lowercased().hasPrefix("select") || trimmed.lowercased().hasPrefix("with") else {
            throw HaiheError.invalid("data.source_query", zh: "查询须以 SELECT 或 WITH 开头", en: "The query must start with SELECT or WITH")
        }
        guard (1...525_600).contains(intervalMinutes) else {
            throw HaiheError.invalid("data.source_interval", zh: "拉取间隔应为1分钟至1年", en: "The interval must be between 1 minute and a year")
        }
        let shown = Store.redacted(connection)
        let sealed = try secrets.seal(connection)
        let source = DataSource(id: Identifier.make(now: time), entryID: entryID, kind: .postgres, url: shown, query: trimmed, sealedConnection: sealed,
                                format: .csv, intervalMinutes: intervalMinutes, enabled: true, nextRunAt: time, createdBy: audit.actorUsername, createdAt: time)
        try await database.transaction { session in
            try await session.execute("""
                INSERT INTO data_sources (id, entry_id, kind, url, query, sealed_connection, format, interval_minutes, enabled, next_run_at, created_by, created_at)
                VALUES ($1, $2, 'postgres', $3, $4, $5, 'csv', $6, 1, $7, $8, $9)
                """, source.id, entryID, shown, trimmed, sealed, intervalMinutes, time, audit.actorUsername, time)
            try await AuditTrail.append(audit.about(source.id, ["entry": entryID, "connection": shown, "interval_minutes": String(intervalMinutes)]), in: session, at: time)
        }
        return source
    }

    public func add(entryID: String, url: String, format: BatchFormat?, intervalMinutes: Int, audit: AuditDraft, at time: Date = Date()) async throws -> DataSource {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw HaiheError.invalid("data.source_url", zh: "数据源地址须为 http 或 https 网址", en: "The source must be an http or https URL")
        }
        guard (1...525_600).contains(intervalMinutes) else {
            throw HaiheError.invalid("data.source_interval", zh: "拉取间隔应为1分钟至1年", en: "The interval must be between 1 minute and a year")
        }
        let source = DataSource(id: Identifier.make(now: time), entryID: entryID, kind: .http, url: url, format: format, intervalMinutes: intervalMinutes,
                                enabled: true, nextRunAt: time, createdBy: audit.actorUsername, createdAt: time)
        try await database.transaction { session in
            try await session.execute("""
                INSERT INTO data_sources (id, entry_id, url, format, interval_minutes, enabled, next_run_at, created_by, created_at)
                VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8)
                """, source.id, entryID, url, format?.rawValue, intervalMinutes, time, audit.actorUsername, time)
            try await AuditTrail.append(audit.about(source.id, ["entry": entryID, "url": url, "interval_minutes": String(intervalMinutes)]), in: session, at: time)
        }
        return source
    }

    public func sources(entryID: String) async throws -> [DataSource] {
        try await database.read { try await $0.query("SELECT * FROM data_sources WHERE entry_id = $1 ORDER BY created_at", entryID) }.map(Self.decode)
    }

    public func source(id: String) async throws -> DataSource? {
        try await database.read { try await $0.first("SELECT * FROM data_sources WHERE id = $1", id) }.map(Self.decode)
    }

    public func remove(id: String, audit: AuditDraft) async throws {
        try await database.transaction { session in
            try await session.execute("UPDATE data_sources SET enabled = 0 WHERE id = $1", id)
            try await AuditTrail.append(audit.about(id, ["enabled": "false"]), in: session)
        }
    }

    public func runs(sourceID: String, limit: Int = 50) async throws -> [DataSourceRun] {
        try await database.read {
            try await $0.query("SELECT * FROM data_source_runs WHERE source_id = $1 ORDER BY started_at DESC LIMIT \(max(1, min(limit, 1000)))", sourceID)
        }.map { row in
            DataSourceRun(id: try row.string("id"), sourceID: try row.string("source_id"), startedAt: try row.date("started_at"),
                          finishedAt: row.optionalDate("finished_at"), status: try row.string("status"), versionID: row.optionalString("version_id"),
                          rowsRead: row.optionalInt("rows_read"), message: row.optionalString("message"))
        }
    }

    /// Pulls every enabled source whose time has come. Each is claimed by moving its next run forward in one
    /// conditional update, so two instances never pull the same source at the same time.
    public func runDue(at time: Date = Date(), secrets: SecretBox? = nil) async throws -> [DataSourceRun] {
        let due = try await database.read {
            try await $0.query("SELECT id FROM data_sources WHERE enabled = 1 AND next_run_at <= $1 ORDER BY next_run_at", time)
        }.map { try $0.string("id") }
        var runs: [DataSourceRun] = []
        for id in due {
            guard let source = try await source(id: id) else { continue }
            let claimed = try await database.transaction { session in
                try await session.query("UPDATE data_sources SET next_run_at = $2 WHERE id = $1 AND next_run_at <= $3 AND enabled = 1 RETURNING id",
                                        id, time.addingTimeInterval(Double(source.intervalMinutes) * 60), time)
            }
            if !claimed.isEmpty { runs.append(try await run(source, secrets: secrets)) }
        }
        return runs
    }

    /// Pulls a source now: downloads it to a temporary file, then loads it like an upload, and records the run.
    public func run(_ source: DataSource, secrets: SecretBox? = nil, at time: Date = Date()) async throws -> DataSourceRun {
        var run = DataSourceRun(id: Identifier.make(now: time), sourceID: source.id, startedAt: time, status: "running")
        try await database.transaction { session in
            try await session.execute("INSERT INTO data_source_runs (id, source_id, started_at, status) VALUES ($1, $2, $3, 'running')", run.id, source.id, time)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-pull-\(run.id)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let format: BatchFormat
            switch source.kind {
            case .http:
                let contentType = try await Self.download(source.url, to: path)
                format = source.format ?? BatchFormat.guess(fileName: URL(string: source.url)?.path, contentType: contentType)
            case .postgres:
                guard let secrets, let sealed = source.sealedConnection else {
                    throw HaiheError.invalid("secret.key", zh: "缺少节点密钥，无法连接数据源", en: "The node key is needed to open the source's credentials")
                }
                try await Self.query(try secrets.open(sealed), source.query ?? "", to: path)
                format = .csv
            }
            let audit = AuditDraft(actor: nil, action: "data.pull", objectType: "dataset_version", detail: ["source": source.id, "url": source.url])
            let (version, report) = try await datasets.load(source.entryID, from: try BatchSource.file(path, format: format, origin: "pull"), audit: audit)
            run.status = version.status == .published ? "published" : "rejected"
            run.versionID = version.id
            run.rowsRead = report.rowsRead
            run.message = "\(report.rowsAccepted) accepted, \(report.rowsRejected) quarantined"
        } catch {
            run.status = "failed"
            run.message = (error as? HaiheError)?.message ?? "\(error)"
        }
        run.finishedAt = Date()
        let finished = run
        try await database.transaction { session in
            try await session.execute("UPDATE data_source_runs SET finished_at = $2, status = $3, version_id = $4, rows_read = $5, message = $6 WHERE id = $1",
                                      finished.id, finished.finishedAt, finished.status, finished.versionID, finished.rowsRead, finished.message)
        }
        return run
    }

    /// Fetches a URL into a file (bounded in time); returns the content type.
    static func download(_ url: String, to path: String) async throws -> String? {
        guard let address = URL(string: url) else {
            throw HaiheError.invalid("data.source_url", zh: "数据源地址无效", en: "The source URL is not valid")
        }
        var request = URLRequest(url: address)
        request.timeoutInterval = 300
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            throw HaiheError.invalid("data.source_status", zh: "数据源返回状态 \(status)", en: "The source answered with status \(status)")
        }
        try data.write(to: URL(fileURLWithPath: path))
        return http.value(forHTTPHeaderField: "Content-Type")
    }

    /// Runs the query on the department's database and writes the result as CSV, its column names as the header.
    static func query(_ connection: String, _ sql: String, to path: String) async throws {
        let source = try PostgresDatabase(url: connection, maximumConnections: 1)
        let rows: [SQLRow]
        do {
            rows = try await source.read { try await $0.query(sql, []) }
            await source.close()
        } catch {
            await source.close()
            throw HaiheError.invalid("data.source_query", zh: "数据源查询失败：\(error)", en: "The source query failed: \(error)")
        }
        func cell(_ value: SQLValue) -> String {
            switch value {
            case .null, .blob: ""
            case .integer(let i): String(i)
            case .real(let d): String(d)
            case .text(let t): t
            }
        }
        guard let first = rows.first else {
            throw HaiheError.invalid("data.empty", zh: "数据源查询没有返回任何行", en: "The source query returned no rows")
        }
        var text = CSVField.line(first.columns) + "\n"
        for row in rows { text += CSVField.line(row.values.map(cell)) + "\n" }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func decode(_ row: SQLRow) throws -> DataSource {
        DataSource(id: try row.string("id"), entryID: try row.string("entry_id"),
                   kind: row.optionalString("kind").flatMap(DataSource.Kind.init) ?? .http, url: try row.string("url"),
                   query: row.optionalString("query"), sealedConnection: row.optionalString("sealed_connection"),
                   format: row.optionalString("format").flatMap(BatchFormat.init), intervalMinutes: try row.int("interval_minutes"),
                   enabled: (row.optionalInt("enabled") ?? 0) == 1, nextRunAt: try row.date("next_run_at"),
                   createdBy: row.optionalString("created_by"), createdAt: try row.date("created_at"))
    }
}
