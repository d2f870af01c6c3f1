import Foundation
import HaiheCore
import HaiheStore

/// Gives each test a database of its own, on the backend the run is for.
///
/// Without `HAIHE_TEST_DATABASE_URL` every test gets a new SQLite file in a temporary directory.
/// With it (a PostgreSQL server URL whose user may create databases), every test gets a new database
/// on that server, dropped afterwards, so tests run in parallel without seeing each other's rows.
public enum TestDatabase {
    public static var postgresAdminURL: String? {
        ProcessInfo.processInfo.environment["HAIHE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var backendName: String { postgresAdminURL == nil ? "sqlite" : "postgres" }

    /// A location for a brand-new, empty database, and a clean-up to call when done.
    public static func makeLocation() async throws -> (location: DatabaseLocation, dataDirectory: String, cleanup: @Sendable () async -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-test-\(UUID().uuidString)").path
        guard let adminURL = postgresAdminURL else {
            return (.sqlite(dataDirectory: directory), directory, { try? FileManager.default.removeItem(atPath: directory) })
        }
        let name = "haihe_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
        let admin = try await Store.open(.postgres(url: adminURL))
        try await admin.database.read { try await $0.execute("CREATE DATABASE \(name)", []) }
        await admin.close()
        var components = URLComponents(string: adminURL)!
        components.path = "/\(name)"
        let url = components.string!
        return (.postgres(url: url), directory, {
            try? FileManager.default.removeItem(atPath: directory)
            if let admin = try? await Store.open(.postgres(url: adminURL)) {
                _ = try? await admin.database.read { try await $0.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", []) }
                await admin.close()
            }
        })
    }

    /// Runs `body` with a fresh, migrated store, then closes and removes it.
    public static func withStore<R: Sendable>(migrated: Bool = true, _ body: (Store, String) async throws -> R) async throws -> R {
        let (location, directory, cleanup) = try await makeLocation()
        let store = try await Store.open(location)
        do {
            if migrated { try await Migrator(database: store.database).migrate() }
            let result = try await body(store, directory)
            await store.close()
            await cleanup()
            return result
        } catch {
            await store.close()
            await cleanup()
            throw error
        }
    }
}

extension AuditDraft {
    /// An audit draft for changes made directly by tests.
    public static var test: AuditDraft { AuditDraft(actor: nil, action: "test.change", objectType: "test") }
}
