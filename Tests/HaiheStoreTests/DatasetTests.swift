import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Testing

/// Connecting data (Art. 11, 12) on whichever backend the run is for: batches checked against the entry's fields,
/// quarantine, versions that switch atomically, history and restore, and whole-batch failures that change nothing.
@Suite("Datasets: loading, quarantine, versions")
struct DatasetTests {
    static let fields = TestData.enterpriseFields
    static func code(_ n: Int) -> String { TestData.creditCode(n) }
    static func publishedEntry(_ store: Store) async throws -> CatalogEntry { try await TestData.publishedEnterpriseEntry(store) }

    static func csv(_ text: String) -> BatchSource { .bytes(Array(text.utf8), format: .csv) }

    @Test("a batch with good and bad rows: counts add up, every bad row waits in quarantine with its reasons, the rest is published")
    func loadWithQuarantine() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let entry = try await Self.publishedEntry(store)
            let text = """
                统一社会信用代码,企业名称,注册资本,成立日期,经营状态
                \(Self.code(1)),天津甲科技有限公司,100.5,2020-01-02,存续
                \(Self.code(2)),"天津乙贸易有限公司,滨海分公司",0,2021/03/04,注销
                91350100M000100Y44,天津丙公司,-5,2021-02-30,开业
                \(Self.code(1)),天津甲科技有限公司（重复）,1,2020-01-02,存续
                \(Self.code(3)),,1,2020-01-02
                \(Self.code(4)),"天津丁公司
                （多行名称）",,,存续
                """
            let (version, report) = try await store.datasets.load(entry.entryID, from: Self.csv(text), audit: .test)
            #expect(version.status == .published && version.version == 1)
            #expect(report.rowsRead == 6 && report.rowsAccepted == 3 && report.rowsRejected == 3)
            #expect(report.rowsRead == report.rowsAccepted + report.rowsRejected)
            #expect(report.byRule["identifier"] == 1 && report.byRule["range"] == 1 && report.byRule["type"] == 1 && report.byRule["allowed_values"] == 1)
            #expect(report.byRule["unique"] == 1 && report.byRule["shape"] == 1)
            let quarantine = try await store.datasets.quarantine(versionID: version.id)
            #expect(quarantine.map(\.rowNumber) == [4, 5, 6])
            #expect(quarantine[0].problems.count == 4)
            #expect(quarantine[0].original.contains("91350100M000100Y44"))
            #expect(quarantine[0].problems.allSatisfy { !$0.messageZH.isEmpty && !$0.messageEN.isEmpty })

