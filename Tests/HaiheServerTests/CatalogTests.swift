import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Hummingbird
import HummingbirdTesting
import Testing
@testable import HaiheServer

func entryBody(code: String, title: String, share: String = "unconditional", open: String = "unconditional",
               fields: [[String: Any]] = [["name": "bus_line", "label_zh": "公交线路", "type": "text"]], basis: [String: String]? = nil) -> ByteBuffer {
    var body: [String: Any] = ["resource_code": code, "title": title, "summary": "\(title)的摘要", "domain": "transport",
                               "fields": fields, "update_frequency": "daily", "share_type": share, "open_type": open, "formats": ["CSV", "JSON"]]
    if let basis { body["legal_basis"] = basis }
    return json(body)
}

@Suite("Catalog management over HTTP")
struct CatalogTests {
    @Test("the demo catalog: 40+ entries, every state and type, legal bases filed, one overdue, one duplicate warning")
    func demoCatalog() async throws {
        try await withDemoApp { _, store, _ in
            let all = try await store.catalog.list(CatalogQuery(limit: 500)).entries
            #expect(Set(all.map(\.entryID)).count >= 40)
            #expect(Set(all.map(\.status)) == Set(EntryStatus.allCases))
            #expect(Set(all.map(\.shareType)) == Set(ShareType.allCases))
            #expect(Set(all.map(\.openType)) == Set(OpenType.allCases))
            #expect(Set(all.filter { $0.status == .published }.map(\.domain)).isSuperset(of: Domain.priority))
            #expect(all.filter { CatalogRules.isOverdue($0, at: Date()) }.count == 1)
            #expect(try await store.catalog.filings().count >= 5)
            let draft = try #require(all.first { $0.resourceCode == "201005-00102" })
            let warnings = try await store.catalog.duplicateWarnings(fields: draft.fields, providerID: draft.providerID)
            #expect(warnings.contains { $0.field == "credit_code" })
        }
    }

    @Test("a provider writes, submits with a legal basis, the regulator returns then confirms, the provider publishes")
    func lifecycle() async throws {
        try await withDemoApp { client, store, credentials in
            let provider = try await bearer(client, "jtys.provider", credentials.password("jtys.provider"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let created = try await client.execute(uri: "/api/v1/catalog/entries", method: .post, headers: provider,
                                                   body: entryBody(code: "301004-00099", title: "网约车平台订单统计", share: "conditional")) { response -> [String: Any] in
                #expect(response.status == .created)
                return decodeObject(response)
            }
            let entry = try #require(created["entry"] as? [String: Any])
            let id = try #require(entry["id"] as? String)
            #expect(entry["status"] as? String == "draft")
            #expect((created["duplicate_warnings"] as? [Any])?.isEmpty == true)

            // Conditional sharing without a legal basis cannot be submitted (Art. 16).
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)/submit", method: .post, headers: provider) { response in
                #expect(response.status == .badRequest)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "catalog.legal_basis_missing")
            }
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)", method: .put, headers: provider,
                                     body: entryBody(code: "301004-00099", title: "网约车平台订单统计", share: "conditional",
                                                     basis: ["name": "网络预约出租汽车经营服务管理暂行办法", "article": "第二十七条"])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)/submit", method: .post, headers: provider) { #expect($0.status == .ok) }
            #expect(try await store.catalog.filings().contains { $0.entryVersionID == id && $0.legalBasis.article == "第二十七条" })

