import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Testing

@Suite("Audit trail: hash chain, checkpoints, tampering")
struct AuditTrailTests {
    static func fill(_ store: Store, count: Int) async throws {
        for i in 1...count {
            try await store.audit.record(AuditDraft(actor: nil, action: "test.event", objectType: "test", objectID: "object-\(i)",
                                                    detail: ["n": String(i)]))
        }
    }

    @Test("an untouched chain verifies, with its signed checkpoint")
    func intact() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            try await Self.fill(store, count: 6)
            let key = NodeKey.generate()
            let checkpoint = try #require(try await store.audit.checkpoint(key: key))
            #expect(checkpoint.sequence == 6)
            #expect(try await store.audit.checkpoint(key: key) == nil)  // nothing new to sign
            let report = try await store.audit.verify(trustedKeys: [key.publicKeyHex])
            #expect(report.isIntact)
            #expect(report.eventsChecked == 7)  // six events and the checkpoint's own event
            #expect(report.checkpointsChecked == 1)
        }
    }

    @Test("an altered event is named")
    func altered() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            try await Self.fill(store, count: 6)
            try await store.database.transaction { try await $0.execute("UPDATE audit_events SET detail = $1 WHERE sequence = 3", "{\"n\":\"999\"}") }
            let report = try await store.audit.verify()
            guard case .altered(let sequence, _) = report.problem else { Issue.record("not detected: \(String(describing: report.problem))"); return }
            #expect(sequence == 3)
        }
    }

    @Test("a removed event is detected at the gap")
    func removed() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            try await Self.fill(store, count: 6)
            try await store.database.transaction { try await $0.execute("DELETE FROM audit_events WHERE sequence = 3", []) }
            let report = try await store.audit.verify()
            guard case .brokenLink(let sequence, _, let expected) = report.problem else { Issue.record("not detected: \(String(describing: report.problem))"); return }
            #expect(sequence == 4)
            #expect(expected == 3)
        }
    }

    @Test("reordered events are detected at the first one out of place")
    func reordered() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            try await Self.fill(store, count: 6)
            try await store.database.transaction { session in
                try await session.execute("UPDATE audit_events SET sequence = -1 WHERE sequence = 3", [])
                try await session.execute("UPDATE audit_events SET sequence = 3 WHERE sequence = 4", [])
                try await session.execute("UPDATE audit_events SET sequence = 4 WHERE sequence = -1", [])
            }
            let report = try await store.audit.verify()
            #expect(!report.isIntact)
            #expect(report.problem.map { "\($0)" }?.contains("#3") == true)
        }
    }

    @Test("history rewritten with recomputed hashes is caught by the signed checkpoint")
    func rewritten() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            try await Self.fill(store, count: 5)
            let key = NodeKey.generate()
            try await store.audit.checkpoint(key: key)
            // An attacker with database access edits event 2 and recomputes every hash after it.
            var events = try await store.audit.allEvents()
            events[1].detail = "{\"n\":\"forged\"}"
            var previous = events[0].hash
            for i in 1..<events.count {
                events[i].previousHash = previous
                events[i].hash = events[i].computedHash()
                previous = events[i].hash
            }
            try await store.database.transaction { session in
                for event in events[1...] {
                    try await session.execute("UPDATE audit_events SET detail = $1, previous_hash = $2, hash = $3 WHERE sequence = $4",
                                              event.detail, event.previousHash, event.hash, event.sequence)
                }
            }
            let report = try await store.audit.verify(trustedKeys: [key.publicKeyHex])
            guard case .checkpointMismatch(let sequence) = report.problem else { Issue.record("not detected: \(String(describing: report.problem))"); return }
            #expect(sequence == 5)
        }
    }

    @Test("events removed from the end after a checkpoint are detected; a checkpoint by an unknown key is refused")
    func truncatedAndForged() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            try await Self.fill(store, count: 4)
            let key = NodeKey.generate()
            try await store.audit.checkpoint(key: key)
            #expect(try await store.audit.verify(trustedKeys: [NodeKey.generate().publicKeyHex]).problem.map { if case .untrustedKey = $0 { true } else { false } } == true)
            try await store.database.transaction { try await $0.execute("DELETE FROM audit_events WHERE sequence >= 4", []) }
            let report = try await store.audit.verify(trustedKeys: [key.publicKeyHex])
            guard case .checkpointMismatch = report.problem else { Issue.record("not detected: \(String(describing: report.problem))"); return }
        }
    }

    @Test("appends from many tasks at once form one unbroken chain")
    func concurrentAppends() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        try await store.audit.record(AuditDraft(actor: nil, action: "test.parallel", objectType: "test", objectID: String(i)))
                    }
                }
                try await group.waitForAll()
            }
            let events = try await store.audit.allEvents()
            #expect(events.map(\.sequence) == Array(1...24))
            #expect(try await store.audit.verify().isIntact)
        }
    }

    @Test("a change and its audit event commit together or not at all")
    func sameTransaction() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let org = RepositoryContractTests.department()
            try await store.organizations.create(org, audit: AuditDraft(actor: nil, action: "organization.create", objectType: "organization"))
            var clash = RepositoryContractTests.department("重复")
            clash.creditCode = org.creditCode
            await #expect(throws: HaiheError.self) {
                try await store.organizations.create(clash, audit: AuditDraft(actor: nil, action: "organization.create", objectType: "organization"))
            }
            let (events, total) = try await store.audit.search(AuditFilter(action: "organization.create"))
            #expect(total == 1)
            #expect(events.first?.objectID == org.id)
        }
    }

    @Test("search filters by actor, object, action prefix, outcome and time")
    func search() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let alice = Subject(userID: "u-alice", username: "alice", organizationID: "o-1", roles: [.provider])
            try await store.audit.record(AuditDraft(actor: alice, action: "user.create", objectType: "user", objectID: "x"))
            try await store.audit.record(AuditDraft(actor: alice, action: "user.update", objectType: "user", objectID: "y", outcome: .denied))
            try await store.audit.record(AuditDraft(actor: nil, action: "auth.login", objectType: "user", objectID: "y"))
            #expect(try await store.audit.search(AuditFilter(actor: "alice")).total == 2)
            #expect(try await store.audit.search(AuditFilter(actor: "u-alice")).total == 2)
            #expect(try await store.audit.search(AuditFilter(organizationID: "o-1")).total == 2)
            #expect(try await store.audit.search(AuditFilter(objectID: "y")).total == 2)
            #expect(try await store.audit.search(AuditFilter(action: "user.")).total == 2)
            #expect(try await store.audit.search(AuditFilter(outcome: .denied)).total == 1)
            #expect(try await store.audit.search(AuditFilter(from: Date().addingTimeInterval(3600))).total == 0)
            let page = try await store.audit.search(AuditFilter(), limit: 2, offset: 0)
            #expect(page.events.map(\.sequence) == [3, 2])
            #expect(page.total == 3)
        }
    }
}
