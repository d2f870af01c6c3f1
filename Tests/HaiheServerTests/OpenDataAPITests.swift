import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import HaiheServer
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

@Suite("Open data over HTTP")
struct OpenDataAPITests {
    func withOpenData(_ clock: TestClock = TestClock(WorkingCalendar.parseInstant("2026-12-01T10:00:00+08:00")!),
                      _ body: @escaping @Sendable (any TestClientProtocol, Store, [DemoCity.Credential]) async throws -> Void) async throws {
        var settings = ServerSettings(port: 0, checkpointInterval: 0, pullInterval: 0)
        settings.clock = clock
        try await withDemoApp(settings: settings) { client, store, credentials in
            _ = try await DemoData.load(into: store, registryRows: 300, otherRows: 20)
            try await body(client, store, credentials)
        }
    }

    static func rows(_ object: [String: Any]) -> [[String: Any]] { object["rows"] as? [[String: Any]] ?? [] }

    @Test("search with facets, a dataset's schema and history, rows filtered and sorted, keyset pages equal to offset pages, ETag 304")
    func datasetsAndRows() async throws {
        try await withOpenData { client, _, _ in
            let list = try await client.execute(uri: "/api/v1/datasets?q=%E4%BC%81%E4%B8%9A&limit=50", method: .get) { response -> [String: Any] in
                #expect(response.status == .ok && response.headers[.accessControlAllowOrigin] == "*")
                return decodeObject(response)
            }
            let items = list["items"] as? [[String: Any]] ?? []
            #expect(items.contains { $0["resource_code"] as? String == "201005-00001" })
            #expect(items.allSatisfy { $0["open_type"] as? String != "not_open" })
            #expect((list["facets"] as? [String: Any])?["domain"] != nil)

            let dataset = try await client.execute(uri: "/api/v1/datasets/201005-00001", method: .get) { decodeObject($0) }
            #expect((dataset["fields"] as? [[String: Any]])?.first?["label_zh"] as? String == "统一社会信用代码")
            #expect((dataset["versions"] as? [[String: Any]])?.first?["rows"] as? Int == 300)

            let base = "/api/v1/datasets/201005-00001/rows"
            let filtered = try await client.execute(uri: base + "?district=%E5%92%8C%E5%B9%B3%E5%8C%BA&sort=-registered_capital&limit=5", method: .get) { decodeObject($0) }
            #expect(Self.rows(filtered).allSatisfy { $0["district"] as? String == "和平区" })
            #expect((filtered["total"] as? Int ?? 0) > 5)

            // Walk the whole sorted set by cursor and by offset: the same rows, in the same order.
            var byCursor: [String] = []
            var cursor: String?
            repeat {
                let uri = base + "?sort=-registered_capital,district&select=credit_code&limit=70" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.execute(uri: uri, method: .get) { decodeObject($0) }
                byCursor += Self.rows(page).compactMap { $0["credit_code"] as? String }
                cursor = page["next"] as? String
            } while cursor != nil
            var byOffset: [String] = []
            for offset in stride(from: 0, to: 300, by: 70) {
                let page = try await client.execute(uri: base + "?sort=-registered_capital,district&select=credit_code&limit=70&offset=\(offset)", method: .get) { decodeObject($0) }
                byOffset += Self.rows(page).compactMap { $0["credit_code"] as? String }
            }
            #expect(byCursor.count == 300 && byCursor == byOffset)
            // A cursor belongs to its sort: used with another it is refused, not misread.
            let first = try await client.execute(uri: base + "?sort=-registered_capital&limit=5", method: .get) { decodeObject($0)["next"] as? String ?? "" }
            try await client.execute(uri: base + "?sort=district&limit=5&cursor=\(first)", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: base + "?cursor=garbage", method: .get) { #expect($0.status == .badRequest) }

            // Hostile questions are bilingual 4xx answers, never a crash.
            for bad in ["?select=credit_code,credit_code", "?cursor=garbage", "?limit=0", "?registered_capital__gt=abc", "?registered_capital__gt=NaN",
                        "?registered_capital__gt=1e400", "?established_on__gte=notadate", "?established_on=2020-1-1", "?q=" + String(repeating: "x", count: 10)] {
                try await client.execute(uri: base + bad, method: .get) { response in
                    #expect(response.status == .badRequest || (bad.hasPrefix("?q") && response.status == .ok), "\(bad) → \(response.status)")
                }
            }
            // A year, a month or a day bounds a date.
            for good in ["?established_on__gte=2020", "?established_on__lt=2020-06", "?established_on__lte=2020-06-30"] {
                try await client.execute(uri: base + good, method: .get) { #expect($0.status == .ok, "\(good)") }
            }
            try await client.execute(uri: "/api/3/action/datastore_search?resource_id=201005-00001&offset=9223372036854775807", method: .get) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/api/3/action/datastore_search?resource_id=201005-00001&filters=%7B%22cursor%22%3A%22x%22%7D", method: .get) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/datasets?page=9223372036854775807", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: base + "?limit=1", method: .get) { #expect($0.headers[.cacheControl] == "public, max-age=60") }

            let etag = try await client.execute(uri: base + "?limit=3", method: .get) { $0.headers[.eTag] ?? "" }
            try await client.execute(uri: base + "?limit=3", method: .get, headers: [.ifNoneMatch: etag]) { #expect($0.status == .notModified) }
            try await client.execute(uri: base + "?limit=4", method: .get, headers: [.ifNoneMatch: etag]) { #expect($0.status == .ok) }
            // Without If-None-Match, If-Modified-Since decides: the version has not changed since it was published.
            let modified = try await client.execute(uri: base + "?limit=3", method: .get) { $0.headers[.lastModified] ?? "" }
            try await client.execute(uri: base + "?limit=3", method: .get, headers: [.ifModifiedSince: modified]) { #expect($0.status == .notModified) }
            try await client.execute(uri: base + "?limit=3", method: .get, headers: [.ifModifiedSince: "Mon, 01 Jan 2001 00:00:00 GMT"]) { #expect($0.status == .ok) }
        }
    }

    @Test("a + in the query is a space, as forms and HTTP libraries write it; CORS preflights and headers on every API answer, errors too; HEAD")
    func queryPlusAndCORS() async throws {
        try await withOpenData { client, store, credentials in
            // 企业 登记: written with %20 and with +, the same search and a non-empty one.
            func count(_ query: String) async throws -> Int {
                try await client.execute(uri: "/api/v1/datasets?q=" + query, method: .get) { decodeObject($0)["total"] as? Int ?? -1 }
            }
            let spaced = try await count("%E4%BC%81%E4%B8%9A%20%E7%99%BB%E8%AE%B0")
            #expect(spaced > 0)
            #expect(try await count("%E4%BC%81%E4%B8%9A+%E7%99%BB%E8%AE%B0") == spaced)
            try await client.execute(uri: "/datasets?q=%E4%BC%81%E4%B8%9A+%E7%99%BB%E8%AE%B0", method: .get) { response in
                #expect(String(buffer: response.body).contains("value=\"企业 登记\""))
            }
            // As Python's urlencode writes a CKAN question: the JSON's spaces and the sort's space as +.
            let ckan = "/api/3/action/datastore_search?resource_id=201005-00001&filters=%7B%22district%22%3A+%22%E5%92%8C%E5%B9%B3%E5%8C%BA%22%7D&sort=registered_capital+desc&limit=2&q=%E5%A4%A9%E6%B4%A5"
            let result = try await client.execute(uri: ckan, method: .get) { response -> [String: Any] in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                return decodeObject(response)["result"] as? [String: Any] ?? [:]
            }
            let records = result["records"] as? [[String: Any]] ?? []
            #expect(records.count == 2 && records.allSatisfy { $0["district"] as? String == "和平区" })
            // `next` asks the same question one page on.
            let next = (result["_links"] as? [String: Any])?["next"] as? String ?? ""
            #expect(next.contains("filters=") && next.contains("sort=") && next.contains("q=") && next.contains("limit=2") && next.hasSuffix("offset=2"))
            let following = try await client.execute(uri: next, method: .get) { decodeObject($0)["result"] as? [String: Any] ?? [:] }
            #expect((following["records"] as? [[String: Any]])?.allSatisfy { $0["district"] as? String == "和平区" } == true)
            #expect(following["total"] as? Int == result["total"] as? Int)
            for bad in ["&limit=abc", "&offset=-1"] {
                try await client.execute(uri: "/api/3/action/datastore_search?resource_id=201005-00001" + bad, method: .get) { response in
                    #expect(response.status == .conflict, "\(bad)")
                    let message = (decodeObject(response)["error"] as? [String: Any])?["message"] as? String ?? ""
                    #expect(message.contains("须为非负整数") && message.contains("whole number"), "\(bad): \(message)")
                }
            }

            // A browser app on another origin: the preflight for an API key, then errors that its script can read.
            try await client.execute(uri: "/api/v1/datasets/201005-00001/rows", method: .options,
                                     headers: [.origin: "https://app.example", .accessControlRequestMethod: "GET", .accessControlRequestHeaders: "authorization"]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            }
            try await client.execute(uri: "/api/v1/datasets/201005-00001/rows?limit=0", method: .get, headers: [.origin: "https://app.example"]) { response in
                #expect(response.status == .badRequest && response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlExposeHeaders]?.contains("ETag") == true)
            }
            try await client.execute(uri: "/api/v1/datasets/nope", method: .get) { #expect($0.headers[.accessControlAllowOrigin] == "*") }
            // The console is not opened to other origins.
            try await client.execute(uri: "/console", method: .get) { #expect($0.headers[.accessControlAllowOrigin] == nil) }
            // HEAD answers like GET, without a body — on public routes only: elsewhere a GET may record a delivery or an export.
            try await client.execute(uri: "/datasets", method: .head) { response in
                #expect(response.status == .ok && response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/v1/datasets/201005-00001/rows?limit=1", method: .head) { #expect($0.status == .ok) }
            let department = try await bearer(client, "jtys.provider", credentials.password("jtys.provider"))
            try await client.execute(uri: "/api/v1/sharing/entries/201005-00001/rows?limit=1", method: .get, headers: department) { #expect($0.status == .ok) }
            let delivered = try await store.audit.search(AuditFilter(action: "sharing.")).total
            #expect(delivered > 0, "a GET records its delivery")
            try await client.execute(uri: "/api/v1/sharing/entries/201005-00001/rows?limit=1", method: .head, headers: department) { #expect($0.status == .badRequest) }
            #expect(try await store.audit.search(AuditFilter(action: "sharing.")).total == delivered, "no delivery recorded for a HEAD")
            // A date-time is asked for by a prefix or exactly as loads keep it (seconds, fractions, an offset).
            for good in ["observed_at__gte=2026-11-10T08", "observed_at=2026-11-10T08:30%2B08:00", "observed_at=2026-11-10T08:30Z",
                         "observed_at=2026-11-10T08:30:00.5-0500"] {
                try await client.execute(uri: "/api/v1/datasets/801010-00001/rows?" + good, method: .get) { #expect($0.status == .ok, "\(good)") }
            }
            try await client.execute(uri: "/api/v1/datasets/801010-00001/rows?observed_at=yesterday", method: .get) { #expect($0.status == .badRequest) }
        }
    }

    @Test("whole downloads in CSV, JSON and XML hold every row; the data package describes the CSV; the profile counts it")
    func downloadsPackageProfile() async throws {
        try await withOpenData { client, _, _ in
            let base = "/api/v1/datasets/201005-00001"
            try await client.execute(uri: base + "/download.csv", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix("text/csv") == true)
                let records = try CSVParser.records(of: Array(buffer: response.body))
                #expect(records.count == 301 && records[0].first == "credit_code")
            }
            try await client.execute(uri: base + "/download.json", method: .get) { response in
                let array = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [[String: Any]]
                #expect(array?.count == 300)
            }
            try await client.execute(uri: base + "/download.xml?district=%E5%92%8C%E5%B9%B3%E5%8C%BA", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("<?xml") && text.contains("<district>和平区</district>") && !text.contains("<district>河西区</district>"))
                #expect(XMLParser(data: Data(text.utf8)).parse())
            }
            let package = try await client.execute(uri: base + "/datapackage.json", method: .get) { decodeObject($0) }
            let resource = (package["resources"] as? [[String: Any]])?.first
            #expect((resource?["path"] as? String)?.hasSuffix("/download.csv") == true)
            let schemaFields = (resource?["schema"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []
            #expect(schemaFields.first { $0["name"] as? String == "registered_capital" }?["type"] as? String == "number")
            let profile = try await client.execute(uri: base + "/profile", method: .get) { decodeObject($0) }
            #expect(profile["rows"] as? Int == 300)
            let fields = profile["fields"] as? [[String: Any]] ?? []
            let district = fields.first { $0["name"] as? String == "district" }
            let top = (district?["top"] as? [[String: Any]] ?? []).compactMap { $0["count"] as? Int }
            #expect(top.count == min(10, district?["distinct"] as? Int ?? 0) && top == top.sorted(by: >) && top.reduce(0, +) <= 300)
            let capital = fields.first { $0["name"] as? String == "registered_capital" }
            #expect((capital?["histogram"] as? [[String: Any]])?.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 300 - (capital?["nulls"] as? Int ?? 0))
        }
    }

    @Test("CKAN DataStore: datastore_search with filters, q, fields, sort, limit, offset and total, in CKAN's shape")
    func datastoreSearch() async throws {
        try await withOpenData { client, store, _ in
            let entry = try #require(try await store.catalog.findPublished("201005-00001", in: .open))
            let uri = "/api/3/action/datastore_search?resource_id=\(entry.entryID)-csv&filters=%7B%22district%22%3A%22%E5%92%8C%E5%B9%B3%E5%8C%BA%22%7D&fields=company_name,district&sort=registered_capital%20desc&limit=3"
            let result = try await client.execute(uri: uri, method: .get) { decodeObject($0)["result"] as? [String: Any] ?? [:] }
            let records = result["records"] as? [[String: Any]] ?? []
            #expect(records.count == 3 && records.allSatisfy { $0["district"] as? String == "和平区" && $0["_id"] != nil })
            #expect((result["fields"] as? [[String: Any]])?.map { $0["id"] as? String } == ["_id", "company_name", "district"])
            #expect((result["total"] as? Int ?? 0) > 3)
            let posted = try await client.execute(uri: "/api/3/action/datastore_search", method: .post, headers: [.contentType: "application/json"],
                                                  body: json(["resource_id": "\(entry.entryID)-csv", "q": "第1", "limit": 5, "offset": 2])) { decodeObject($0) }
            #expect(posted["success"] as? Bool == true && ((posted["result"] as? [String: Any])?["offset"] as? Int) == 2)
            // _id names a row whatever page or question it appears in.
            func searched(_ query: String) async throws -> [[String: Any]] {
                try await client.execute(uri: "/api/3/action/datastore_search?resource_id=201005-00001&" + query, method: .get) {
                    (decodeObject($0)["result"] as? [String: Any])?["records"] as? [[String: Any]] ?? []
                }
            }
            let sixth = try #require(try await searched("sort=registered_capital%20desc&limit=1&offset=5").first)
            let code = try #require(sixth["credit_code"] as? String)
            let alone = try await searched("filters=%7B%22credit_code%22%3A%22\(code)%22%7D")
            #expect(alone.count == 1 && alone.first?["_id"] as? Int == sixth["_id"] as? Int)
            try await client.execute(uri: "/api/3/action/datastore_search?resource_id=nope", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test("a not-open entry appears on no public endpoint; conditional open data needs an approved application, answered in two working days")
    func notOpenAndConditional() async throws {
        let clock = TestClock(WorkingCalendar.parseInstant("2026-12-01T10:00:00+08:00")!)
        try await withOpenData(clock) { client, store, credentials in
            let hidden = try #require(try await store.catalog.findPublished("201005-00005", in: .government))
            #expect(hidden.openType == .notOpen)
            for uri in ["/api/v1/datasets/\(hidden.entryID)", "/api/v1/datasets/201005-00005/rows", "/api/v1/datasets/201005-00005/download.csv",
                        "/api/v1/datasets/201005-00005/datapackage.json", "/api/v1/datasets/201005-00005/profile",
                        "/api/3/action/package_show?id=201005-00005", "/api/3/action/datastore_search?resource_id=\(hidden.entryID)-csv",
                        "/api/v1/datasets/201005-00005/feedback", "/api/v1/showcase?dataset=201005-00005", "/datasets/201005-00005"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .notFound, "\(uri)") }
            }
            for uri in ["/api/v1/datasets?limit=100", "/api/v1/datasets?q=%E7%89%B9%E7%A7%8D%E8%AE%BE%E5%A4%87", "/api/3/action/package_list",
                        "/api/3/action/package_search?q=%E7%89%B9%E7%A7%8D%E8%AE%BE%E5%A4%87", "/catalog.ttl", "/catalog.jsonld"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(!text.contains("201005-00005") && !text.contains(hidden.entryID) && !text.contains("特种设备安全监察"), "\(uri)")
                }
            }

            let rows = "/api/v1/datasets/101002-00003/rows"
            try await client.execute(uri: rows, method: .get) { response in
                #expect(response.status == .forbidden)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "opendata.apply")
            }
            let citizen = try await bearer(client, "citizen", credentials.password("citizen"))
            let credit = try await bearer(client, "fgw.provider", credentials.password("fgw.provider"))
            let other = try await bearer(client, "jtys.provider", credentials.password("jtys.provider"))
            try await client.execute(uri: "/api/v1/datasets/101002-00003/applications", method: .post, headers: citizen,
                                     body: json(["identity": "123", "purpose": "研究", "intended_use": "论文"])) { #expect($0.status == .badRequest) }
            let id = try await client.execute(uri: "/api/v1/datasets/101002-00003/applications", method: .post, headers: citizen,
                                              body: json(["identity": "11010519491231002X", "purpose": "信用研究", "intended_use": "学术论文"])) { response -> String in
                #expect(response.status == .created)
                let view = decodeObject(response)
                #expect((view["application"] as? [String: Any])?["deadline"] as? String == "2026-12-03T15:59:59Z")
                return (view["application"] as? [String: Any])?["id"] as? String ?? ""
            }
            // One pending application per person and dataset.
            try await client.execute(uri: "/api/v1/datasets/101002-00003/applications", method: .post, headers: citizen,
                                     body: json(["identity": "11010519491231002X", "purpose": "信用研究", "intended_use": "学术论文"])) { response in
                #expect(response.status == .conflict)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "opendata.pending")
            }
            try await client.execute(uri: "/api/v1/me/applications", method: .get, headers: citizen) { response in
                #expect(((decodeObject(response)["items"] as? [[String: Any]])?.first?["working_days_left"] as? Int) == 2)
            }
            try await client.execute(uri: "/api/v1/open-applications", method: .get, headers: credit) { response in
                #expect((decodeObject(response)["items"] as? [[String: Any]])?.count == 1)
            }
            try await client.execute(uri: "/api/v1/open-applications/\(id)/approve", method: .post, headers: other, body: json(["until": "2027-06-30"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/open-applications/\(id)/approve", method: .post, headers: credit,
                                     body: json(["until": "2026-12-31", "terms": "仅限学术研究，不得转让"])) { response in
                #expect(response.status == .ok)
                // The provider sees the applicant's identity number masked, in the answer as in its list.
                #expect(!String(buffer: response.body).contains("11010519491231002X"))
            }
            try await client.execute(uri: rows, method: .get, headers: citizen) { response in
                #expect(response.status == .ok)
                // Data under an approval is the applicant's: no shared cache may keep it.
                #expect(response.headers[.cacheControl] == "private, no-store" && response.headers[.vary]?.contains("Authorization") == true)
            }
            try await client.execute(uri: rows, method: .get) { #expect($0.status == .forbidden) }
            // CKAN's DataStore answers the approved applicant too, with the key as CKAN clients send it, and nobody else.
            let key = String((citizen[.authorization] ?? "").dropFirst("Bearer ".count))
            let search = "/api/3/action/datastore_search?resource_id=101002-00003&limit=2"
            for headers: HTTPFields in [citizen, [.authorization: key], [HTTPField.Name("X-CKAN-API-Key")!: key]] {
                try await client.execute(uri: search, method: .get, headers: headers) { response in
                    #expect(response.status == .ok, "\(headers)")
                    #expect(((decodeObject(response)["result"] as? [String: Any])?["records"] as? [Any])?.count == 2)
                }
            }
            try await client.execute(uri: search, method: .get) { response in
                #expect(response.status == .forbidden)
                #expect((decodeObject(response)["error"] as? [String: Any])?["__type"] as? String == "Authorization Error")
            }
            try await client.execute(uri: search, method: .get, headers: credit) { #expect($0.status == .forbidden) }
            // A key without the read scope reads nothing through CKAN either; answers to a key are kept by no shared cache.
            let writeOnly = try await client.execute(uri: "/api/v1/me/api-keys", method: .post, headers: citizen,
                                                     body: json(["name": "只写", "scopes": ["write"]])) { decodeObject($0)["token"] as? String ?? "" }
            try await client.execute(uri: search, method: .get, headers: [.authorization: "Bearer \(writeOnly)"]) { response in
                #expect(response.status == .forbidden)
                #expect((decodeObject(response)["error"] as? [String: Any])?["__type"] as? String == "Authorization Error")
            }
            try await client.execute(uri: search, method: .get, headers: citizen) { #expect($0.headers[.cacheControl] == "private, no-store") }
            clock.set(WorkingCalendar.parseInstant("2027-01-01T00:00:01+08:00")!)
            try await client.execute(uri: rows, method: .get, headers: citizen) { #expect($0.status == .forbidden) }
        }
    }

    @Test("conditional open data in the console: my applications with deadline and answer, the provider's approve and refuse forms, withdrawal")
    func applicationsConsole() async throws {
        let clock = TestClock(WorkingCalendar.parseInstant("2026-12-01T10:00:00+08:00")!)
        try await withOpenData(clock) { client, store, credentials in
            var citizen = try await bearer(client, "citizen", credentials.password("citizen"))
            var credit = try await bearer(client, "fgw.provider", credentials.password("fgw.provider"))
            var other = try await bearer(client, "jtys.provider", credentials.password("jtys.provider"))
            citizen[.contentType] = "application/x-www-form-urlencoded"
            credit[.contentType] = "application/x-www-form-urlencoded"
            other[.contentType] = "application/x-www-form-urlencoded"
            let userID = try #require(try await store.users.credentials(username: "citizen")?.user.id)
            try await client.execute(uri: "/datasets/101002-00003/apply", method: .post, headers: citizen,
                                     body: form(["identity": "11010519491231002X", "purpose": "信用研究", "intended_use": "学术论文"])) { #expect($0.status == .seeOther) }
            let id = try #require(try await store.openApplications.list(applicantUserID: userID).first?.id)
            try await client.execute(uri: "/console/applications", method: .get, headers: citizen) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok && page.contains("101002-00003") && page.contains("待答复 pending") && page.contains("剩余 2 个工作日"))
                #expect(page.contains("/console/applications/\(id)/withdraw") && !page.contains("收到的申请"))
            }
            try await client.execute(uri: "/console/applications", method: .get, headers: credit) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("收到的申请") && page.contains("/console/applications/\(id)/approve") && page.contains("1101**********002X"))
                #expect(!page.contains("11010519491231002X"))
            }
            // Another department cannot answer it; the provider can.
            try await client.execute(uri: "/console/applications/\(id)/approve", method: .post, headers: other,
                                     body: form(["until": "2027-03-31"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/console/applications/\(id)/approve", method: .post, headers: credit,
                                     body: form(["until": "2027-03-31", "terms": "仅限学术研究"])) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/console/applications", method: .get, headers: citizen) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("已同意 approved") && page.contains("2027-03-31") && page.contains("仅限学术研究"))
            }
            // The dataset's page now says so, and its API examples carry the key.
            try await client.execute(uri: "/datasets/101002-00003", method: .get, headers: citizen) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("您的申请已获同意，有效期至 2027-03-31") && page.contains("curl -H &#39;Authorization: Bearer"))
            }
            // A refusal needs its reason and basis; a pending application can be withdrawn.
            try await client.execute(uri: "/datasets/401006-00002/apply", method: .post, headers: citizen,
                                     body: form(["identity": "11010519491231002X", "purpose": "医疗资源研究", "intended_use": "报告"])) { #expect($0.status == .seeOther) }
            let second = try #require(try await store.openApplications.list(applicantUserID: userID).first { $0.resourceCode == "401006-00002" }?.id)
            try await client.execute(uri: "/console/applications/\(second)/withdraw", method: .post, headers: citizen, body: form([:])) { #expect($0.status == .seeOther) }
            #expect(try await store.openApplications.application(id: second)?.status == .withdrawn)
        }
    }

    @Test("a retired dataset is gone from the very next request, though its answers were just served from memory")
    func retiredIsGoneAtOnce() async throws {
        try await withOpenData { client, store, _ in
            let uri = "/api/v1/datasets/201005-00001/rows?limit=2"
            for _ in 0..<2 { try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok) } }
            let entry = try #require(try await store.catalog.findPublished("201005-00001", in: .open))
            try await store.catalog.apply(.retire, to: entry.id, audit: .test)
            try await client.execute(uri: uri, method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/datasets/201005-00001/facets?field=district", method: .get) { #expect($0.status == .notFound) }
        }
    }
}

@Suite("The open data portal")
struct PortalTests {
    @Test("home, search with facets and paging, a dataset page with profile, charts, preview filter and API examples, in both languages, under 200 KB")
    func pages() async throws {
        var settings = ServerSettings(port: 0, checkpointInterval: 0, pullInterval: 0)
        settings.clock = TestClock(WorkingCalendar.parseInstant("2026-12-01T10:00:00+08:00")!)
        try await withDemoApp(settings: settings) { client, store, credentials in
            _ = try await DemoData.load(into: store, registryRows: 300, otherRows: 40)
            func page(_ uri: String, headers: HTTPFields = [:]) async throws -> String {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.body.readableBytes < 200_000, "\(uri) is \(response.body.readableBytes) bytes")
                    return String(buffer: response.body)
                }
            }
            let home = try await page("/")
            #expect(home.contains("信用") && home.contains("企业登记监管") && home.contains("lang=\"zh-CN\"") && !home.contains("<script"))
            let english = try await page("/?lang=en")
            #expect(english.contains("lang=\"en\"") && english.contains("Priority domains"))
            let search = try await page("/datasets?q=%E4%BC%81%E4%B8%9A")
            #expect(search.contains("201005-00001") && search.contains("提供单位"))
            let facet = try await page("/datasets?domain=transport")
            #expect(facet.contains("aria-current=\"true\"") && !facet.contains("企业登记基本信息"))
            let dataset = try await page("/datasets/201005-00001?field=district&op=eq&value=%E5%92%8C%E5%B9%B3%E5%8C%BA&sort=-registered_capital")
            #expect(dataset.contains("<svg") && dataset.contains("role=\"img\"") && dataset.contains("数据项说明") && dataset.contains("download.csv"))
            #expect(dataset.contains("datastore_search") && dataset.contains("更新历史"))
            let table = dataset.components(separatedBy: "数据预览").last?.components(separatedBy: "接口示例").first ?? ""
            #expect(table.contains("和平区") && !table.contains("河西区"), "the preview is filtered")
            let englishDataset = try await page("/datasets/201005-00001?lang=en")
            #expect(englishDataset.contains("Fields (interpretation, Art. 25)") && englishDataset.contains("Enterprise registration"))
            // Codes read as words in English: no enterprise_registration, no bare "unconditional".
            #expect(englishDataset.contains("Open to all") && !englishDataset.contains(">enterprise_registration") && !englishDataset.contains(">unconditional"))
            // Conditional: metadata and an application form, no data; not open: not there at all.
            let conditional = try await page("/datasets/101002-00003")
            #expect(conditional.contains("有条件开放") && conditional.contains("请登录后申请") && !conditional.contains("<svg"))
            try await client.execute(uri: "/datasets/201005-00005", method: .get) { #expect($0.status == .notFound) }
            let citizen = try await bearer(client, "citizen", credentials.password("citizen"))
            let signedIn = try await page("/datasets/101002-00003", headers: citizen)
            #expect(signedIn.contains("name=\"identity\""))
        }
    }
}

@Suite("Interaction and the showcase")
struct InteractionTests {
    @Test("comments with one rating each, error reports and data requests: answered once by the department concerned, public with the answer, the author masked")
    func feedback() async throws {
        let clock = TestClock(WorkingCalendar.parseInstant("2026-12-01T10:00:00+08:00")!)
        var settings = ServerSettings(port: 0, checkpointInterval: 0, pullInterval: 0)
        settings.clock = clock
        try await withDemoApp(settings: settings) { client, store, credentials in
            let citizen = try await bearer(client, "citizen", credentials.password("citizen"))
            let registry = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            let transport = try await bearer(client, "jtys.provider", credentials.password("jtys.provider"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let base = "/api/v1/datasets/201005-00001/feedback"

            // Anonymous callers read but do not write; bad input is a bilingual 400 and stores nothing.
            try await client.execute(uri: base, method: .post, body: json(["body": "好"])) { #expect($0.status == .unauthorized) }
            for bad in [["body": "  "], ["body": "好", "rating": 6], ["kind": "error_report", "body": "错", "field": "no_such_field"], ["kind": "data_request", "body": "x"],
                        ["body": "好", "kind": "error_report", "rating": 3]] as [[String: Any]] {
                try await client.execute(uri: base, method: .post, headers: citizen, body: json(bad)) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    let error = decodeObject(response)["error"] as? [String: Any]
                    #expect((error?["message_zh"] as? String)?.isEmpty == false && (error?["message_en"] as? String)?.isEmpty == false)
                }
            }
            let stored = try await store.feedback.list(.init())
            #expect(stored.total == 0)

            let comment = try await client.execute(uri: base, method: .post, headers: citizen, body: json(["body": "很好用", "rating": 4])) { response -> String in
                #expect(response.status == .created)
                let object = decodeObject(response)
                #expect(object["deadline"] as? String == "2026-12-08T15:59:59Z", "five working days")
                return object["id"] as? String ?? ""
            }
            try await client.execute(uri: base, method: .post, headers: citizen, body: json(["body": "再评一次", "rating": 1])) { #expect($0.status == .conflict) }
            let report = try await client.execute(uri: base, method: .post, headers: citizen, body: json(["kind": "error_report", "body": "所属区有误", "field": "district"])) {
                decodeObject($0)["id"] as? String ?? ""
            }
            let request = try await client.execute(uri: "/api/v1/data-requests", method: .post, headers: citizen,
                                                   body: json(["title": "充电桩位置", "body": "做导航"])) { response -> [String: Any] in
                #expect(response.status == .created)
                return decodeObject(response)
            }
            #expect(request["provider_id"] == nil, "no department named: the regulator's desk")

            // Another department cannot answer; the provider answers once, with a resolution that fits.
            try await client.execute(uri: "/api/v1/feedback/\(report)/answer", method: .post, headers: transport,
                                     body: json(["resolution": "corrected", "answer": "已更正"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/feedback/\(report)/answer", method: .post, headers: registry,
                                     body: json(["resolution": "replied", "answer": "已更正"])) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/feedback/\(report)/answer", method: .post, headers: registry,
                                     body: json(["resolution": "corrected", "answer": "已于新版本更正"])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/feedback/\(report)/answer", method: .post, headers: registry,
                                     body: json(["resolution": "corrected", "answer": "again"])) { #expect($0.status == .conflict) }
            let requestID = request["id"] as? String ?? ""
            try await client.execute(uri: "/api/v1/feedback/\(requestID)/answer", method: .post, headers: registry,
                                     body: json(["resolution": "will_open", "answer": "好"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/feedback/\(requestID)/answer", method: .post, headers: regulator,
                                     body: json(["resolution": "will_open", "answer": "下季度开放"])) { #expect($0.status == .ok) }

            // The department's inbox holds its own only; the author sees theirs; the public sees answers and a masked author.
            try await client.execute(uri: "/api/v1/feedback", method: .get, headers: registry) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(Set(items.compactMap { $0["id"] as? String }) == [comment, report])
            }
            try await client.execute(uri: "/api/v1/feedback", method: .get, headers: transport) { #expect(decodeObject($0)["total"] as? Int == 0) }
            try await client.execute(uri: "/api/v1/feedback", method: .get, headers: citizen) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/me/feedback", method: .get, headers: citizen) { #expect(decodeObject($0)["total"] as? Int == 3) }
            try await client.execute(uri: base, method: .get) { response in
                let page = decodeObject(response)
                #expect(page["rating_average"] as? Double == 4 && page["rating_count"] as? Int == 1)
                let items = page["items"] as? [[String: Any]] ?? []
                let answered = items.first { $0["id"] as? String == report }
                #expect(answered?["resolution"] as? String == "corrected" && answered?["answer"] as? String == "已于新版本更正")
                #expect(items.allSatisfy { ($0["author"] as? String)?.hasSuffix("**") == true && $0["author_user_id"] == nil })
            }
            try await client.execute(uri: "/api/v1/data-requests", method: .get) { response in
                let item = (decodeObject(response)["items"] as? [[String: Any]])?.first
                #expect(item?["resolution"] as? String == "will_open" && item?["answered_by_organization"] as? String == "天津市互联网信息办公室")
            }
            // A request may name the department that holds the data: it lands in that department's inbox.
            let transportID = try #require(try await store.organizations.list().first { $0.nameZH.contains("交通运输") }?.id)
            try await client.execute(uri: "/api/v1/data-requests", method: .post, headers: citizen,
                                     body: json(["title": "公交实时位置", "body": "到站提醒", "provider_id": transportID])) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/feedback?kind=data_request", method: .get, headers: transport) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(items.map { $0["title"] as? String } == ["公交实时位置"])
            }
            // A rating alone is a comment; the author's view does not name the officer who answered.
            let company = try await bearer(client, "power.contributor", credentials.password("power.contributor"))
            try await client.execute(uri: base, method: .post, headers: company, body: json(["rating": 2])) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/me/feedback", method: .get, headers: citizen) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(items.contains { $0["answer"] != nil } && items.allSatisfy { $0["answered_by"] == nil })
            }
            // Oversight sees every inbox item in the console.
            let auditor = try await bearer(client, "auditor", credentials.password("auditor"))
            try await client.execute(uri: "/console/feedback", method: .get, headers: auditor) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("Feedback inbox") && page.contains("所属区有误") && page.contains("公交实时位置"))
            }
            // Every step is on the audit trail.
            let audited = try await store.audit.search(AuditFilter(action: "feedback.answer", outcome: .success)).total
            #expect(audited == 2)

            // The portal shows the rating, the answer and the forms; the requests page lists the request.
            try await client.execute(uri: "/datasets/201005-00001", method: .get, headers: citizen) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("3.0 / 5") && page.contains("已于新版本更正") && page.contains("action=\"/datasets/201005-00001/feedback\""))
                #expect(page.contains("<option value=\"5\">★★★★★</option>") && page.contains("<option value=\"district\">"), "the form's choices are markup, not text")
                #expect(!page.contains("HTML(text:") && !page.contains("&lt;li&gt;") && page.contains("<ul class=\"feedback\"><li>"), "the list is markup, not text")
            }
            try await client.execute(uri: "/requests", method: .get) { #expect(String(buffer: $0.body).contains("充电桩位置")) }
            try await client.execute(uri: "/console/feedback", method: .get, headers: registry) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("所属区有误"))
            }
            // The console's answer form does what the API does.
            var formHeaders = registry
            formHeaders[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/console/feedback/\(comment)/answer", method: .post, headers: formHeaders,
                                     body: form(["resolution": "replied", "answer": "谢谢评价"])) { #expect($0.status == .seeOther) }
            #expect(try await store.feedback.feedback(id: comment)?.answer == "谢谢评价")
        }
    }

    @Test("a use of open data is shown only after the regulator publishes it, on the showcase and on its datasets' pages")
    func showcase() async throws {
        try await withDemoApp { client, store, credentials in
            let citizen = try await bearer(client, "citizen", credentials.password("citizen"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let registry = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            for bad in [["title": "x", "description": "y", "url": "javascript:alert(1)", "datasets": ["201005-00001"]],
                        ["title": "x", "description": "y", "url": "https://example.org", "datasets": ["201005-00005"]],
                        ["title": "x", "description": "y", "url": "https://example.org", "datasets": [] as [String]]] as [[String: Any]] {
                try await client.execute(uri: "/api/v1/showcase", method: .post, headers: citizen, body: json(bad)) { #expect($0.status == .badRequest, "\(bad)") }
            }
            let id = try await client.execute(uri: "/api/v1/showcase", method: .post, headers: citizen, body: json([
                "kind": "app", "title": "企业查询助手", "description": "查企业", "url": "https://example.org/app", "byline": "某团队", "datasets": ["201005-00001"]])) { response -> String in
                #expect(response.status == .created)
                return decodeObject(response)["id"] as? String ?? ""
            }
            try await client.execute(uri: "/api/v1/showcase", method: .get) { #expect((decodeObject($0)["items"] as? [Any])?.isEmpty == true) }
            try await client.execute(uri: "/api/v1/showcase/\(id)/review", method: .post, headers: registry, body: json(["decision": "publish"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/showcase/\(id)/review", method: .post, headers: regulator, body: json(["decision": "reject"])) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/showcase/submissions", method: .get, headers: regulator) { #expect((decodeObject($0)["items"] as? [Any])?.count == 1) }
            try await client.execute(uri: "/api/v1/showcase/\(id)/review", method: .post, headers: regulator, body: json(["decision": "publish"])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/showcase?dataset=201005-00001", method: .get) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(items.first?["title"] as? String == "企业查询助手" && items.first?["submitter_user_id"] == nil)
            }
            try await client.execute(uri: "/datasets/201005-00001", method: .get) { #expect(String(buffer: $0.body).contains("企业查询助手")) }
            try await client.execute(uri: "/showcase", method: .get) { #expect(String(buffer: $0.body).contains("https://example.org/app")) }
            #expect(try await store.audit.search(AuditFilter(action: "showcase.review", outcome: .success)).total == 1)
        }
    }
}