            // The provider cannot confirm its own entry; the regulator sees it in the queue and returns it with a reason.
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)/confirm", method: .post, headers: provider) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/catalog/review-queue", method: .get, headers: regulator) { response in
                let queue = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [[String: Any]] ?? []
                #expect(queue.contains { ($0["entry"] as? [String: Any])?["id"] as? String == id })
            }
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)/return", method: .post, headers: regulator, body: json([:])) {
                #expect($0.status == .badRequest)  // a return needs a reason
            }
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)/return", method: .post, headers: regulator, body: json(["comment": "请补充共享条件"])) { response in
                #expect(decodeObject(response)["status"] as? String == "returned")
                #expect(decodeObject(response)["review_comment"] as? String == "请补充共享条件")
            }
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)/submit", method: .post, headers: provider) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)/confirm", method: .post, headers: regulator) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/catalog/entries/\(id)/publish", method: .post, headers: provider) { response in
                #expect(decodeObject(response)["status"] as? String == "published")
            }
            // Published and conditional: in the sharing and open catalogs' government view.
            try await client.execute(uri: "/api/v1/catalogs/sharing?q=网约车", method: .get, headers: provider) { response in
                #expect((decodeObject(response)["items"] as? [[String: Any]])?.first?["id"] as? String == id)
            }
            let trail = try await store.audit.search(AuditFilter(objectID: id)).events.map { $0.detail }
            #expect(trail.filter { $0.contains("\"to\":") }.count == 5)  // submit, return, submit, confirm, publish
        }
    }

    @Test("editing a published entry makes a new version; the old one stays in force until the new one is published")
    func versions() async throws {
        try await withDemoApp { client, store, credentials in
            let provider = try await bearer(client, "qxj.provider", credentials.password("qxj.provider"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let published = try #require(try await store.catalog.list(CatalogQuery(catalog: .government, text: "逐小时天气实况")).entries.first)
            let draft = try await client.execute(uri: "/api/v1/catalog/entries/\(published.id)/revise", method: .post, headers: provider) { response -> [String: Any] in
                #expect(response.status == .created)
                return decodeObject(response)
            }
            let draftID = try #require(draft["id"] as? String)
            #expect(draft["version"] as? Int == 2)
            try await client.execute(uri: "/api/v1/catalog/entries/\(published.id)/revise", method: .post, headers: provider) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/api/v1/catalog/entries/\(published.id)", method: .put, headers: provider,
                                     body: entryBody(code: published.resourceCode, title: "x")) { #expect($0.status == .conflict) }
            #expect(try await store.catalog.list(CatalogQuery(catalog: .government, text: "逐小时天气实况")).entries.map(\.id) == [published.id])
            for (path, who) in [("submit", provider), ("confirm", regulator), ("publish", provider)] {
                try await client.execute(uri: "/api/v1/catalog/entries/\(draftID)/\(path)", method: .post, headers: who) { #expect($0.status == .ok, "\(path)") }
            }
            #expect(try await store.catalog.list(CatalogQuery(catalog: .government, text: "逐小时天气实况")).entries.map(\.id) == [draftID])
            try await client.execute(uri: "/api/v1/catalog/entries/\(draftID)/history", method: .get, headers: provider) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(items.map { $0["status"] as? String } == ["published", "superseded"])
            }
        }
    }

    @Test("only the provider's own organisation writes its entries; consumers and the regulator write none")
    func ownership() async throws {
        try await withDemoApp { client, store, credentials in
            let other = try await bearer(client, "jw.provider", credentials.password("jw.provider"))
            let consumer = try await bearer(client, "scjg.consumer", credentials.password("scjg.consumer"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let draft = try #require(try await store.catalog.list(CatalogQuery(statuses: [.draft], text: "出租车")).entries.first)
            try await client.execute(uri: "/api/v1/catalog/entries/\(draft.id)", method: .put, headers: other,
                                     body: entryBody(code: draft.resourceCode, title: "篡改")) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/catalog/entries/\(draft.id)", method: .get, headers: other) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/catalog/entries/\(draft.id)", method: .get, headers: regulator) { #expect($0.status == .ok) }
            for headers in [consumer, regulator] {
                try await client.execute(uri: "/api/v1/catalog/entries", method: .post, headers: headers, body: entryBody(code: "301004-00098", title: "x")) {
                    #expect($0.status == .forbidden)
                }
            }
            try await client.execute(uri: "/api/v1/catalogs/open", method: .get) { #expect($0.status == .unauthorized) }
            // A provider's working list holds its own organisation's entries only.
            try await client.execute(uri: "/api/v1/catalog/entries?status=draft,published", method: .get, headers: other) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                let jw = try await store.organizations.list().first { $0.nameZH == "天津市教育委员会" }!.id
                #expect(!items.isEmpty && items.allSatisfy { $0["provider_id"] as? String == jw })
            }
        }
    }

    @Test("writing fields another department already publishes warns, naming the entry to request instead; new fields are silent")
    func duplicateWarnings() async throws {
        try await withDemoApp { client, _, credentials in
            let district = try await bearer(client, "hpq.provider", credentials.password("hpq.provider"))
            let overlap = try await client.execute(uri: "/api/v1/catalog/entries", method: .post, headers: district,
                                                   body: entryBody(code: "201005-00199", title: "和平区重点企业", fields: [
                                                       ["name": "uscc", "label_zh": "统一社会信用代码", "type": "text"],
                                                       ["name": "visit_count", "label_zh": "走访次数", "type": "integer"]])) { decodeObject($0) }
            let warnings = overlap["duplicate_warnings"] as? [[String: Any]] ?? []
            #expect(warnings.count >= 1)
            #expect(warnings.allSatisfy { $0["field"] as? String == "uscc" })
            #expect((warnings.first?["message"] as? String)?.contains("共享") == true)
            try await client.execute(uri: "/api/v1/catalog/duplicate-check", method: .post, headers: district,
                                     body: json(["fields": [["name": "visit_count", "label_zh": "走访次数", "type": "integer"]]])) { response in
                #expect((decodeObject(response)["duplicate_warnings"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test("the three city catalogs: membership by type, facets, Chinese and English search, CSV export")
    func cityCatalogs() async throws {
        try await withDemoApp { client, store, credentials in
            let consumer = try await bearer(client, "rsj.consumer", credentials.password("rsj.consumer"))
            func listing(_ query: String) async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/catalogs/\(query)", method: .get, headers: consumer) { response in
                    #expect(response.status == .ok, "\(query)")
                    return decodeObject(response)
                }
            }
            let government = try await listing("government?limit=500")
            let sharing = try await listing("sharing?limit=500")
            let open = try await listing("open?limit=500")
            let all = government["items"] as? [[String: Any]] ?? []
            #expect(all.allSatisfy { $0["status"] as? String == "published" })
            #expect((sharing["items"] as? [[String: Any]] ?? []).allSatisfy { $0["share_type"] as? String != "not_shared" })
            #expect((open["items"] as? [[String: Any]] ?? []).allSatisfy { $0["open_type"] as? String != "not_open" })
            #expect((government["total"] as? Int ?? 0) > (open["total"] as? Int ?? 0))
            let facets = government["facets"] as? [String: [String: Int]]
            #expect(facets?["domain"]?["meteorology"] == 3)
            #expect(facets?["format"]?["CSV"] ?? 0 > 0)

            let enterprise = try await listing("government?q=企业")
            #expect((enterprise["items"] as? [[String: Any]])?.contains { $0["title"] as? String == "企业登记基本信息" } == true)
            let weather = try await listing("open?q=weather")
            #expect((weather["items"] as? [[String: Any]])?.contains { $0["title"] as? String == "逐小时天气实况" } == true)
            let filtered = try await listing("government?domain=credit&share_type=unconditional")
            #expect((filtered["items"] as? [[String: Any]] ?? []).allSatisfy { $0["domain"] as? String == "credit" && $0["share_type"] as? String == "unconditional" })
            let binhai = try await listing("government?division=120116")
            #expect((binhai["items"] as? [[String: Any]])?.map { $0["title"] as? String } == ["滨海新区地表水水质监测"])
            try await client.execute(uri: "/api/v1/catalogs/government?domain=nonsense", method: .get, headers: consumer) { #expect($0.status == .badRequest) }
            let byCode = try await listing("open?sort=code&limit=500")
            let codes = (byCode["items"] as? [[String: Any]] ?? []).compactMap { $0["resource_code"] as? String }
            #expect(codes.count == open["total"] as? Int && codes == codes.sorted { $0.lowercased() < $1.lowercased() })
            let newestFirst = (open["items"] as? [[String: Any]] ?? []).compactMap { $0["published_at"] as? String }
            #expect(newestFirst == newestFirst.sorted(by: >))
            let tagged = try await listing("government?keyword=天气")
            #expect((tagged["total"] as? Int ?? 0) > 0)
            #expect((tagged["items"] as? [[String: Any]] ?? []).allSatisfy { ($0["keywords"] as? [String])?.contains("天气") == true })
            try await client.execute(uri: "/api/v1/catalogs/open?sort=-nonsense", method: .get, headers: consumer) { #expect($0.status == .badRequest) }

            try await client.execute(uri: "/api/v1/catalogs/open.csv", method: .get, headers: consumer) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("\u{FEFF}资源代码"))
                #expect(text.split(separator: "\r\n").count == (open["total"] as? Int ?? 0) + 1)
            }
            #expect(try await store.audit.search(AuditFilter(actor: "rsj.consumer", action: "catalog.browse")).total >= 8)
        }
    }
}

@Suite("Overdue catalogs and rectification orders (Art. 52)")
struct RectificationTests {
    @Test("the regulator sees the overdue entry and the departments without a catalog, orders a correction, the department reports it done")
    func orderLifecycle() async throws {
        try await withDemoApp { client, store, credentials in
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let provider = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            let other = try await bearer(client, "jw.provider", credentials.password("jw.provider"))
            let report = try await client.execute(uri: "/api/v1/catalog/overdue", method: .get, headers: regulator) { response -> [String: Any] in
                #expect(response.status == .ok)
                return decodeObject(response)
            }
            let late = report["entries"] as? [[String: Any]] ?? []
            #expect(late.count == 1)
            let lateEntry = try #require(late.first?["entry"] as? [String: Any])
            #expect(lateEntry["title"] as? String == "食品经营许可证信息")
            #expect(late.first?["days_late"] as? Int == 4)  // ten days silent, one allowed by the daily frequency, five by the deadline
            // The district government itself publishes nothing; its department does.
            let missing = (report["organizations_without_catalog"] as? [[String: Any]] ?? []).compactMap { $0["name_zh"] as? String }
            #expect(missing.contains("天津市和平区人民政府"))
            #expect(!missing.contains("天津市市场监督管理委员会"))
            try await client.execute(uri: "/api/v1/catalog/overdue", method: .get, headers: provider) { #expect($0.status == .forbidden) }

            let orgID = try #require(lateEntry["provider_id"] as? String)
            let deadline = ISO8601DateFormatter().string(from: Date().addingTimeInterval(7 * 86_400))
            let issued = try await client.execute(uri: "/api/v1/rectification-orders", method: .post, headers: regulator,
                                                  body: json(["organization_id": orgID, "entry_id": lateEntry["entry_id"] as? String ?? "", "kind": "overdue_data",
                                                              "reason": "数据超过更新周期未更新，请于7日内更新", "deadline": deadline])) { response -> [String: Any] in
                #expect(response.status == .created)
                return decodeObject(response)
            }
            let orderID = try #require((issued["order"] as? [String: Any])?["id"] as? String)
            try await client.execute(uri: "/api/v1/rectification-orders", method: .post, headers: regulator,
                                     body: json(["organization_id": orgID, "reason": "x", "deadline": "2001-01-01T00:00:00Z"])) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/rectification-orders", method: .get, headers: provider) { response in
                let inbox = decodeObject(response)
                #expect(inbox["open"] as? Int == 1)
                #expect((inbox["items"] as? [[String: Any]])?.count == 1)
            }
            try await client.execute(uri: "/api/v1/rectification-orders", method: .get, headers: other) { response in
                #expect((decodeObject(response)["items"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/v1/rectification-orders/\(orderID)/done", method: .post, headers: other,
                                     body: json(["response": "已更新"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/rectification-orders/\(orderID)/done", method: .post, headers: provider, body: json([:])) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/rectification-orders/\(orderID)/done", method: .post, headers: provider,
                                     body: json(["response": "已恢复每日数据推送"])) { response in
                #expect((decodeObject(response)["order"] as? [String: Any])?["status"] as? String == "done")
            }
            try await client.execute(uri: "/api/v1/rectification-orders/\(orderID)/cancel", method: .post, headers: regulator) { #expect($0.status == .conflict) }
            #expect(try await store.audit.search(AuditFilter(objectID: orderID)).total == 2)
        }
    }

    @Test("an open order past its deadline is overdue")
    func overdueOrder() {
        let issued = Date().addingTimeInterval(-10 * 86_400)
        var order = RectificationOrder(organizationID: "o", kind: .missingCatalog, reason: "未编制目录", deadline: issued.addingTimeInterval(3 * 86_400),
                                       issuedBy: "r", issuedAt: issued)
        #expect(order.isOverdue(at: Date()))
        order.status = .done
        #expect(!order.isOverdue(at: Date()))
    }
}

/// Signs in through the browser form; returns the session cookie header and the session's CSRF token.
func browserSession(_ client: any TestClientProtocol, _ username: String, _ password: String) async throws -> (HTTPFields, String) {
    let formToken = try await client.execute(uri: "/login", method: .get) { try #require(cookie(Console.loginCSRFCookie, in: $0)) }
    let session = try await client.execute(uri: "/login", method: .post,
                                           headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(Console.loginCSRFCookie)=\(formToken)"],
                                           body: form(["username": username, "password": password, "_csrf": formToken])) {
        try #require(cookie(AuthenticationMiddleware.sessionCookie, in: $0))
    }
    let headers: HTTPFields = [.cookie: "\(AuthenticationMiddleware.sessionCookie)=\(session)"]
    let csrf = try await client.execute(uri: "/console", method: .get, headers: headers) { response -> String in
        let page = String(buffer: response.body)
        let start = try #require(page.range(of: "name=\"_csrf\" value=\""))
        return String(page[start.upperBound...].prefix { $0 != "\"" })
    }
    return (headers, csrf)
}

@Suite("Catalog console pages")
struct CatalogConsoleTests {
    @Test("a provider writes an entry in the editor, sees the duplicate warning, submits; the regulator confirms from the queue")
    func editorToConfirmation() async throws {
        try await withDemoApp { client, store, credentials in
            let (provider, providerCSRF) = try await browserSession(client, "hpq.provider", credentials.password("hpq.provider"))
            try await client.execute(uri: "/console/catalog/new", method: .get, headers: provider) { #expect($0.status == .ok) }
            var headers = provider
            headers[.contentType] = "application/x-www-form-urlencoded"
            let location = try await client.execute(uri: "/console/catalog/new", method: .post, headers: headers, body: form([
                "_csrf": providerCSRF, "resource_code": "201005-00777", "title": "和平区楼宇企业", "summary": "楼宇内企业名录", "domain": "enterprise_registration",
                "update_frequency": "monthly", "share_type": "unconditional", "open_type": "unconditional", "formats": "CSV",
                "fields": "uscc|统一社会信用代码|text|required,unique|\nfloor|楼层|integer||"])) { response -> String in
                #expect(response.status == .seeOther)
                return response.headers[.location] ?? ""
            }
            try await client.execute(uri: location, method: .get, headers: provider) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("重复采集提示"))
                #expect(page.contains("企业登记基本信息"))
                #expect(page.contains("提交确认"))
            }
            let id = String(location.split(separator: "/").last ?? "")
            try await client.execute(uri: "/console/catalog/entries/\(id)/submit", method: .post, headers: headers, body: form(["_csrf": providerCSRF])) {
                #expect($0.status == .seeOther)
            }
            let (regulator, regulatorCSRF) = try await browserSession(client, "regulator", credentials.password("regulator"))
            try await client.execute(uri: "/console/catalog/review", method: .get, headers: regulator) { response in
                #expect(String(buffer: response.body).contains("和平区楼宇企业"))
            }
            var regulatorForm = regulator
            regulatorForm[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/console/catalog/entries/\(id)/confirm", method: .post, headers: regulatorForm,
                                     body: form(["_csrf": regulatorCSRF, "comment": "同意"])) { #expect($0.status == .seeOther) }
            #expect(try await store.catalog.find(id: id)?.status == .confirmed)
            // A bad editor submission is shown again with the reason and creates nothing.
            try await client.execute(uri: "/console/catalog/new", method: .post, headers: headers, body: form([
                "_csrf": providerCSRF, "resource_code": "bad", "title": "x", "summary": "y", "fields": "a|甲|text"])) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("资源代码"))
            }
        }
    }

    @Test("browse, overdue and rectification pages render for the people who use them")
    func pages() async throws {
        try await withDemoApp { client, _, credentials in
            let (consumer, _) = try await browserSession(client, "rsj.consumer", credentials.password("rsj.consumer"))
            try await client.execute(uri: "/console/catalog?catalog=open&q=%E5%A4%A9%E6%B0%94", method: .get, headers: consumer) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(page.contains("逐小时天气实况"))
                #expect(!page.contains("电子病历摘要"))
            }
            try await client.execute(uri: "/console/catalog/overdue", method: .get, headers: consumer) { #expect($0.status == .forbidden) }
            let (regulator, csrf) = try await browserSession(client, "regulator", credentials.password("regulator"))
            let organizationID = try await client.execute(uri: "/console/catalog/overdue", method: .get, headers: regulator) { response -> String in
                let page = String(buffer: response.body)
                #expect(page.contains("食品经营许可证信息"))
                #expect(page.contains("天津市和平区人民政府"))
                let marker = "name=\"organization_id\" value=\""
                let start = try #require(page.range(of: marker))
                return String(page[start.upperBound...].prefix { $0 != "\"" })
            }
            var headers = regulator
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/console/rectification", method: .post, headers: headers, body: form([
                "_csrf": csrf, "organization_id": organizationID, "kind": "overdue_data", "reason": "请更新数据", "deadline": "2099-12-31"])) {
                #expect($0.status == .seeOther)
            }
            let (provider, _) = try await browserSession(client, "scjg.provider", credentials.password("scjg.provider"))
            try await client.execute(uri: "/console/rectification", method: .get, headers: provider) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("请更新数据"))
                #expect(page.contains("报告已整改"))
            }
        }
    }
}

@Suite("Review findings held in place")
struct HardeningTests {
    @Test("hostile paging, expiry and redirect values are refused, not crashes")
    func hostileValues() async throws {
        try await withDemoApp { client, _, credentials in
            try await client.execute(uri: "/api/3/action/package_list?limit=-1&offset=-5", method: .get) { response in
                #expect(response.status == .ok)
            }
            let auditor = try await bearer(client, "auditor", credentials.password("auditor"))
            try await client.execute(uri: "/api/v1/audit/events?offset=9223372036854775807", method: .get, headers: auditor) { #expect($0.status == .ok) }
            let (citizen, csrf) = try await browserSession(client, "citizen", credentials.password("citizen"))
            var headers = citizen
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(uri: "/console/api-keys", method: .post, headers: headers,
                                     body: form(["_csrf": csrf, "name": "k", "scopes": "read", "expires_days": "200000000000"])) { #expect($0.status == .badRequest) }
            #expect(Console.safeNext("/\t/evil.example") == "/console")
            #expect(Console.safeNext("//evil.example") == "/console")
            #expect(Console.safeNext("/console/users") == "/console/users")
        }
    }

    @Test("changing the password ends the other sessions and login tokens")
    func passwordChangeEndsOtherAccess() async throws {
        try await withDemoApp { client, _, credentials in
            let password = credentials.password("jw.provider")
            let stolen = try await bearer(client, "jw.provider", password)
            let own = try await bearer(client, "jw.provider", password)
            try await client.execute(uri: "/api/v1/me/password", method: .post, headers: own,
                                     body: json(["current_password": password, "new_password": "Brand-New-Pass-2026"])) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/me", method: .get, headers: stolen) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("entry text cannot break the Turtle export")
    func turtleEscaping() {
        var graph = RDFGraph()
        graph.add("http://x/a", "dcat:contactPoint", .iri("mailto:a@b.c> ; dct:title \"x\""))
        let turtle = graph.turtle()
        #expect(!turtle.contains("> ; dct:title"))
        #expect(turtle.contains("%3E%20;%20dct:title%20%22x%22"))
    }
}
