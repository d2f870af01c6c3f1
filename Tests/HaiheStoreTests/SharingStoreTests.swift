import Foundation
import HaiheCore
@testable import HaiheStore
import HaiheTestSupport
import Testing

@Suite("Share requests, grants, deliveries and the calendar in the database")
struct SharingStoreTests {
    static func at(_ text: String) -> Date { WorkingCalendar.parseInstant(text)! }

    static func consumer(_ store: Store) async throws -> Organization {
        let organization = Organization(kind: .cityDepartment, nameZH: "天津市公安局", creditCode: UnifiedSocialCreditCode.make(
            authority: "1", type: "1", division: "120000", organizationBody: "70000002")!, divisionCode: "120000")
        try await store.organizations.create(organization, audit: .test)
        return organization
    }

    static func application(fields: [String] = ["name", "capital"], from: String = "2026-10-01", until: String = "2027-09-30") -> ShareApplication {
        ShareApplication(fields: fields, purpose: "核验企业登记信息", duty: "治安管理", legalBasis: "《天津市促进大数据发展应用条例》第十七条",
                         periodStart: CivilDay(from)!.endOfDay.addingTimeInterval(-86_399), periodEnd: CivilDay(until)!.endOfDay)
    }

    @Test("a request: accepted with a two-working-day deadline over National Day, refused, disputed, negotiated, arbitrated, shared in part")
    func lifecycle() async throws {
        try await TestDatabase.withStore { store, _ in
            let entry = try await TestData.publishedEnterpriseEntry(store, shareType: .conditional)
            let police = try await Self.consumer(store)
            let consumer = SharingStore.Actor(userID: "u-police", organizationID: police.id)
            let provider = SharingStore.Actor(userID: "u-market", organizationID: entry.providerID)
            let regulator = SharingStore.Actor(userID: "u-regulator", organizationID: "cac")

            let request = try await store.sharing.submit(entry: entry, application: Self.application(), by: consumer, audit: .test,
                                                         at: Self.at("2026-09-30T16:00:00+08:00"))
            #expect(request.status == .pending)
            #expect(WorkingCalendar.beijingText(request.deadline) == "2026-10-09T23:59:59+08:00")

            // A refusal needs a reason and a basis.
            await #expect(throws: HaiheError.self) {
                try await store.sharing.answer(request.id, .refuse(reason: "涉及个人信息", basis: " "), entry: entry, by: provider, audit: .test)
            }
            let refused = try await store.sharing.answer(request.id, .refuse(reason: "涉及商业秘密", basis: "《反不正当竞争法》第九条"), entry: entry, by: provider,
                                                         audit: .test, at: Self.at("2026-10-08T10:00:00+08:00"))
            #expect(refused.status == .refused && refused.answeredAt != nil && !refused.wasLate(at: Self.at("2026-12-01T00:00:00Z")))
            // Steps out of order are refused with the state named.
            await #expect(throws: HaiheError.self) { try await store.sharing.decide(request.id, .share, fields: nil, reason: "x", entry: entry, by: regulator, audit: .test) }

            _ = try await store.sharing.dispute(request.id, message: "履职确需，仅需名称与注册资本", by: consumer, audit: .test, at: Self.at("2026-10-08T11:00:00+08:00"))
            _ = try await store.sharing.message(request.id, text: "可否仅提供名称？", by: provider, audit: .test, at: Self.at("2026-10-08T12:00:00+08:00"))
            let arbitration = try await store.sharing.requestArbitration(request.id, reason: "协商不成", by: consumer, audit: .test, at: Self.at("2026-10-09T09:00:00+08:00"))
            #expect(arbitration.status == .arbitration)
            let escalated = try await store.sharing.requests(.escalated, organizationID: nil)
            #expect(escalated.map(\.id) == [request.id])

            // Sharing in part cannot add fields the consumer did not ask for.
            await #expect(throws: HaiheError.self) {
                try await store.sharing.decide(request.id, .sharePartly, fields: ["credit_code"], reason: "x", entry: entry, by: regulator, audit: .test)
            }
            let decided = try await store.sharing.decide(request.id, .sharePartly, fields: ["name"], reason: "名称属于公开信息，可共享", entry: entry,
                                                         by: regulator, audit: .test, at: Self.at("2026-10-10T10:00:00+08:00"))
            #expect(decided.status == .decided && decided.decision == .sharePartly)
            let grantID = try #require(decided.grantID)
            let grant = try #require(try await store.sharing.grant(id: grantID))
            #expect(grant.fields == ["name"] && grant.consumerID == police.id && grant.purpose == "核验企业登记信息")
            // Final: nothing more happens to it.
            await #expect(throws: HaiheError.self) { try await store.sharing.message(request.id, text: "再议", by: consumer, audit: .test) }

