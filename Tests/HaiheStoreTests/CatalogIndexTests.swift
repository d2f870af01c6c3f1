import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Testing

/// The city catalogs are answered from an in-memory index of published versions. These tests hold it to a plain
/// reference: every published version read back from SQL and filtered in Swift, with text matched by SQL `LIKE`.
@Suite("Catalog index")
struct CatalogIndexTests {
    static let subjects = ["企业登记", "企业信用", "公交线路", "天气实况", "空气质量", "医疗机构", "学校名录", "食品安全"]
    static let english = ["enterprise registry", "enterprise credit", "bus lines", "weather", "air quality", "hospitals", "schools", "food safety"]

    /// Organisations in two divisions, and entries of every type and state: some revised and republished, some retired.
    static func seed(_ store: Store, count: Int) async throws -> [Organization] {
        let organizations = (0..<6).map { i in
            let division = i < 4 ? "120000" : "120101"
            return Organization(kind: i < 4 ? .cityDepartment : .districtGovernment, nameZH: "第\(i)局", nameEN: "Bureau \(i)",
                                creditCode: UnifiedSocialCreditCode.make(authority: "1", type: "1", division: division,
                                                                         organizationBody: String(format: "%08d", 60_000_000 + i))!,
                                divisionCode: division)
        }
        for organization in organizations { try await store.organizations.create(organization, audit: .test) }
        var generator = SystemRandomNumberGenerator()
        var published: [CatalogEntry] = []
        try await store.database.transaction { session in
            for i in 0..<count {
                let topic = Int.random(in: 0..<subjects.count, using: &generator)
                var entry = CatalogEntry(
                    resourceCode: String(format: "301005-%05d", i), title: "\(subjects[topic])信息\(i % 7)", titleEN: english[topic],
                    summary: "按月更新的\(subjects[topic])数据", providerID: organizations[i % organizations.count].id,
                    domain: Domain.allCases[i % 5], keywords: [subjects[topic], "标签\(i % 4)"], formats: i % 3 == 0 ? ["CSV", "JSON"] : ["CSV"],
                    fields: [FieldDefinition(name: "name", labelZH: "名称", type: .text)],
                    updateFrequency: UpdateFrequency.allCases[i % UpdateFrequency.allCases.count],
                    shareType: ShareType.allCases[i % 3], openType: OpenType.allCases[(i / 3) % 3],
                    legalBasis: LegalBasis(name: "测试法规", article: "第一条"),
                    createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(i * 37 % 1000)))
                entry.status = i % 5 == 0 ? .draft : .published
                // Some share a publication time, so ties are broken by id.
                entry.publishedAt = entry.status == .published ? Date(timeIntervalSince1970: 1_750_000_000 + Double(i % 50)) : nil
                try await CatalogStore.importVersion(entry, in: session)
                if entry.status == .published { published.append(entry) }
            }
        }
        // Revise and republish some, retire others, through the lifecycle (index must drop the old versions).
        for (n, entry) in published.prefix(30).enumerated() {
            if n % 3 == 0 {
                try await store.catalog.apply(.retire, to: entry.id, audit: .test)
            } else {
                var draft = try await store.catalog.revise(entry.id, audit: .test)
                draft.title = "修订后的\(entry.title)"
                _ = try await store.catalog.update(draft, audit: .test)
                for step in [CatalogRules.Transition.submit, .confirm, .publish] { try await store.catalog.apply(step, to: draft.id, audit: .test) }
            }
        }
        return organizations
    }

    /// Published versions matching `query`, in its order, computed the plain way.
    static func expected(_ store: Store, _ query: CatalogQuery, divisions: [String: String]) async throws -> (ids: [String], facets: [String: [String: Int]]) {
        var all = try await store.catalog.list(CatalogQuery(statuses: [.published], limit: 500)).entries
        for word in (query.text ?? "").lowercased().split(separator: " ") {
            let ids = Set(try await store.catalog.list(CatalogQuery(statuses: [.published], text: String(word), limit: 500)).entries.map(\.id))
            all = all.filter { ids.contains($0.id) }
        }
        let matched = all.filter { e in
            switch query.catalog! {
            case .government: break
            case .sharing: if e.shareType == .notShared { return false }
            case .open: if e.openType == .notOpen { return false }
            }
            if let d = query.domain, e.domain != d { return false }
            if let s = query.shareType, e.shareType != s { return false }
            if let o = query.openType, e.openType != o { return false }
            if let f = query.updateFrequency, e.updateFrequency != f { return false }
            if let f = query.format, !e.formats.contains(f) { return false }
            if let k = query.keyword, !e.keywords.contains(k) { return false }
            if let p = query.providerID, e.providerID != p { return false }
            if let division = query.divisionCode, divisions[e.providerID] != division { return false }
            return true
        }
        let sort = query.sort ?? CatalogSort(.published, descending: true)
        func before(_ a: CatalogEntry, _ b: CatalogEntry) -> Bool {
            func compare<T: Comparable>(_ x: T, _ y: T) -> Bool {
                if x != y { return sort.descending ? x > y : x < y }
                return sort.descending ? a.id > b.id : a.id < b.id
            }
            // Times compare at the stored precision (milliseconds).
            func ms(_ d: Date?) -> Int64 { Int64(((d ?? .distantPast).timeIntervalSince1970 * 1000).rounded()) }
            switch sort.key {
            case .published: return compare(ms(a.publishedAt), ms(b.publishedAt))
            case .modified: return compare(ms(a.updatedAt), ms(b.updatedAt))
            case .created: return compare(ms(a.createdAt), ms(b.createdAt))
            case .title: return compare(a.title, b.title)
            case .code: return compare(a.resourceCode.lowercased(), b.resourceCode.lowercased())
            }
        }
        var facets: [String: [String: Int]] = [:]
        for e in matched {
            facets["domain", default: [:]][e.domain.rawValue, default: 0] += 1
            facets["provider_id", default: [:]][e.providerID, default: 0] += 1
            facets["share_type", default: [:]][e.shareType.rawValue, default: 0] += 1
            facets["open_type", default: [:]][e.openType.rawValue, default: 0] += 1
            facets["update_frequency", default: [:]][e.updateFrequency.rawValue, default: 0] += 1
            for f in e.formats { facets["format", default: [:]][f, default: 0] += 1 }
            for k in e.keywords { facets["keyword", default: [:]][k, default: 0] += 1 }
        }
        let ids = matched.sorted(by: before).map(\.id)
        return (Array(ids.dropFirst(query.offset).prefix(query.limit)), facets)
    }

    @Test("random catalog queries (filters, Chinese and English words, sorts, pages) answer exactly as the plain computation")
    func matchesReference() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let organizations = try await Self.seed(store, count: 240)
            let divisions = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id, $0.divisionCode ?? "") })
            let words = ["企业", "企", "企业登记", "信用 企业", "weather", "bus", "修订", "火星", "信息3", "第2局", "005-0001", "数据 air"]
            var generator = SystemRandomNumberGenerator()
            for round in 0..<120 {
                var query = CatalogQuery(catalog: CityCatalog.allCases[round % 3])
                if Bool.random(using: &generator) { query.text = words.randomElement(using: &generator) }
                if Int.random(in: 0..<4, using: &generator) == 0 { query.domain = Domain.allCases[Int.random(in: 0..<6, using: &generator)] }
                if Int.random(in: 0..<5, using: &generator) == 0 { query.shareType = ShareType.allCases.randomElement(using: &generator) }
                if Int.random(in: 0..<5, using: &generator) == 0 { query.openType = OpenType.allCases.randomElement(using: &generator) }
                if Int.random(in: 0..<5, using: &generator) == 0 { query.format = "JSON" }
                if Int.random(in: 0..<6, using: &generator) == 0 { query.keyword = "标签\(Int.random(in: 0..<5, using: &generator))" }
                if Int.random(in: 0..<6, using: &generator) == 0 { query.providerID = organizations.randomElement(using: &generator)!.id }
                if Int.random(in: 0..<6, using: &generator) == 0 { query.divisionCode = "120101" }
                if Int.random(in: 0..<6, using: &generator) == 0 { query.updateFrequency = UpdateFrequency.allCases.randomElement(using: &generator) }
                if Bool.random(using: &generator) {
                    query.sort = CatalogSort(CatalogSort.Key.allCases.randomElement(using: &generator)!, descending: Bool.random(using: &generator))
                }
                query.limit = [1, 5, 20][round % 3]
                query.offset = [0, 0, 3, 17][round % 4]
                let page = try await store.catalog.list(query)
                let (ids, facets) = try await Self.expected(store, query, divisions: divisions)
                #expect(page.entries.map(\.id) == ids, "round \(round): \(query)")
                #expect(page.total == facets["open_type", default: [:]].values.reduce(0, +), "round \(round): \(query)")
                for (name, counts) in facets { #expect(page.facets[name] == counts, "round \(round) facet \(name): \(query)") }
            }
        }
    }

    @Test("a second instance on the same database sees every publication, revision and retirement at its next query")
    func instancesAgree() async throws {
        let (location, _, cleanup) = try await TestDatabase.makeLocation()
        let first = try await Store.open(location)
        try await Migrator(database: first.database).migrate()
        let second = try await Store.open(location)
        do {
            _ = try await Self.seed(first, count: 40)
            let query = CatalogQuery(catalog: .government, limit: 100)
            #expect(try await second.catalog.list(query).entries.map(\.id) == first.catalog.list(query).entries.map(\.id))
            // A change through the first instance, after the second has built its index.
            let target = try #require(try await second.catalog.list(CatalogQuery(catalog: .government, text: "301005-00003", limit: 1)).entries.first)
            var draft = try await first.catalog.revise(target.id, audit: .test)
            draft.title = "火星气象观测"
            _ = try await first.catalog.update(draft, audit: .test)
            #expect(try await second.catalog.list(CatalogQuery(catalog: .government, text: "火星")).total == 0)
            for step in [CatalogRules.Transition.submit, .confirm, .publish] { try await first.catalog.apply(step, to: draft.id, audit: .test) }
            let found = try await second.catalog.list(CatalogQuery(catalog: .government, text: "火星"))
            #expect(found.entries.map(\.id) == [draft.id])
            #expect(try await second.catalog.list(CatalogQuery(catalog: .government, text: "301005-00003")).entries.map(\.id) == [draft.id])
            try await first.catalog.apply(.retire, to: draft.id, audit: .test)
            #expect(try await second.catalog.list(CatalogQuery(catalog: .government, text: "火星")).total == 0)
        } catch {
            await first.close(); await second.close(); await cleanup()
            throw error
        }
        await first.close(); await second.close(); await cleanup()
    }
}