            let (columns, rows, total) = try await store.datasets.rows(entryID: entry.entryID)
            #expect(columns == Self.fields.map(\.name) && total == 3)
            #expect(rows[1] == [.text(Self.code(2)), .text("天津乙贸易有限公司,滨海分公司"), .real(0), .text("2021-03-04"), .text("注销")])
            #expect(rows[2][1] == .text("天津丁公司\n（多行名称）") && rows[2][2] == .null)
            // The entry's "last updated" moved (it feeds overdue detection), and the load is on the audit trail.
            #expect(try await store.catalog.findPublished(entry.entryID, in: .government)?.dataUpdatedAt != nil)
            #expect(try await store.audit.search(AuditFilter(objectID: version.id)).total == 1)
        }
    }

    @Test("a new batch replaces the rows all at once; history keeps every version; an earlier one can be restored")
    func versionsAndRestore() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let entry = try await Self.publishedEntry(store)
            let header = "credit_code,name,capital,founded_on,status\n"
            let first = try await store.datasets.load(entry.entryID, from: Self.csv(header + (1...5).map { "\(Self.code($0)),公司\($0),1,2020-01-01,存续" }.joined(separator: "\n")), audit: .test).0
            let second = try await store.datasets.load(entry.resourceCode, from: Self.csv(header + (6...8).map { "\(Self.code($0)),公司\($0),2,2021-01-01,注销" }.joined(separator: "\n")), audit: .test).0
            #expect(second.version == 2)
            #expect(try await store.datasets.rows(entryID: entry.entryID).total == 3)
            #expect(try await store.datasets.current(entryID: entry.entryID)?.id == second.id)
            let history = try await store.datasets.history(entryID: entry.entryID)
            #expect(history.map(\.version) == [2, 1] && history.map(\.status) == [.published, .superseded])
            let restored = try await store.datasets.restore(entryID: entry.entryID, versionID: first.id, audit: .test)
            #expect(restored.version == 3 && restored.restoredFrom == first.id && restored.rowsAccepted == 5)
            let rows = try await store.datasets.rows(entryID: entry.entryID)
            #expect(rows.total == 5 && rows.rows.first?.first == .text(Self.code(1)))
        }
    }

    @Test("GB18030 files and JSON (array or one object per line) load like UTF-8 CSV")
    func encodingsAndJSON() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let entry = try await Self.publishedEntry(store)
            // A row in GB18030: 天津企业 is CC EC BD F2 C6 F3 D2 B5, 存续 is B4 E6 D0 F8.
            let gb18030 = Array("credit_code,name,capital,founded_on,status\n\(Self.code(9)),".utf8) + [0xCC, 0xEC, 0xBD, 0xF2, 0xC6, 0xF3, 0xD2, 0xB5]
                + Array(",3,2020-01-01,".utf8) + [0xB4, 0xE6, 0xD0, 0xF8] + [0x0A]  // 存续
            let (_, report) = try await store.datasets.load(entry.entryID, from: .bytes(gb18030, format: .csv), audit: .test)
            #expect(report.encoding == "gb18030" && report.rowsAccepted == 1)
            #expect(try await store.datasets.rows(entryID: entry.entryID).rows.first?[1] == .text("天津企业"))

            let array = #"[{"credit_code": "\#(Self.code(10))", "name": "甲", "capital": 12.5, "status": "存续"}, {"统一社会信用代码": "\#(Self.code(11))", "企业名称": "乙", "capital": null}]"#
            let json = try await store.datasets.load(entry.entryID, from: .bytes(Array(array.utf8), format: .json), audit: .test).1
            #expect(json.rowsAccepted == 2)
            #expect(try await store.datasets.rows(entryID: entry.entryID).rows.first?[2] == .real(12.5))
            let lines = "{\"credit_code\": \"\(Self.code(12))\", \"name\": \"丙\"}\n\n{\"credit_code\": \"bad\", \"name\": \"丁\"}\n"
            let ndjson = try await store.datasets.load(entry.entryID, from: .bytes(Array(lines.utf8), format: .json), audit: .test).1
            #expect(ndjson.rowsAccepted == 1 && ndjson.rowsRejected == 1 && ndjson.examples.first?.rowNumber == 3)
        }
    }

    @Test("with the reject-batch policy one bad row refuses the batch, its quarantine is kept, and the version in force stays")
    func rejectBatchPolicy() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let entry = try await Self.publishedEntry(store)
            let header = "credit_code,name,capital,founded_on,status\n"
            let good = try await store.datasets.load(entry.entryID, from: Self.csv(header + "\(Self.code(1)),甲,1,2020-01-01,存续"), audit: .test).0
            try await store.datasets.setPolicy(.rejectBatch, entryID: entry.entryID, audit: .test)
            #expect(try await store.datasets.policy(entryID: entry.entryID) == .rejectBatch)
            let (refused, report) = try await store.datasets.load(entry.entryID, from: Self.csv(header + "\(Self.code(2)),乙,1,2020-01-01,存续\nbad,丙,1,2020-01-01,存续"), audit: .test)
            #expect(refused.status == .rejected && report.rowsRejected == 1)
            #expect(try await store.datasets.current(entryID: entry.entryID)?.id == good.id)
            #expect(try await store.datasets.rows(entryID: entry.entryID).total == 1)
            #expect(try await store.datasets.quarantine(versionID: refused.id).count == 1)
        }
    }

    @Test("a bad file as a whole is one bilingual error naming the place, and changes nothing")
    func badFiles() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let entry = try await Self.publishedEntry(store)
            let header = "credit_code,name,capital,founded_on,status\n"
            let good = try await store.datasets.load(entry.entryID, from: Self.csv(header + "\(Self.code(1)),甲,1,2020-01-01,存续"), audit: .test).0
            let bad: [(BatchSource, String)] = [
                (Self.csv(""), "data.empty"),
                (Self.csv("credit_code,name,capital,founded_on,status,extra\n"), "data.unknown_columns"),
                (Self.csv("credit_code,capital\n"), "data.missing_columns"),
                (Self.csv(header + "\(Self.code(2)),\"unclosed,1,2020-01-01,存续\n"), "data.unterminated_quote"),
                (Self.csv(header + "\(Self.code(2))," + String(repeating: "长", count: 400_000) + ",1,2020-01-01,存续\n"), "data.field_too_long"),
                (.bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00], format: .csv), "data.not_text"),
                (.bytes(Array(header.utf8) + [0x31, 0xFF, 0xFE, 0x0A], format: .csv, encoding: .utf8), "data.encoding"),
                (.bytes(Array("{not json".utf8), format: .json), "data.json"),
            ]
            for (source, code) in bad {
                do {
                    _ = try await store.datasets.load(entry.entryID, from: source, audit: .test)
                    Issue.record("accepted a file that should fail with \(code)")
                } catch let error as HaiheError {
                    #expect(error.code == code)
                    #expect(!error.messageZH.isEmpty && !error.messageEN.isEmpty)
                }
            }
            #expect(try await store.datasets.current(entryID: entry.entryID)?.id == good.id)
            #expect(try await store.datasets.rows(entryID: entry.entryID).total == 1)
            #expect(try await store.datasets.history(entryID: entry.entryID).filter { $0.status == .loading }.isEmpty)
            // Only a published entry takes data.
            await #expect(throws: HaiheError.self) { try await store.datasets.load("no-such-entry", from: Self.csv(header), audit: .test) }
        }
    }

    @Test("push: rows replace those with the same key, keys are deleted, and a batch id is applied once")
    func push() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let entry = try await Self.publishedEntry(store)
            _ = try await store.datasets.load(entry.entryID, from: Self.csv(TestData.enterpriseCSV(1...5)), audit: .test)
            let upserts = #"[{"credit_code": "\#(Self.code(2))", "name": "改名后的公司", "status": "注销"}, {"credit_code": "\#(Self.code(9))", "name": "新公司"}, {"credit_code": "bad", "name": "坏"}]"#
            let first = try await store.datasets.push(entry.entryID, batchID: "batch-1", upserts: .bytes(Array(upserts.utf8), format: .json),
                                                      deletes: [["credit_code": Self.code(5)], ["credit_code": Self.code(77)]], audit: .test)
            #expect(!first.replayed && first.version.version == 2 && first.version.source == "push")
            #expect(first.report.rowsAccepted == 2 && first.report.rowsRejected == 1 && first.report.rowsDeleted == 1)
            let rows = try await store.datasets.rows(entryID: entry.entryID)
            #expect(rows.total == 5)
            #expect(Set(rows.rows.map { $0[0] }) == Set([1, 2, 3, 4, 9].map { SQLValue.text(Self.code($0)) }))
            #expect(rows.rows.first { $0[0] == .text(Self.code(2)) }?[1] == .text("改名后的公司"))

            let again = try await store.datasets.push(entry.entryID, batchID: "batch-1", upserts: .bytes(Array(upserts.utf8), format: .json),
                                                      deletes: [["credit_code": Self.code(1)]], audit: .test)
            #expect(again.replayed && again.version.id == first.version.id)
            #expect(try await store.datasets.rows(entryID: entry.entryID).total == 5)
            #expect(try await store.datasets.history(entryID: entry.entryID).count == 2)

            // A batch that fails as a whole gives its id back, so the sender can fix it and send it again.
            await #expect(throws: HaiheError.self) {
                try await store.datasets.push(entry.entryID, batchID: "batch-2", upserts: .bytes(Array("[]".utf8), format: .json),
                                              deletes: [["name": "no key here"]], audit: .test)
            }
            let retried = try await store.datasets.push(entry.entryID, batchID: "batch-2", upserts: .bytes(Array("[]".utf8), format: .json),
                                                        deletes: [["统一社会信用代码": Self.code(1)]], audit: .test)
            #expect(!retried.replayed && retried.report.rowsDeleted == 1)
            #expect(try await store.datasets.rows(entryID: entry.entryID).total == 4)
        }
    }

    @Test("a wide table (1,200 fields) loads: rows per statement shrink to stay within SQLite's parameter limit")
    func wideTable() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let base = try await Self.publishedEntry(store)
            var entry = CatalogEntry(resourceCode: "105001-00099", title: "宽表", summary: "很多列", providerID: base.providerID, domain: .other,
                                     fields: (1...1_200).map { FieldDefinition(name: "c\($0)", labelZH: "列\($0)", type: .text) },
                                     updateFrequency: .yearly, shareType: .unconditional, openType: .unconditional)
            entry.status = .published
            entry.publishedAt = Date()
            try await store.database.transaction { try await CatalogStore.importVersion(entry, in: $0) }
            let header = (1...1_200).map { "c\($0)" }.joined(separator: ",")
            // Short values: PostgreSQL keeps a row of short values within one 8 KB page.
            let rows = (1...40).map { r in (1...1_200).map { $0 == 1_200 ? "\(r)" : "\($0 % 10)" }.joined(separator: ",") }.joined(separator: "\n")
            let (_, report) = try await store.datasets.load(entry.entryID, from: Self.csv(header + "\n" + rows), audit: .test)
            #expect(report.rowsAccepted == 40)
            #expect(try await store.datasets.rows(entryID: entry.entryID).rows.last?.last == .text("40"))
        }
    }

    @Test("a load whose process died (its lease ran out) is dropped and never becomes visible")
    func abandonedLoads() async throws {
        try await TestDatabase.withStore { (store: Store, _: String) async throws in
            let entry = try await Self.publishedEntry(store)
            let header = "credit_code,name,capital,founded_on,status\n"
            let good = try await store.datasets.load(entry.entryID, from: Self.csv(header + "\(Self.code(1)),甲,1,2020-01-01,存续"), audit: .test).0
            // What a killed loader leaves: a version in `loading` with a table of rows, committed chunk by chunk.
            try await store.database.transaction { session in
                try await session.execute("""
                    INSERT INTO dataset_versions (id, entry_id, version, catalog_version_id, table_name, table_present, status, source,
                        rows_read, rows_accepted, rows_rejected, created_at, lease_until)
                    VALUES ('01900000-0000-7000-8000-000000000001', $1, 2, $2, 'ds_01900000000070008000000000000001', 1, 'loading', 'import', 0, 0, 0, $3, $4)
                    """, entry.entryID, entry.id, Date(), Date().addingTimeInterval(-1))
                try await session.execute("CREATE TABLE ds_01900000000070008000000000000001 (_row BIGINT)")
            }
            #expect(try await store.datasets.current(entryID: entry.entryID)?.id == good.id)
            try await store.datasets.abandonExpiredLoads()
            let history = try await store.datasets.history(entryID: entry.entryID)
            #expect(history.first?.status == .abandoned && history.first?.restorable == false)
            await #expect(throws: (any Error).self) {
                try await store.database.read { try await $0.query("SELECT * FROM ds_01900000000070008000000000000001") }
            }
        }
    }
}
