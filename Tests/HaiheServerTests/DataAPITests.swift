import Foundation
@testable import HaiheServer
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite("Connecting data over HTTP")
struct DataAPITests {
    /// The demo's 企业登记基本信息 (201005-00001) of the market regulator, with CSV rows for its fields.
    static func registryCSV(_ numbers: ClosedRange<Int>, extra: String = "") -> String {
        "统一社会信用代码,企业名称,法定代表人,注册资本,成立日期,所属区\n"
            + numbers.map { "\(TestData.creditCode($0)),天津第\($0)号有限公司,张三,\($0).5,2020-01-0\($0 % 9 + 1),和平区" }.joined(separator: "\n") + "\n" + extra
    }

    @Test("the provider uploads a batch: report, quarantine CSV, history, policy, restore; others may not; every load is audited")
    func uploadLifecycle() async throws {
        try await withDemoApp { client, store, credentials in
            var provider = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            provider[.contentType] = "text/csv"
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let stranger = try await bearer(client, "jtys.provider", credentials.password("jtys.provider"))
            let path = "/api/v1/data/201005-00001"

            let body = Self.registryCSV(1...5, extra: "91350100M000100Y44,坏公司,李四,-1,2020-02-30,火星区\n")
            let first = try await client.execute(uri: path + "/batches", method: .post, headers: provider, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                return decodeObject(response)
            }
            let report = first["report"] as? [String: Any]
            #expect(report?["rows_read"] as? Int == 6 && report?["rows_accepted"] as? Int == 5 && report?["rows_rejected"] as? Int == 1)
            #expect((first["version"] as? [String: Any])?["version"] as? Int == 1)

            try await client.execute(uri: path + "/versions/1/quarantine.csv", method: .get, headers: regulator) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("91350100M000100Y44") && text.contains("统一社会信用代码") && text.contains("所属区"))
            }
            try await client.execute(uri: path + "/rows?limit=2", method: .get, headers: provider) { response in
                let rows = decodeObject(response)
                #expect(rows["total"] as? Int == 5 && (rows["rows"] as? [[Any]])?.count == 2)
                #expect((rows["columns"] as? [String])?.first == "credit_code")
            }
            // A department may not load another department's entry; the denial is audited.
            var strangerCSV = stranger
            strangerCSV[.contentType] = "text/csv"
            try await client.execute(uri: path + "/batches", method: .post, headers: strangerCSV, body: ByteBuffer(string: body)) { #expect($0.status == .forbidden) }

            // A second batch, then back to the first.
            try await client.execute(uri: path + "/batches", method: .post, headers: provider, body: ByteBuffer(string: Self.registryCSV(6...7))) { #expect($0.status == .created) }
            try await client.execute(uri: path + "/versions/1/restore", method: .post, headers: provider) { response in
                #expect(response.status == .created)
                #expect(decodeObject(response)["version"] as? Int == 3)
            }
            try await client.execute(uri: path + "/versions", method: .get, headers: regulator) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(items.map { $0["version"] as? Int } == [3, 2, 1])
                #expect(items.first?["restored_from"] as? String != nil)
            }

            // Reject-batch policy: a batch with a bad row is refused with 422 and changes nothing.
            var json = provider
            json[.contentType] = "application/json"
            try await client.execute(uri: path + "/policy", method: .put, headers: json, body: ByteBuffer(string: #"{"policy": "reject_batch"}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: path + "/batches", method: .post, headers: provider, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unprocessableContent)
                #expect((decodeObject(response)["version"] as? [String: Any])?["status"] as? String == "rejected")
            }
            #expect(try await store.datasets.rows(entryID: (try await store.catalog.findPublished("201005-00001", in: .government))!.entryID).total == 5)

            // JSON upload; a bad file is one bilingual error.
            try await client.execute(uri: path + "/batches?format=json", method: .post, headers: json,
                                     body: ByteBuffer(string: #"[{"credit_code": "\#(TestData.creditCode(9))", "company_name": "甲"}]"#)) { #expect($0.status == .created) }
            try await client.execute(uri: path + "/batches", method: .post, headers: provider, body: ByteBuffer(string: "名称,未知列\n")) { response in
                #expect(response.status == .badRequest)
                let error = decodeObject(response)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "data.unknown_columns")
            }
            // Push by key: the same batch id is applied once.
            try await client.execute(uri: path + "/policy", method: .put, headers: json, body: ByteBuffer(string: #"{"policy": "quarantine"}"#)) { #expect($0.status == .ok) }
            let push = #"{"batch_id": "sync-0001", "upsert": [{"credit_code": "\#(TestData.creditCode(10))", "company_name": "乙"}], "delete": [{"credit_code": "\#(TestData.creditCode(9))"}]}"#
            try await client.execute(uri: path + "/push", method: .post, headers: json, body: ByteBuffer(string: push)) { response in
                #expect(response.status == .created)
                #expect((decodeObject(response)["report"] as? [String: Any])?["rows_deleted"] as? Int == 1)
            }
            try await client.execute(uri: path + "/push", method: .post, headers: json, body: ByteBuffer(string: push)) { response in
                #expect(response.status == .ok)
                #expect(decodeObject(response)["replayed"] as? Bool == true)
            }
            #expect(try await store.audit.search(AuditFilter(action: "data.ingest")).total >= 6)
            #expect(try await store.audit.search(AuditFilter(actor: "jtys.provider", action: "data.ingest")).total >= 1)
        }
    }

    @Test("in the console a data officer uploads a file (multipart, CSRF-checked), reads the quality report, restores; a consumer may not")
    func consoleUpload() async throws {
        try await withDemoApp { client, _, credentials in
            let (cookie, csrf) = try await browserSession(client, "scjg.provider", credentials.password("scjg.provider"))
            let entry = "/console/data/201005-00001"
            let page = try await client.execute(uri: entry, method: .get, headers: cookie) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(page.contains("enctype=\"multipart/form-data\"") && page.contains("所属区"))
            let boundary = "----haihe-test-boundary"
            func multipart(_ csv: String) -> ByteBuffer {
                ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"encoding\"\r\n\r\n\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"registry.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n")
            }
            var headers = cookie
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let csv = Self.registryCSV(1...3, extra: "bad-code,坏公司,李四,1,2020-01-01,和平区\n")
            try await client.execute(uri: entry + "/upload", method: .post, headers: headers, body: multipart(csv)) { #expect($0.status == .forbidden) }
            let location = try await client.execute(uri: entry + "/upload?_csrf=\(csrf)", method: .post, headers: headers, body: multipart(csv)) { response in
                #expect(response.status == .seeOther || response.status == .found)
                return response.headers[.location] ?? ""
            }
            #expect(location.hasSuffix("/versions/1"))
            try await client.execute(uri: location, method: .get, headers: cookie) { response in
                let report = String(buffer: response.body)
                #expect(response.status == .ok && report.contains("质量报告") && report.contains("bad-code") && report.contains("统一社会信用代码"))
            }
            let (consumerCookie, _) = try await browserSession(client, "rsj.consumer", credentials.password("rsj.consumer"))
            try await client.execute(uri: entry, method: .get, headers: consumerCookie) { #expect($0.status == .forbidden) }
        }
    }

    @Test("a scheduled pull fetches an http source into a new version and records the run; a source is pulled once per interval")
    func scheduledPull() async throws {
        try await withDemoApp { client, store, credentials in
            var headers = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            headers[.contentType] = "application/json"
            let provider = headers
            // The department's own system: a real HTTP server on a free port of 127.0.0.1.
            let feed = Router()
            feed.get("/registry.csv") { _, _ -> Response in
                Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Self.registryCSV(1...4))))
            }
            feed.get("/broken.csv") { _, _ -> Response in Response(status: .internalServerError) }
            let server = Application(router: feed, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await server.test(.live) { feedClient in
                let port = try #require(feedClient.port)
                let path = "/api/v1/data/201005-00001/sources"
                let sourceID = try await client.execute(uri: path, method: .post, headers: provider,
                                                        body: ByteBuffer(string: #"{"url": "http://127.0.0.1:\#(port)/registry.csv", "interval_minutes": 60}"#)) { response in
                    #expect(response.status == .created)
                    return decodeObject(response)["id"] as? String ?? ""
                }
                let now = Date().addingTimeInterval(1)
                let first = try await store.dataSources.runDue(at: now)
                #expect(first.map(\.status) == ["published"] && first.first?.rowsRead == 4)
                #expect(try await store.dataSources.runDue(at: now).isEmpty, "not due again before its interval")
                #expect(try await store.dataSources.runDue(at: now.addingTimeInterval(3_601)).count == 1)
                let entryID = try #require(try await store.catalog.findPublished("201005-00001", in: .government)).entryID
                #expect(try await store.datasets.history(entryID: entryID).map(\.source) == ["pull", "pull"])

                // A source that answers with an error is a failed run; the data in force stays.
                let broken = try await store.dataSources.add(entryID: entryID, url: "http://127.0.0.1:\(port)/broken.csv", format: .csv,
                                                             intervalMinutes: 5, audit: .test)
                let failed = try await store.dataSources.run(broken)
                #expect(failed.status == "failed" && failed.message?.contains("500") == true)
                #expect(try await store.datasets.rows(entryID: entryID).total == 4)
                try await client.execute(uri: path, method: .get, headers: provider) { response in
                    let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                    #expect(items.count == 2)
                    #expect((items.first { ($0["source"] as? [String: Any])?["id"] as? String == sourceID }?["runs"] as? [Any])?.count == 2)
                }
                // Bad URLs are refused.
                try await client.execute(uri: path, method: .post, headers: provider, body: ByteBuffer(string: #"{"url": "file:///etc/passwd"}"#)) {
                    #expect($0.status == .badRequest)
                }
                try await client.execute(uri: path + "/\(sourceID)", method: .delete, headers: provider) { #expect($0.status == .noContent) }
                #expect(try await store.dataSources.runDue(at: now.addingTimeInterval(86_400)).map(\.sourceID) == [broken.id])
            }
        }
    }

    @Test("a PostgreSQL source: its connection string is stored sealed and never shown; the query's rows load as a version",
          .enabled(if: TestDatabase.postgresAdminURL != nil))
    func postgresPull() async throws {
        try await withDemoApp { client, store, credentials in
            // The department's own database: a fresh database on the test server with a table of its registry.
            let (location, _, cleanup) = try await TestDatabase.makeLocation()
            guard case .postgres(let url) = location else { return }
            let department = try await Store.open(location)
            try await department.database.transaction { session in
                try await session.execute("CREATE TABLE registry (credit_code TEXT, company_name TEXT, legal_representative TEXT, registered_capital DOUBLE PRECISION, established_on TEXT, district TEXT)", [])
                for n in 1...3 {
                    try await session.execute("INSERT INTO registry VALUES ($1, $2, '张三', 10.5, '2020-01-02', '河西区')", TestData.creditCode(n), "天津第\(n)号有限公司")
                }
            }
            await department.close()
            var components = URLComponents(string: url)!
            components.password = "secret-password"  // trust authentication ignores it; it must never be stored or shown in clear
            let connection = components.string!
            var headers = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            headers[.contentType] = "application/json"
            let provider = headers
            let body = try JSONSerialization.data(withJSONObject: ["kind": "postgres", "connection": connection, "interval_minutes": 30,
                                                                   "query": "SELECT credit_code, company_name, legal_representative, registered_capital, established_on, district FROM registry"])
            let id = try await client.execute(uri: "/api/v1/data/201005-00001/sources", method: .post, headers: provider, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .created)
                #expect(!String(buffer: response.body).contains("secret-password"))
                return decodeObject(response)["id"] as? String ?? ""
            }
            let stored = try await store.database.read { try await $0.query("SELECT url, sealed_connection FROM data_sources WHERE id = $1", id) }
            #expect(stored.count == 1 && stored.allSatisfy { !$0.values.contains { "\($0)".contains("secret-password") } })
            try await client.execute(uri: "/api/v1/data/201005-00001/sources/\(id)/run", method: .post, headers: provider) { response in
                let run = decodeObject(response)
                #expect(run["status"] as? String == "published" && run["rows_read"] as? Int == 3, "\(run)")
            }
            let entryID = try #require(try await store.catalog.findPublished("201005-00001", in: .government)).entryID
            #expect(try await store.datasets.rows(entryID: entryID).rows.first?[3] == .real(10.5))
            // Without the node key the credentials cannot be opened.
            let other = SecretBox(nodeKey: NodeKey.generate())
            let source = try #require(try await store.dataSources.source(id: id))
            #expect(try await store.dataSources.run(source, secrets: other).status == "failed")
            await cleanup()
        }
    }
}

@Suite("Demo data")
struct DemoDataTests {
    @Test("every published demo entry gets rows that pass its own checks; one batch carries realistic mistakes; the feed answers")
    func demoData() async throws {
        try await TestDatabase.withStore { (store: Store, directory: String) async throws in
            _ = try #require(try await DemoCity.load(into: store, credentialsDirectory: directory))
            let rows = try await DemoData.load(into: store, registryRows: 3_000, otherRows: 300, feedBaseURL: "http://127.0.0.1:1")
            #expect(rows > 10_000)
            let published = try await store.catalog.list(CatalogQuery(catalog: .government, limit: 500)).entries
            for entry in published {
                let current = try #require(try await store.datasets.current(entryID: entry.entryID), "\(entry.resourceCode) has no data")
                if entry.resourceCode == DemoData.flawedCode {
                    #expect(current.rowsRejected > 0 && current.rowsAccepted > 250)
                } else {
                    let reason = try await store.datasets.quarantine(versionID: current.id, limit: 1).first?.problems.first?.messageEN ?? ""
                    #expect(current.rowsRejected == 0, "\(entry.resourceCode): \(reason)")
                }
            }
            #expect(try await store.datasets.current(entryID: try #require(published.first { $0.resourceCode == DemoData.registryCode }).entryID)?.rowsAccepted == 3_000)
            // A second start loads nothing again.
            #expect(try await DemoData.load(into: store, registryRows: 3_000, otherRows: 300) == 0)
            let feedEntry = try #require(published.first { $0.resourceCode == DemoData.feedCode })
            #expect(try await store.dataSources.sources(entryID: feedEntry.entryID).count == 1)

            let app = buildApplication(store: store, settings: ServerSettings(port: 0, checkpointInterval: 0, pullInterval: 0, demoFeeds: true),
                                       nodeKey: NodeKey.generate(), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/demo/feeds/\(DemoData.feedCode).csv", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).hasPrefix(feedEntry.fields.map(\.name).joined(separator: ",")))
                }
            }
        }
    }
}
