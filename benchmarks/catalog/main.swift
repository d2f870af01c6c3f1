// Catalog benchmark: 100,000 catalog entries on SQLite; full-text search and faceted browse of the city
// catalogs through the same store code the server uses. Reproducible: entries come from a fixed-seed generator.
//
//   swift run -c release catalog-benchmark [--entries 100000] [--iterations 200]
//
// Prints p50/p99 per query in milliseconds for Haihe's catalog query and, side by side on the same database file,
// for the same page computed in plain SQL (LIKE and GROUP BY), as a SQL-backed catalog would.
import Foundation
import HaiheCore
import BenchmarkSupport
import HaiheStore


func argument(_ name: String, _ fallback: Int) -> Int { option(name).flatMap { Int($0) } ?? fallback }

enum CatalogBenchmark {
    nonisolated static func run() async throws {
        let entryCount = argument("--entries", 100_000)
        let iterations = argument("--iterations", 200)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-catalog-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        
        let store = try await Store.open(.sqlite(dataDirectory: directory))
        try await Migrator(database: store.database).migrate()
        
        // Organisations: 60 departments across 16 districts.
        var generator = SeededGenerator(state: 2026)
        let districts = (1...16).map { String(format: "1201%02d", $0) }
        var organizations: [Organization] = []
        for i in 0..<60 {
            let division = i < 40 ? "120000" : districts[i % 16]
            let code = UnifiedSocialCreditCode.make(authority: "1", type: "1", division: division, organizationBody: String(format: "%08d", 50_000_000 + i))!
            organizations.append(Organization(kind: i < 40 ? .cityDepartment : .districtGovernment, nameZH: "天津市第\(i + 1)委办局", nameEN: "Department \(i + 1)",
                                              creditCode: code, divisionCode: division))
        }
        for organization in organizations { try await store.organizations.create(organization, audit: AuditDraft(actor: nil, action: "bench", objectType: "bench")) }
        
        let subjects = ["企业登记", "信用评价", "公交线路", "医疗机构", "招聘岗位", "社会保险", "学校名录", "空气质量", "天气实况", "道路运输", "食品安全", "环境处罚",
                        "养老服务", "住房保障", "市场监管", "知识产权", "农业补贴", "文化场馆", "体育设施", "旅游景区"]
        let english = ["enterprise registry", "credit rating", "bus lines", "hospitals", "job vacancies", "social insurance", "schools", "air quality",
                       "weather", "road transport", "food safety", "environmental penalties", "elderly care", "housing", "market supervision",
                       "patents", "farm subsidies", "cultural venues", "sports facilities", "tourist sites"]
        let labels = ["统一社会信用代码", "企业名称", "地址", "联系电话", "登记日期", "金额", "数量", "状态", "所属区", "负责人", "经度", "纬度", "监测值", "类别"]
        let started = Date()
        var written = 0
        while written < entryCount {
            let batch = min(2_000, entryCount - written)
            try await store.database.transaction { session in
                for i in written..<(written + batch) {
                    let topic = Int.random(in: 0..<subjects.count, using: &generator)
                    let organization = organizations[Int.random(in: 0..<organizations.count, using: &generator)]
                    let fieldCount = Int.random(in: 3...8, using: &generator)
                    let fields = (0..<fieldCount).map { f in
                        FieldDefinition(name: "field_\(f)", labelZH: labels[(topic + f * 3) % labels.count], type: .text)
                    }
                    var entry = CatalogEntry(resourceCode: String(format: "%d%02d%03d-%06d", 1 + topic % 9, topic, i % 1000, i),
                                             title: "\(subjects[topic])信息（第\(i)号）", titleEN: "\(english[topic]) #\(i)",
                                             summary: "\(organization.nameZH)提供的\(subjects[topic])数据，按月更新。", providerID: organization.id,
                                             domain: Domain.allCases[topic % Domain.allCases.count], keywords: [subjects[topic], english[topic]],
                                             formats: i % 3 == 0 ? ["CSV", "JSON"] : ["CSV"], fields: fields,
                                             updateFrequency: UpdateFrequency.allCases[i % UpdateFrequency.allCases.count],
                                             shareType: ShareType.allCases[i % 3], openType: OpenType.allCases[(i / 3) % 3], securityGrade: .internalUse,
                                             legalBasis: LegalBasis(name: "测试法规", article: "第一条"))
                    entry.status = i % 10 == 0 ? .draft : .published
                    entry.publishedAt = entry.status == .published ? started.addingTimeInterval(-Double(i)) : nil
                    try await CatalogStore.importVersion(entry, in: session)
                }
            }
            written += batch
        }
        let loadSeconds = Date().timeIntervalSince(started)
        print(String(format: "loaded %d entries in %.1f s (%.0f entries/s)", entryCount, loadSeconds, Double(entryCount) / loadSeconds))
        
        // The index is built from the database at the first catalog query of a process.
        let indexStarted = ContinuousClock.now
        _ = try await store.catalog.list(CatalogQuery(catalog: .open))
        print("index built from the database in \(ContinuousClock.now - indexStarted) (once per process)")

        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000
        }
        func percentiles(_ samples: [Double]) -> (Double, Double) {
            let sorted = samples.sorted()
            return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
        }
        // Side by side on the same file: the same page as plain SQL, the way a SQL-backed catalog (CKAN without Solr,
        // Datasette's facets) answers it: LIKE for text, one COUNT(*) GROUP BY per facet, ORDER BY ... LIMIT for the page.
        func plainSQL(_ condition: String) async throws -> Int {
            try await store.database.read { session in
                let whereClause = " WHERE status = 'published'" + condition
                _ = try await session.query("SELECT document FROM catalog_entries\(whereClause) ORDER BY published_at DESC, id DESC LIMIT 20")
                let total = try await session.scalarInt("SELECT COUNT(*) FROM catalog_entries\(whereClause)") ?? 0
                for column in ["domain", "provider_id", "share_type", "open_type", "update_frequency", "formats"] {
                    _ = try await session.query("SELECT \(column), COUNT(*) FROM catalog_entries\(whereClause) GROUP BY \(column)")
                }
                return total
            }
        }

