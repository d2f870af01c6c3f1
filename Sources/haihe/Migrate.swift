import ArgumentParser
import HaiheStore

/// `haihe migrate`: applies pending schema migrations (also done at every start).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations (forward-only, versioned).")

    @OptionGroup var storage: StorageOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = try logging.bootstrap()
        let (applied, version) = try await withStore(storage, logger: logger, migrate: false) { store in
            let migrator = Migrator(database: store.database)
            return (try await migrator.migrate(), try await migrator.currentVersion())
        }
        print(applied.isEmpty
              ? "数据库结构已是最新 / schema up to date: version \(version) (\(storage.location.description))"
              : "已升级 / migrated \(applied.map(String.init).joined(separator: ", ")); schema version \(version) (\(storage.location.description))")
    }
}
