import ArgumentParser
import Foundation
import HaiheCore
import HaiheServer
import HaiheStore
import Logging

/// Reads a setting as the platform promises: the flag if given, else its `HAIHE_*` variable, else the default.
enum Setting {
    static func resolve(_ flag: String?, env name: String, default fallback: String? = nil) -> String? {
        if let flag { return flag }
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        return fallback
    }
}

/// Where the data lives; shared by every subcommand.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory for the embedded SQLite database and files (env HAIHE_DATA_DIR, default ./haihe-data).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "Use PostgreSQL instead of SQLite: postgres://user:password@host:port/database (env HAIHE_DATABASE_URL).")
    var databaseURL: String?

    var resolvedDataDirectory: String { Setting.resolve(dataDirectory, env: "HAIHE_DATA_DIR", default: "./haihe-data")! }

    var location: DatabaseLocation {
        if let url = Setting.resolve(databaseURL, env: "HAIHE_DATABASE_URL") { return .postgres(url: url) }
        return .sqlite(dataDirectory: resolvedDataDirectory)
    }
}

/// How the process logs.
struct LoggingOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env HAIHE_LOG_LEVEL, default info).")
    var level: String?

    @Option(name: .customLong("log-format"), help: "json (one object per line) or text (env HAIHE_LOG_FORMAT, default json).")
    var format: String?

    func bootstrap() throws -> Logger {
        let levelName = Setting.resolve(level, env: "HAIHE_LOG_LEVEL", default: "info")!
        guard let logLevel = Logger.Level(rawValue: levelName) else {
            throw HaiheError.invalid("log_level", zh: "未知的日志级别 \(levelName)", en: "Unknown log level \(levelName)")
        }
        let formatName = Setting.resolve(format, env: "HAIHE_LOG_FORMAT", default: "json")!
        switch formatName {
        case "json":
            LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: logLevel) }
        case "text":
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            }
        default:
            throw HaiheError.invalid("log_format", zh: "未知的日志格式 \(formatName)（应为 json 或 text）", en: "Unknown log format \(formatName) (json or text)")
        }
        var logger = Logger(label: "haihe")
        logger.logLevel = logLevel
        return logger
    }
}

/// Opens and migrates the store; the step every subcommand that touches data begins with.
func openMigratedStore(_ storage: StorageOptions, logger: Logger) async throws -> Store {
    let store = try await Store.open(storage.location, logger: logger)
    do {
        let applied = try await Migrator(database: store.database).migrate()
        if !applied.isEmpty { logger.info("schema migrated", metadata: ["versions": "\(applied)"]) }
    } catch {
        await store.close()
        throw error
    }
    return store
}

/// Runs `body` with an opened, migrated store and closes it afterwards, whether `body` succeeds or throws.
func withMigratedStore<R>(_ storage: StorageOptions, logger: Logger, _ body: (Store) async throws -> R) async throws -> R {
    try await withStore(storage, logger: logger, migrate: true, body)
}

/// Runs `body` with an opened store (migrated first when asked) and always closes it.
func withStore<R>(_ storage: StorageOptions, logger: Logger, migrate: Bool, _ body: (Store) async throws -> R) async throws -> R {
    let store = migrate ? try await openMigratedStore(storage, logger: logger) : try await Store.open(storage.location, logger: logger)
    do {
        let result = try await body(store)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}