            let timeline = try await store.sharing.events(requestID: request.id).map(\.kind)
            #expect(timeline == [.submitted, .refused, .disputed, .message, .arbitrationRequested, .decided])
            // Every step reached the audit trail, and the chain holds.
            #expect(try await store.audit.search(AuditFilter(objectID: request.id)).total == 6)
            #expect(try await store.audit.verify(trustedKeys: nil).problem == nil)
        }
    }

    @Test("an unanswered request escalates once its deadline has passed, by the clock given, and counts against the provider")
    func overdue() async throws {
        try await TestDatabase.withStore { store, _ in
            let entry = try await TestData.publishedEnterpriseEntry(store, shareType: .conditional)
            let police = try await Self.consumer(store)
            let consumer = SharingStore.Actor(userID: "u", organizationID: police.id)
            // Friday before the 2026 Spring Festival: Saturday 2-14 is worked, then 2-24.
            let request = try await store.sharing.submit(entry: entry, application: Self.application(), by: consumer, audit: .test,
                                                         at: Self.at("2026-02-13T15:00:00+08:00"))
            #expect(WorkingCalendar.beijingText(request.deadline) == "2026-02-24T23:59:59+08:00")
            #expect(try await store.sharing.escalateOverdue(at: Self.at("2026-02-24T23:59:00+08:00")).isEmpty)
            let escalated = try await store.sharing.escalateOverdue(at: Self.at("2026-02-25T00:00:01+08:00"))
            #expect(escalated.map(\.id) == [request.id])
            #expect(try await store.sharing.escalateOverdue(at: Self.at("2026-02-26T00:00:00+08:00")).isEmpty, "escalated once")
            #expect(try await store.sharing.requests(.escalated, organizationID: nil).map(\.id) == [request.id])
            let record = try #require(try await store.sharing.responseRecords(at: Self.at("2026-02-26T00:00:00+08:00")).first)
            #expect(record.providerID == entry.providerID && record.overdueOpen == 1 && record.answered == 0)
            // A late approval still grants, and is counted late.
            let approved = try await store.sharing.answer(request.id, .approve(fields: ["name"], periodEnd: nil), entry: entry,
                                                          by: .init(userID: "p", organizationID: entry.providerID), audit: .test, at: Self.at("2026-02-26T10:00:00+08:00"))
            #expect(approved.status == .approved)
            let after = try #require(try await store.sharing.responseRecords(at: Self.at("2026-02-27T00:00:00+08:00")).first)
            #expect(after.answeredLate == 1 && after.overdueOpen == 0)
            #expect(try await store.sharing.events(requestID: request.id).map(\.kind) == [.submitted, .escalated, .approved])
        }
    }

    @Test("unconditional and not-shared entries take no applications; approval narrows, never widens; revocation is recorded")
    func grants() async throws {
        try await TestDatabase.withStore { store, _ in
            let open = try await TestData.publishedEnterpriseEntry(store)
            let police = try await Self.consumer(store)
            let consumer = SharingStore.Actor(userID: "u", organizationID: police.id)
            await #expect(throws: HaiheError.self) { try await store.sharing.submit(entry: open, application: Self.application(), by: consumer, audit: .test) }
            var conditional = open
            conditional.shareType = .conditional
            await #expect(throws: HaiheError.self) {
                try await store.sharing.submit(entry: conditional, application: Self.application(), by: .init(userID: "p", organizationID: open.providerID), audit: .test)
            }
            let request = try await store.sharing.submit(entry: conditional, application: Self.application(), by: consumer, audit: .test)
            let provider = SharingStore.Actor(userID: "p", organizationID: open.providerID)
            await #expect(throws: HaiheError.self) {
                try await store.sharing.answer(request.id, .approve(fields: ["credit_code"], periodEnd: nil), entry: conditional, by: provider, audit: .test)
            }
            await #expect(throws: HaiheError.self) {
                try await store.sharing.answer(request.id, .approve(fields: nil, periodEnd: Self.at("2030-01-01")), entry: conditional, by: provider, audit: .test)
            }
            // An empty list of fields is a mistake, not "everything".
            await #expect(throws: HaiheError.self) {
                try await store.sharing.answer(request.id, .approve(fields: [], periodEnd: nil), entry: conditional, by: provider, audit: .test)
            }
            // One open request per entry and department.
            await #expect(throws: HaiheError.self) { try await store.sharing.submit(entry: conditional, application: Self.application(), by: consumer, audit: .test) }
            let approved = try await store.sharing.answer(request.id, .approve(fields: ["capital"], periodEnd: CivilDay("2027-03-31")!.endOfDay),
                                                          entry: conditional, by: provider, audit: .test)
            let grant = try #require(try await store.sharing.grant(id: approved.grantID!))
            #expect(grant.fields == ["capital"] && WorkingCalendar.beijingText(grant.endsAt) == "2027-03-31T23:59:59+08:00")
            let revoked = try await store.sharing.revoke(grantID: grant.id, reason: "超范围使用", by: .init(userID: "r", organizationID: "cac"), audit: .test)
            #expect(revoked.revokedAt != nil && !revoked.isLive(at: Date()))
            await #expect(throws: HaiheError.self) { try await store.sharing.revoke(grantID: grant.id, reason: "again", by: .init(userID: "r", organizationID: "cac"), audit: .test) }
            #expect(try await store.sharing.events(requestID: request.id).last?.kind == .revoked)
        }
    }

    @Test("the regulator loads a new year; deadlines move with it; a bad file changes nothing")
    func calendarLoads() async throws {
        try await TestDatabase.withStore { store, _ in
            #expect(try await store.calendar.years().map(\.year) == Array(2019...2026))
            let before = try await store.calendar.calendar()
            let accepted = Self.at("2026-12-31T10:00:00+08:00")
            let entry = try await TestData.publishedEnterpriseEntry(store, shareType: .conditional)
            let police = try await Self.consumer(store)
            let pending = try await store.sharing.submit(entry: entry, application: Self.application(until: "2027-12-31"), by: .init(userID: "u", organizationID: police.id),
                                                         audit: .test, at: accepted)
            #expect(WorkingCalendar.beijingText(pending.deadline) == "2027-01-04T23:59:59+08:00")
            #expect(WorkingCalendar.beijingText(before.deadline(accepted: accepted, workingDays: 2)) == "2027-01-04T23:59:59+08:00")
            let schedule = try ScheduleFile.parse(Array("date,kind,name\n2027-01-01,holiday,元旦\n".utf8))
            try await store.calendar.load(schedule, audit: .test)
            let after = try await store.calendar.calendar()
            #expect(WorkingCalendar.beijingText(after.deadline(accepted: accepted, workingDays: 2)) == "2027-01-05T23:59:59+08:00")
            #expect(WorkingCalendar.beijingText(try #require(try await store.sharing.request(id: pending.id)).deadline) == "2027-01-05T23:59:59+08:00",
                    "a running deadline moves with the corrected calendar")
            #expect(try await store.calendar.years().last?.year == 2027)
            // Replacing a year replaces all its days.
            try await store.calendar.load(try ScheduleFile.parse(Array("date,kind,name\n2027-01-04,holiday,test\n".utf8)), audit: .test)
            let replaced = try await store.calendar.calendar()
            #expect(replaced.isWorkingDay(CivilDay("2027-01-01")!) && !replaced.isWorkingDay(CivilDay("2027-01-04")!))
            await #expect(throws: HaiheError.self) {
                try await store.calendar.load([HolidaySchedule(year: 2028, source: "", days: [.init(date: "2028-02-30", kind: .holiday, name: "x")])], audit: .test)
            }
            #expect(try await store.calendar.years().map(\.year) == Array(2019...2027))
        }
    }

    @Test("rows are read by filters, selection and sort within what is visible, and streamed in row order in batches")
    func queries() async throws {
        try await TestDatabase.withStore { store, _ in
            let entry = try await TestData.publishedEnterpriseEntry(store)
            let (version, _) = try await store.datasets.load(entry.entryID, from: .bytes(Array(TestData.enterpriseCSV(1...2500).utf8), format: .csv), audit: .test)
            let query = try DatasetQuery(parameters: [("capital__gte", "990"), ("name__contains", "第1"), ("sort", "-capital"), ("limit", "3")], fields: entry.fields)
            let page = try await store.datasets.page(version, fields: entry.fields, visible: ["name", "capital"], query: query)
            // capital = n % 1000 + .5 ≥ 990 and the name holds 第1: n in 1990...1999.
            #expect(page.total == 10 && page.columns == ["name", "capital"] && page.rows.count == 3)
            #expect(page.rows.first?[1] == .real(999.5) && page.rows.first?[0] == .text("天津第1999号企业有限公司"))
            let prefix = try DatasetQuery(parameters: [("credit_code__prefix", String(TestData.creditCode(7).prefix(10))), ("status__in", "存续,注销")], fields: entry.fields)
            #expect(try await store.datasets.page(version, fields: entry.fields, visible: ["credit_code"], query: prefix).total == 2500)
            var seen = 0
            var batches = 0
            try await store.datasets.stream(version, fields: entry.fields, columns: ["credit_code"], query: DatasetQuery(), batchSize: 1000) { batch in
                #expect(batch.first?.first == .text(TestData.creditCode(seen + 1)))
                seen += batch.count
                batches += 1
            }
            #expect(seen == 2500 && batches == 3)
        }
    }

    @Test("a sorted page, either way and with NULLs, is read off a reader index with no sort step, on both databases")
    func sortedPagesUseTheirIndex() async throws {
        try await TestDatabase.withStore { store, _ in
            let entry = try await TestData.publishedEnterpriseEntry(store)
            // Every seventh capital empty: NULLs go first going up and last going down, and the index must hold them so.
            let csv = TestData.enterpriseCSV(1...2000).split(separator: "\n").enumerated().map { index, line in
                guard index > 0, index % 7 == 0 else { return String(line) }
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                cells[2] = ""
                return cells.joined(separator: ",")
            }.joined(separator: "\n")
            let (version, _) = try await store.datasets.load(entry.entryID, from: .bytes(Array(csv.utf8), format: .csv), audit: .test)
            for descending in [false, true] {
                let query = try DatasetQuery(parameters: [("sort", descending ? "-capital" : "capital"), ("limit", "100")], fields: entry.fields)
                let page = try await store.datasets.page(version, fields: entry.fields, visible: ["capital"], query: query, countTotal: false)
                #expect((page.rows.first?.first == .null) != descending && page.rows.count == 100)
                let sql = "SELECT _row FROM \(version.tableName) ORDER BY \(DatasetStore.orderClause([("capital", descending), ("_row", false)])) LIMIT 100"
                let plan = try await store.database.transaction { session -> String in
                    if session.dialect == .postgres {
                        // Sorting made dear, so a plan with a sort step means no index could give the order.
                        try await session.execute("SET LOCAL enable_sort = off")
                        try await session.execute("SET LOCAL enable_seqscan = off")
                    }
                    let rows = try await session.query((session.dialect == .sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql)
                    return rows.flatMap { $0.values.compactMap { if case .text(let t) = $0 { t } else { nil } } }.joined(separator: "\n")
                }
                #expect(!plan.contains("TEMP B-TREE") && !plan.contains("Sort"), "\(descending ? "descending" : "ascending"): \(plan)")
                #expect(plan.contains("INDEX") || plan.contains("Index"), "\(plan)")
            }
        }
    }

    @Test("concurrent first viewers of a version share one profile computation, stored once")
    func oneProfileComputation() async throws {
        try await TestDatabase.withStore { store, _ in
            let entry = try await TestData.publishedEnterpriseEntry(store)
            let (version, _) = try await store.datasets.load(entry.entryID, from: .bytes(Array(TestData.enterpriseCSV(1...3000).utf8), format: .csv), audit: .test)
            let profiles = try await withThrowingTaskGroup(of: DatasetProfile.self) { group in
                for _ in 0..<8 { group.addTask { try await store.datasets.profile(version, fields: entry.fields) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(profiles.count == 8 && profiles.allSatisfy { $0 == profiles[0] } && profiles[0].rows == 3000)
            #expect(store.datasets.profiles.state.withLock { $0.started } == 1)
            #expect(try await store.datasets.profile(version, fields: entry.fields) == profiles[0])
            #expect(store.datasets.profiles.state.withLock { $0.started } == 1, "read back from the database")
        }
    }

    @Test("a text search reads the trigram index once it is built, and answers exactly as the scan did; old versions drop it")
    func textSearchIndex() async throws {
        try await TestDatabase.withStore { store, _ in
            let entry = try await TestData.publishedEnterpriseEntry(store)
            var csv = TestData.enterpriseCSV(1...2000)
            // Names with characters that mean something to FTS5 and to LIKE, and upper and lower case.
            csv += "\(TestData.creditCode(2001)),\"天津\"\"引号\"\"100%_股份公司\",1,2020-01-01,存续\n\(TestData.creditCode(2002)),Tianjin ABC Ltd,1,2020-01-01,存续\n"
            let (version, _) = try await store.datasets.load(entry.entryID, from: .bytes(Array(csv.utf8), format: .csv), audit: .test)
            let questions: [[(String, String)]] = [
                [("name__contains", "第199")], [("q", "第1999号")], [("name__contains", "\"引号\"")], [("name__contains", "100%_")], [("name__contains", "0%_")],
                [("name__contains", "abc")], [("name__contains", "ABC")], [("name__contains", "第7")], [("q", "存续")], [("name__contains", "没有这家")],
            ]
            func answers() async throws -> [[String]] {
                var result: [[String]] = []
                for parameters in questions {
                    let query = try DatasetQuery(parameters: parameters + [("select", "credit_code"), ("limit", "1000")], fields: entry.fields)
                    let page = try await store.datasets.page(version, fields: entry.fields, visible: ["credit_code"], query: query)
                    result.append(page.rows.map { "\($0.first ?? .null)" } + ["total \(page.total)"])
                }
                return result
            }
            let scanned = try await answers()
            #expect(scanned[0].count == 12 && scanned[2].count == 2 && scanned[3].count == 2 && scanned[5] == ["total 0"] && scanned[6].count == 2)
            let ready = try await store.datasets.awaitTextIndexes(version, fields: entry.fields, query: DatasetQuery(parameters: [("q", "第1999号")], fields: entry.fields))
            #expect(ready == ["credit_code", "name", "status"])
            #expect(try await answers() == scanned)

            // The plan reads the index: SQLite's FTS5 table, PostgreSQL's GIN index (scans made dear).
            let query = try DatasetQuery(parameters: [("name__contains", "第1999号")], fields: entry.fields)
            let plan = try await store.database.transaction { session -> String in
                let (condition, binds) = DatasetStore.condition(query, fields: entry.fields, dialect: session.dialect, table: version.tableName, textIndexed: ["name"])
                if session.dialect == .postgres { try await session.execute("SET LOCAL enable_seqscan = off") }
                let rows = try await session.query((session.dialect == .sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + "SELECT _row FROM \(version.tableName)\(condition)", binds)
                return rows.flatMap { $0.values.compactMap { if case .text(let t) = $0 { t } else { nil } } }.joined(separator: "\n")
            }
            let index = DatasetStore.textIndexName(version.tableName, field: "name")
            #expect(plan.contains(index) && (plan.contains("VIRTUAL TABLE INDEX") || plan.contains("Bitmap Index Scan")), "\(plan)")

            // A new version replaces this one; once it is old enough to lose its rows, its text index goes with it.
            for _ in 0..<4 { _ = try await store.datasets.load(entry.entryID, from: .bytes(Array(TestData.enterpriseCSV(1...5).utf8), format: .csv), audit: .test) }
            #expect(try await store.datasets.textIndexExists(version.tableName, field: "name") == false)
        }
    }

    @Test("facet counts over a whole version are computed once and read back the same; filtered ones are computed each time")
    func storedFacets() async throws {
        try await TestDatabase.withStore { store, _ in
            let entry = try await TestData.publishedEnterpriseEntry(store)
            let (version, _) = try await store.datasets.load(entry.entryID, from: .bytes(Array(TestData.enterpriseCSV(1...1500).utf8), format: .csv), audit: .test)
            let whole = try await store.datasets.facet(version, fields: entry.fields, field: "capital", query: DatasetQuery())
            #expect(whole.count == 1000 && whole.allSatisfy { $0.count >= 1 } && whole.map(\.count).reduce(0, +) == 1500)
            let stored = try await store.database.read { try await $0.query("SELECT counts FROM dataset_facets WHERE version_id = $1", version.id) }
            #expect(stored.count == 1)
            let again = try await store.datasets.facet(version, fields: entry.fields, field: "capital", query: DatasetQuery())
            #expect(again.map(\.value) == whole.map(\.value) && again.map(\.count) == whole.map(\.count))
            let status = try await store.datasets.facet(version, fields: entry.fields, field: "status", query: DatasetQuery())
            #expect(status.first?.value == .text("存续") && status.first?.count == 1500)
            let filtered = try await store.datasets.facet(version, fields: entry.fields, field: "status",
                                                          query: try DatasetQuery(parameters: [("capital__lt", "10")], fields: entry.fields))
            #expect(filtered.first?.count == 19, "n % 1000 below 10: 1…9 and 1000…1009")
            #expect(try await store.database.read { try await $0.query("SELECT counts FROM dataset_facets WHERE version_id = $1", version.id) }.count == 2)
        }
    }
}
