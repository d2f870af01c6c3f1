import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("migrating twice applies each version once")
    func idempotent() async throws {
        try await TestDatabase.withStore(migrated: false) { (store: Store, _: String) async throws in
            let migrator = Migrator(database: store.database)
            #expect(try await migrator.currentVersion() == 0)
            #expect(try await migrator.migrate() == Migrations.all.map(\.version))
            #expect(try await migrator.migrate() == [])
            #expect(try await migrator.currentVersion() == migrator.latestVersion)
        }
    }

    @Test("a newer binary upgrades an older database and keeps its rows")
    func upgrade() async throws {
        try await TestDatabase.withStore(migrated: false) { (store: Store, _: String) async throws in
            let old = Migrator(database: store.database, migrations: Migrations.all)
            try await old.migrate()
            let org = RepositoryContractTests.department()
            try await store.organizations.create(org, audit: .test)
            let next = Migration(version: old.latestVersion + 1, name: "test: a later step") { _ in
                ["CREATE TABLE later_step (id TEXT PRIMARY KEY)"]
            }
            let newer = Migrator(database: store.database, migrations: Migrations.all + [next])
            #expect(try await newer.migrate() == [next.version])
            #expect(try await store.organizations.find(id: org.id) != nil)
            #expect(try await newer.currentVersion() == next.version)
            // The older binary refuses a database it does not understand rather than corrupting it.
            let refusal = await #expect(throws: HaiheError.self) { try await old.migrate() }
            #expect(refusal?.code == "schema.newer")
        }
    }

    @Test("two instances migrating at once apply each step exactly once")
    func concurrent() async throws {
        try await TestDatabase.withStore(migrated: false) { (store: Store, _: String) async throws in
            let migrator = Migrator(database: store.database)
            async let a = migrator.migrate()
            async let b = migrator.migrate()
            let (first, second) = try await (a, b)
            #expect((first + second).sorted() == Migrations.all.map(\.version))
        }
    }

    @Test("a failing step leaves the database at the previous whole version")
    func failingStep() async throws {
        try await TestDatabase.withStore(migrated: false) { (store: Store, _: String) async throws in
            let broken = Migration(version: 999, name: "test: broken") { _ in
                ["CREATE TABLE half_done (id TEXT)", "THIS IS NOT SQL"]
            }
            let migrator = Migrator(database: store.database, migrations: Migrations.all + [broken])
            await #expect(throws: (any Error).self) { try await migrator.migrate() }
            #expect(try await migrator.currentVersion() == Migrations.all.last!.version)
            let leftover = try await store.database.read { session in
                try? await session.query("SELECT COUNT(*) FROM half_done", [])
            }
            #expect(leftover == nil)
        }
    }
}
