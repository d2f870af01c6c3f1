import ArgumentParser
import HaiheStore

/// `haihe migrate`: applies pending schema migrations (also done at every start).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations (forward-only, versioned).")

    @OptionGroup var storage: StorageOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = try logging.bootstrap()
        let store = try await Store.open(storage.location, logger: logger)
        let migrator = Migrator(database: store.database)
        let applied: [Int], version: Int
        do {
            applied = try await migrator.migrate()
            version = try await migrator.currentVersion()
        } catch {
            await store.close()
            throw error
        }
        print(applied.isEmpty
              ? "数据库结构已是最新 / schema up to date: version \(version) (\(storage.location.description))"
              : "已升级 / migrated \(applied.map(String.init).joined(separator: ", ")); schema version \(version) (\(storage.location.description))")
        await store.close()
    }
}