        func measure(_ name: String, _ query: CatalogQuery, sql condition: String) async throws {
            var haihe: [Double] = [], sql: [Double] = []
            var total = 0, sqlTotal = 0
            for _ in 0..<iterations {
                let t0 = ContinuousClock.now
                total = try await store.catalog.list(query).total
                haihe.append(milliseconds(ContinuousClock.now - t0))
            }
            for _ in 0..<max(3, iterations / 5) {
                let t0 = ContinuousClock.now
                sqlTotal = try await plainSQL(condition)
                sql.append(milliseconds(ContinuousClock.now - t0))
            }
            let (p50, p99) = percentiles(haihe), (s50, s99) = percentiles(sql)
            print(String(format: "%-40@ %8.2f %8.2f   %8.2f %8.2f   %6d%@", name as NSString, p50, p99, s50, s99, total,
                         (total == sqlTotal ? "" : " (plain SQL found \(sqlTotal))") as NSString))
        }

        print("first page of 20 with total and facets, ms       Haihe p50      p99   plain SQL p50    p99   matches")
        let open = " AND open_type <> 'not_open'"
        try await measure("open catalog, first page", CatalogQuery(catalog: .open), sql: open)
        try await measure("search 企业 (Chinese, common)", CatalogQuery(catalog: .government, text: "企业"), sql: " AND search_text LIKE '%企业%'")
        try await measure("search 天气实况 (Chinese)", CatalogQuery(catalog: .government, text: "天气实况"), sql: " AND search_text LIKE '%天气实况%'")
        try await measure("search weather (English)", CatalogQuery(catalog: .government, text: "weather"), sql: " AND search_text LIKE '%weather%'")
        try await measure("search 第99999号 (rare)", CatalogQuery(catalog: .government, text: "第99999号"), sql: " AND search_text LIKE '%第99999号%'")
        try await measure("browse domain=transport", CatalogQuery(catalog: .government, domain: .transport), sql: " AND domain = 'transport'")
        try await measure("browse domain + share type + format", CatalogQuery(catalog: .sharing, domain: .credit, shareType: .conditional, format: "JSON"),
                          sql: " AND share_type = 'conditional' AND domain = 'credit' AND formats LIKE '%,JSON,%'")
        try await measure("browse district 120105", CatalogQuery(catalog: .government, divisionCode: "120105"),
                          sql: " AND provider_id IN (SELECT id FROM organizations WHERE division_code = '120105')")
        await store.close()
    }
}

try await CatalogBenchmark.run()
