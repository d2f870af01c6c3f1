import Foundation
import HaiheCore
import Logging

/// Where the platform keeps its data.
public enum DatabaseLocation: Sendable, Equatable {
    /// Embedded SQLite: one file, `haihe.sqlite`, in the data directory.
    case sqlite(dataDirectory: String)
    /// A PostgreSQL server shared by several instances.
    case postgres(url: String)

    public var description: String {
        switch self {
        case .sqlite(let dir): "SQLite at \(dir)/\(Store.sqliteFileName)"
        case .postgres(let url): "PostgreSQL at \(Store.redacted(url))"
        }
    }
}

/// The store: one database and the repositories over it. Opened once per process and shared.
public struct Store: Sendable {
    public static let sqliteFileName = "haihe.sqlite"

    public let database: any SQLDatabase
    public let organizations: any OrganizationRepository
    public let users: any UserRepository
    public let meta: PlatformMeta
    public let audit: AuditTrail
    public let auth: AuthStore
    public let catalog: CatalogStore
    public let rectification: RectificationStore
    public let datasets: DatasetStore
    public let dataSources: DataSourceStore
    public let calendar: CalendarStore
    public let sharing: SharingStore
    public let openApplications: OpenApplicationStore
    public let feedback: FeedbackStore
    public let showcase: ShowcaseStore

    public init(database: any SQLDatabase) {
        self.rectification = RectificationStore(database: database)
        self.catalog = CatalogStore(database: database)
        self.datasets = DatasetStore(database: database, catalog: catalog)
        self.dataSources = DataSourceStore(database: database, datasets: datasets)
        self.audit = AuditTrail(database: database)
        self.calendar = CalendarStore(database: database)
        self.sharing = SharingStore(database: database, calendar: calendar)
        self.openApplications = OpenApplicationStore(database: database, calendar: calendar)
        self.feedback = FeedbackStore(database: database, calendar: calendar)
        self.showcase = ShowcaseStore(database: database)
        self.auth = AuthStore(database: database)
        self.database = database
        self.organizations = SQLOrganizationRepository(database: database)
        self.users = SQLUserRepository(database: database)
        self.meta = PlatformMeta(database: database)
    }

    /// Opens the database and checks that it answers, without creating anything when it cannot.
    public static func open(_ location: DatabaseLocation, logger: Logger = Logger(label: "haihe.store")) async throws -> Store {
        switch location {
        case .sqlite(let dataDirectory):
            try prepareDataDirectory(dataDirectory)
            let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(sqliteFileName).path
            do {
                return Store(database: try SQLiteDatabase(path: path))
            } catch {
                throw HaiheError(.unavailable, code: "database.open_failed",
                                 zh: "无法打开数据库文件 \(path)：\(error)", en: "Cannot open the database file \(path): \(error)")
            }
        case .postgres(let url):
            guard (try? PostgresDatabase.Endpoint(url: url)) != nil else {
                throw HaiheError.invalid("database.url", zh: "数据库地址格式不正确：\(redacted(url))（应为 postgres://用户:密码@主机:端口/库名）",
                                         en: "The database URL \(redacted(url)) is not of the form postgres://user:password@host:port/database")
            }
            let quiet = { var quiet = logger; quiet.logLevel = .critical; return quiet }()
            do {
                try await withTimeout(seconds: 15) { try await PostgresDatabase.probe(url: url, logger: quiet) }
            } catch {
                throw HaiheError(.unavailable, code: "database.unreachable",
                                 zh: "无法连接数据库 \(redacted(url))：\(shortReason(error))",
                                 en: "Cannot reach the database at \(redacted(url)): \(shortReason(error))")
            }
            return Store(database: try PostgresDatabase(url: url, logger: logger))
        }
    }

    /// Creates the data directory if needed and proves it writable, with a clear error otherwise.
    static func prepareDataDirectory(_ path: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue {
                throw HaiheError.invalid("data_dir.not_directory", zh: "数据目录 \(path) 不是一个目录", en: "The data directory \(path) is not a directory")
            }
        } else {
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw HaiheError.invalid("data_dir.cannot_create", zh: "无法创建数据目录 \(path)", en: "Cannot create the data directory \(path)")
            }
        }
        let probe = URL(fileURLWithPath: path).appendingPathComponent(".haihe-write-probe-\(getpid())").path
        guard fm.createFile(atPath: probe, contents: Data()) else {
            throw HaiheError.invalid("data_dir.not_writable", zh: "数据目录 \(path) 不可写", en: "The data directory \(path) is not writable")
        }
        try? fm.removeItem(atPath: probe)
    }

    /// The URL with its password hidden, for messages and logs.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    static func shortReason(_ error: any Error) -> String {
        let text = String(reflecting: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("timeout") || text.contains("Timeout") { return "timed out" }
        if let range = text.range(of: "serverInfo") { return String(text[..<range.lowerBound].prefix(200)) }
        return String(text.prefix(200))
    }

    public func close() async { await database.close() }
}

/// Runs `body`, failing with a timeout error when it takes longer than `seconds`.
func withTimeout<R: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> R) async throws -> R {
    try await withThrowingTaskGroup(of: R.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw StoreError.connection("timeout after \(seconds) s")
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}

/// Small platform-wide settings (whether the demo was loaded, the node's identity) as key/value rows.
public struct PlatformMeta: Sendable {
    let database: any SQLDatabase

    public func value(_ key: String) async throws -> String? {
        try await database.read { try await $0.first("SELECT value FROM platform_meta WHERE key = $1", key) }?.optionalString("value")
    }

    public static func set(_ key: String, _ value: String, in session: any SQLSession) async throws {
        try await session.execute("""
            INSERT INTO platform_meta (key, value) VALUES ($1, $2)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, key, value)
    }
}
