import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Testing

/// The repository contract: the same tests on whichever backend the run is for
/// (`scripts/test` runs them once on SQLite and once on PostgreSQL).
@Suite("Repository contract")
struct RepositoryContractTests {
    static func department(_ name: String = "天津市气象局", body: String = "40120001", kind: OrganizationKind = .cityDepartment,
                           parent: String? = nil, division: String = "120000") -> Organization {
        Organization(kind: kind, nameZH: name, nameEN: "Department", creditCode: UnifiedSocialCreditCode.make(
            authority: "1", type: "1", division: division, organizationBody: body)!, parentID: parent, divisionCode: division,
            contact: Contact(name: "数据管理员", phone: "022-23456789", email: "data@example.gov.cn"))
    }

    @Test("an organisation is stored and read back whole, by id and by credit code")
    func organizationRoundTrip() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let org = Self.department()
            try await store.organizations.create(org, audit: .test)
            let byID = try #require(try await store.organizations.find(id: org.id))
            #expect(byID.nameZH == "天津市气象局")
            #expect(byID.creditCode == org.creditCode)
            #expect(byID.contact == org.contact)
            #expect(abs(byID.createdAt.timeIntervalSince(org.createdAt)) < 0.001)
            #expect(try await store.organizations.find(creditCode: org.creditCode!)?.id == org.id)
            #expect(try await store.organizations.find(id: Identifier.make()) == nil)
            #expect(try await store.organizations.count() == 1)
        }
    }

    @Test("a district department keeps its parent district")
    func parentage() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let district = Self.department("天津市和平区人民政府", body: "40120002", kind: .districtGovernment, division: "120101")
            let bureau = Self.department("和平区市场监督管理局", body: "40120003", kind: .districtDepartment, parent: district.id, division: "120101")
            try await store.organizations.create(district, audit: .test)
            try await store.organizations.create(bureau, audit: .test)
            #expect(try await store.organizations.find(id: bureau.id)?.parentID == district.id)
            #expect(try await store.organizations.list().map(\.id).sorted() == [district.id, bureau.id].sorted())
        }
    }

    @Test("a second organisation with the same credit code is refused and nothing changes")
    func duplicateCreditCode() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let first = Self.department()
            try await store.organizations.create(first, audit: .test)
            var second = Self.department("另一个部门")
            second.creditCode = first.creditCode
            let error = await #expect(throws: HaiheError.self) { try await store.organizations.create(second, audit: .test) }
            #expect(error?.kind == .conflict)
            #expect(error?.messageZH.contains("统一社会信用代码") == true)
            #expect(try await store.organizations.count() == 1)
        }
    }

    @Test("an invalid credit code never reaches the database")
    func invalidCreditCode() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            var org = Self.department()
            org.creditCode = "91350100M000100Y44"
            await #expect(throws: HaiheError.self) { try await store.organizations.create(org, audit: .test) }
            #expect(try await store.organizations.count() == 0)
        }
    }

    @Test("users keep their roles; usernames are unique; a user needs an existing organisation")
    func users() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let org = Self.department()
            try await store.organizations.create(org, audit: .test)
            let user = User(organizationID: org.id, username: "qxj.provider", displayName: "褚气象", email: "a@b.cn", roles: [.provider, .consumer])
            try await store.users.create(user, passwordHash: "$2b$04$hash", audit: .test)
            let found = try #require(try await store.users.find(id: user.id))
            #expect(found.roles == [.provider, .consumer])
            #expect(found.status == .active)
            let credentials = try #require(try await store.users.credentials(username: "qxj.provider"))
            #expect(credentials.passwordHash == "$2b$04$hash")
            #expect(try await store.users.list(organizationID: org.id).map(\.username) == ["qxj.provider"])

            let clash = User(organizationID: org.id, username: "qxj.provider", displayName: "另一人", roles: [.consumer])
            let conflict = await #expect(throws: HaiheError.self) { try await store.users.create(clash, passwordHash: "x", audit: .test) }
            #expect(conflict?.kind == .conflict)

            let orphan = User(organizationID: Identifier.make(), username: "orphan", displayName: "无单位", roles: [.consumer])
            let missing = await #expect(throws: HaiheError.self) { try await store.users.create(orphan, passwordHash: "x", audit: .test) }
            #expect(missing?.kind == .notFound)
            #expect(try await store.users.count() == 1)
        }
    }

    @Test("a transaction that throws leaves no trace")
    func rollback() async throws {
        struct Boom: Error {}
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            await #expect(throws: Boom.self) {
                try await store.database.transaction { session -> Void in
                    try await SQLOrganizationRepository.insert(Self.department(), in: session)
                    throw Boom()
                }
            }
            #expect(try await store.organizations.count() == 0)
        }
    }
}
