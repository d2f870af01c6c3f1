import Foundation
@testable import HaiheServer
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A clock the test moves: deadlines, expiry and escalation without sleeping.
final class TestClock: PlatformClock, Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

@Suite("Data sharing over HTTP")
struct SharingAPITests {
    static func at(_ text: String) -> Date { WorkingCalendar.parseInstant(text)! }

    /// The demo city with a little data in every entry, on a clock the test controls.
    func withSharingApp(_ clock: TestClock, _ body: @escaping @Sendable (any TestClientProtocol, Store, [DemoCity.Credential]) async throws -> Void) async throws {
        var settings = ServerSettings(port: 0, checkpointInterval: 0, pullInterval: 0)
        settings.clock = clock
        try await withDemoApp(settings: settings) { client, store, credentials in
            _ = try await DemoData.load(into: store, registryRows: 60, otherRows: 20)
            try await body(client, store, credentials)
        }
    }

    @Test("unconditional data: any department reads it filtered, selected, sorted and paged; every read is a recorded, audited delivery")
    func unconditional() async throws {
        try await withSharingApp(TestClock(Self.at("2026-12-01T10:00:00+08:00"))) { client, store, credentials in
            let police = try await bearer(client, "gaj.consumer", credentials.password("gaj.consumer"))
            let uri = "/api/v1/sharing/entries/201005-00001/rows?district=%E5%92%8C%E5%B9%B3%E5%8C%BA&select=company_name,district,registered_capital&sort=-registered_capital&limit=5"
            let deliveryID = try await client.execute(uri: uri, method: .get, headers: police) { response -> String in
                #expect(response.status == .ok)
                let page = decodeObject(response)
                #expect(page["fields"] as? [String] == ["company_name", "district", "registered_capital"])
                let rows = page["rows"] as? [[String: Any]] ?? []
                #expect(!rows.isEmpty && rows.allSatisfy { $0["district"] as? String == "和平区" })
                let capitals = rows.compactMap { ($0["registered_capital"] as? NSNumber)?.doubleValue }
                #expect(capitals == capitals.sorted(by: >))
                #expect(page["access"] as? String == "unconditional")
                return response.headers[.haiheDelivery] ?? ""
            }
            let delivery = try #require(try await store.sharing.delivery(id: deliveryID))
            let gaj = try #require(try await store.users.credentials(username: "gaj.consumer")?.user)
            #expect(delivery.recipientOrganizationID == gaj.organizationID && delivery.kind == .page && (delivery.query.removingPercentEncoding ?? "").contains("district__eq=和平区"))
            let audited = try await store.audit.search(AuditFilter(organizationID: gaj.organizationID, action: "sharing."))
            #expect(audited.events.contains { $0.action == "sharing.deliver" && $0.objectID == deliveryID })
            #expect(audited.events.contains { $0.action == "sharing.read" })

            // Bad questions are one bilingual error and deliver nothing.
            try await client.execute(uri: "/api/v1/sharing/entries/201005-00001/rows?no_such_field=1", method: .get, headers: police) { response in
                #expect(response.status == .badRequest)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "query.unknown_field")
            }
            // Not a department: a social contributor and a citizen are refused by the policy.
            for username in ["power.contributor", "citizen"] {
                let other = try await bearer(client, username, credentials.password(username))
                try await client.execute(uri: "/api/v1/sharing/entries/201005-00001/rows", method: .get, headers: other) { #expect($0.status == .forbidden) }
            }
            try await client.execute(uri: "/api/v1/sharing/entries/201005-00001/rows", method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("conditional data: apply, approve narrowed, read only the granted fields, expiry and revocation end access")
    func conditionalGrant() async throws {
        let clock = TestClock(Self.at("2026-12-01T10:00:00+08:00"))
        try await withSharingApp(clock) { client, store, credentials in
            let police = try await bearer(client, "gaj.consumer", credentials.password("gaj.consumer"))
            let credit = try await bearer(client, "fgw.provider", credentials.password("fgw.provider"))
            let market = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let rows = "/api/v1/sharing/entries/101002-00003/rows"

            try await client.execute(uri: rows, method: .get, headers: police) { response in
                #expect(response.status == .forbidden)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "sharing.no_grant")
            }
            // An incomplete application is refused at once, saying what is missing.
            try await client.execute(uri: "/api/v1/sharing/requests", method: .post, headers: police, body: json(["entry": "101002-00003", "purpose": "x"])) { response in
                #expect(response.status == .badRequest)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "sharing.incomplete")
            }
            let requestID = try await client.execute(uri: "/api/v1/sharing/requests", method: .post, headers: police, body: json([
                "entry": "101002-00003", "fields": ["subject_code", "grade"], "purpose": "核查涉案企业信用", "duty": "刑事侦查",
                "legal_basis": "《中华人民共和国刑事诉讼法》第五十四条", "period_end": "2026-12-31",
            ])) { response -> String in
                #expect(response.status == .created)
                let view = decodeObject(response)
                let request = view["request"] as? [String: Any] ?? [:]
                #expect(request["status"] as? String == "pending")
                #expect(view["working_days_left"] as? Int == 2)
                // Tuesday 1 December 2026, 10:00: Wednesday and Thursday; Thursday 23:59:59 Beijing is 15:59:59 UTC.
                #expect(request["deadline"] as? String == "2026-12-03T15:59:59Z")
                return request["id"] as? String ?? ""
            }
            try await client.execute(uri: "/api/v1/sharing/requests?box=inbox", method: .get, headers: credit) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(items.compactMap { ($0["request"] as? [String: Any])?["id"] as? String } == [requestID])
            }
            // Another provider may neither see nor answer it; a consumer may not answer its own request.
            try await client.execute(uri: "/api/v1/sharing/requests/\(requestID)", method: .get, headers: market) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/sharing/requests/\(requestID)/approve", method: .post, headers: market, body: json([:])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/sharing/requests/\(requestID)/approve", method: .post, headers: police, body: json([:])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/sharing/requests/\(requestID)/approve", method: .post, headers: credit, body: json(["fields": ["grade"]])) { response in
                #expect(response.status == .ok)
                #expect((decodeObject(response)["request"] as? [String: Any])?["status"] as? String == "approved")
            }

            // Only the granted field leaves the server, whatever is asked.
            try await client.execute(uri: rows, method: .get, headers: police) { response in
                #expect(response.status == .ok)
                let page = decodeObject(response)
                #expect(page["fields"] as? [String] == ["grade"] && page["access"] as? String == "grant")
                #expect((page["rows"] as? [[String: Any]])?.allSatisfy { Set($0.keys) == ["grade"] } == true)
            }
            for query in ["?select=subject_code", "?subject_code=1", "?sort=subject_code", "?select=grade&subject_code__prefix=9"] {
                try await client.execute(uri: rows + query, method: .get, headers: police) { response in
                    #expect(response.status == .forbidden, "\(query)")
                    #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "sharing.field_not_granted")
                }
            }
            try await client.execute(uri: rows + ".csv", method: .get, headers: police) { response in
                let header = String(buffer: response.body).split(separator: "\n").first
                #expect(header == "grade")
            }
            // The grant ends with its period: 2026-12-31 23:59:59 Beijing.
            clock.set(Self.at("2026-12-31T23:59:00+08:00"))
            try await client.execute(uri: rows, method: .get, headers: police) { #expect($0.status == .ok) }
            clock.set(Self.at("2027-01-01T00:00:01+08:00"))
            try await client.execute(uri: rows, method: .get, headers: police) { #expect($0.status == .forbidden) }
            try await client.execute(uri: rows + ".csv", method: .get, headers: police) { #expect($0.status == .forbidden) }

            // A second grant, revoked by the regulator: access stops at once.
            clock.set(Self.at("2027-01-04T10:00:00+08:00"))
            let second = try await client.execute(uri: "/api/v1/sharing/requests", method: .post, headers: police, body: json([
                "entry": "101002-00003", "purpose": "核查", "duty": "侦查", "legal_basis": "刑事诉讼法", "period_end": "2027-06-30",
            ])) { decodeObject($0)["request"] as? [String: Any] ?? [:] }
            let grantID = try await client.execute(uri: "/api/v1/sharing/requests/\(second["id"] as? String ?? "")/approve", method: .post, headers: credit,
                                                   body: json([:])) { (decodeObject($0)["request"] as? [String: Any])?["grant_id"] as? String ?? "" }
            try await client.execute(uri: rows, method: .get, headers: police) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/sharing/grants/\(grantID)/revoke", method: .post, headers: credit, body: json(["reason": "x"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/sharing/grants/\(grantID)/revoke", method: .post, headers: regulator, body: json(["reason": "超出申请用途使用"])) { #expect($0.status == .ok) }
            try await client.execute(uri: rows, method: .get, headers: police) { #expect($0.status == .forbidden) }
        }
    }

    @Test("refusal, dispute, negotiation and the regulator's final decision; an unanswered request escalates by the clock")
    func disputeAndEscalation() async throws {
        let clock = TestClock(Self.at("2026-09-30T16:00:00+08:00"))
        try await withSharingApp(clock) { client, store, credentials in
            let police = try await bearer(client, "gaj.consumer", credentials.password("gaj.consumer"))
            let credit = try await bearer(client, "fgw.provider", credentials.password("fgw.provider"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let apply: [String: Any] = ["entry": "101002-00003", "purpose": "核查", "duty": "侦查", "legal_basis": "刑事诉讼法", "period_end": "2027-06-30"]
            let id = try await client.execute(uri: "/api/v1/sharing/requests", method: .post, headers: police, body: json(apply)) { response -> String in
                // Accepted on the eve of National Day: the deadline is Friday 9 October.
                #expect((decodeObject(response)["request"] as? [String: Any])?["deadline"] as? String == "2026-10-09T15:59:59Z")
                return (decodeObject(response)["request"] as? [String: Any])?["id"] as? String ?? ""
            }
            let base = "/api/v1/sharing/requests/\(id)"
            try await client.execute(uri: base + "/refuse", method: .post, headers: credit, body: json(["reason": "信用评价含商业秘密"])) { #expect($0.status == .badRequest) }
            try await client.execute(uri: base + "/refuse", method: .post, headers: credit, body: json(["reason": "信用评价含商业秘密", "basis": "《天津市社会信用条例》第二十一条"])) { #expect($0.status == .ok) }
            try await client.execute(uri: base + "/dispute", method: .post, headers: police, body: json(["text": "依法履职需要"])) { #expect($0.status == .ok) }
            try await client.execute(uri: base + "/messages", method: .post, headers: credit, body: json(["text": "请说明具体案件"])) { #expect($0.status == .created) }
            try await client.execute(uri: base + "/messages", method: .post, headers: police, body: json(["text": "案件编号见附件"])) { #expect($0.status == .created) }
            try await client.execute(uri: base + "/decision", method: .post, headers: credit, body: json(["decision": "share", "reason": "x"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: base + "/arbitration", method: .post, headers: credit, body: json(["text": "协商不成，请求裁决"])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/sharing/requests?box=escalated", method: .get, headers: regulator) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(items.contains { ($0["request"] as? [String: Any])?["id"] as? String == id })
            }
            try await client.execute(uri: "/api/v1/sharing/requests?box=escalated", method: .get, headers: credit) { #expect($0.status == .forbidden) }
            try await client.execute(uri: base + "/decision", method: .post, headers: regulator,
                                     body: json(["decision": "share_partly", "fields": ["grade"], "reason": "信用等级可共享，主体代码不予共享"])) { response in
                let request = decodeObject(response)["request"] as? [String: Any] ?? [:]
                #expect(request["status"] as? String == "decided" && request["decision"] as? String == "share_partly")
            }
            try await client.execute(uri: base, method: .get, headers: police) { response in
                let events = decodeObject(response)["events"] as? [[String: Any]] ?? []
                #expect(events.compactMap { $0["kind"] as? String } == ["submitted", "refused", "disputed", "message", "message", "arbitration_requested", "decided"])
            }
            // The decision is carried out: the police read the grade.
            try await client.execute(uri: "/api/v1/sharing/entries/101002-00003/rows", method: .get, headers: police) { response in
                #expect(response.status == .ok && decodeObject(response)["fields"] as? [String] == ["grade"])
            }

            // An unanswered request: on time until Friday 23:59:59, overdue and escalated after, without anyone waiting.
            clock.set(Self.at("2026-10-07T10:00:00+08:00"))
            let late = try await client.execute(uri: "/api/v1/sharing/requests", method: .post, headers: police, body: json(apply)) {
                (decodeObject($0)["request"] as? [String: Any])?["id"] as? String ?? ""
            }
            clock.set(Self.at("2026-10-09T23:00:00+08:00"))
            try await client.execute(uri: "/api/v1/sharing/requests/\(late)", method: .get, headers: credit) { response in
                #expect(decodeObject(response)["overdue"] as? Bool == false && decodeObject(response)["working_days_left"] as? Int == 0)
            }
            clock.set(Self.at("2026-10-10T08:00:00+08:00"))
            try await client.execute(uri: "/api/v1/sharing/requests?box=escalated", method: .get, headers: regulator) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                let item = items.first { ($0["request"] as? [String: Any])?["id"] as? String == late }
                #expect(item?["overdue"] as? Bool == true)
                #expect((item?["request"] as? [String: Any])?["escalated_at"] as? String != nil)
            }
            try await client.execute(uri: "/api/v1/sharing/response-records", method: .get, headers: regulator) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]] ?? []
                #expect(items.first?["overdue_open"] as? Int == 1 && items.first?["refused"] as? Int == 1)
            }
        }
    }

    @Test("a download carries its recipient's marks: the certificate verifies, a changed byte fails, and the copy traces back with or without its trailer")
    func deliveriesTraceAndVerify() async throws {
        try await withSharingApp(TestClock(Self.at("2026-12-01T10:00:00+08:00"))) { client, store, credentials in
            let police = try await bearer(client, "gaj.consumer", credentials.password("gaj.consumer"))
            let court = try await bearer(client, "court.consumer", credentials.password("court.consumer"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let market = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            let credit = try await bearer(client, "fgw.provider", credentials.password("fgw.provider"))
            let uri = "/api/v1/sharing/entries/201005-00001/rows.csv"
            let (file, deliveryID) = try await client.execute(uri: uri, method: .get, headers: police) { response -> ([UInt8], String) in
                #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix("text/csv") == true)
                return (Array(buffer: response.body), response.headers[.haiheDelivery] ?? "")
            }
            let (courtFile, courtDelivery) = try await client.execute(uri: uri, method: .get, headers: court) { ($0.body.getBytes(at: 0, length: $0.body.readableBytes) ?? [], $0.headers[.haiheDelivery] ?? "") }
            let text = String(decoding: file, as: UTF8.self)
            #expect(text.hasPrefix("credit_code,company_name,legal_representative,registered_capital,established_on,district\n"))
            #expect(text.split(separator: "\n").last?.hasPrefix("#haihe-delivery:\(deliveryID):") == true)
            #expect(file != courtFile, "each recipient's copy is marked differently")
            #expect(DeliveryEvidenceTestsShim.values(file) == DeliveryEvidenceTestsShim.values(courtFile), "but holds the same values")
            let delivery = try #require(try await store.sharing.delivery(id: deliveryID))
            #expect(delivery.rowCount == 60 && delivery.kind == .download)

            // The certificate: genuine; the file is what it certifies; one changed byte is not.
            let certificate = try await client.execute(uri: "/api/v1/sharing/deliveries/\(deliveryID)/certificate", method: .get, headers: police) { response -> String in
                #expect(response.status == .ok)
                return decodeObject(response)["certificate"] as? String ?? ""
            }
            try await client.execute(uri: "/api/v1/sharing/deliveries/\(deliveryID)/certificate", method: .get, headers: court) { #expect($0.status == .forbidden) }
            func verify(_ content: [UInt8]) async throws -> String {
                try await client.execute(uri: "/api/v1/verify", method: .post, headers: [.contentType: "application/json"],
                                         body: json(["certificate": certificate, "content_base64": Data(content).base64EncodedString()])) {
                    decodeObject($0)["outcome"] as? String ?? ""
                }
            }
            #expect(try await verify(file) == "valid")
            var changed = file
            changed[200] = changed[200] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            #expect(try await verify(changed) == "content_mismatch")
            try await client.execute(uri: "/api/v1/verify", method: .post, headers: [.contentType: "application/json"],
                                     body: json(["certificate": String(certificate.dropLast(3)) + "AAA"])) { #expect(decodeObject($0)["outcome"] as? String == "bad_signature") }
            try await client.execute(uri: "/verify?certificate=\(certificate)", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("凭证真实有效"))
            }

            // Tracing a copy found outside: by its trailer, then without it (the marker), and not for someone else's entries.
            func trace(_ bytes: [UInt8], as headers: HTTPFields) async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/sharing/trace", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)) { decodeObject($0) }
            }
            let byTrailer = try await trace(file, as: regulator)
            #expect(byTrailer["method"] as? String == "trailer" && byTrailer["trailer_intact"] as? Bool == true)
            #expect((byTrailer["delivery"] as? [String: Any])?["id"] as? String == deliveryID)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let stripped = Array((lines.dropLast(2).joined(separator: "\n") + "\n").utf8)
            let byMarker = try await trace(stripped, as: market)
            #expect(byMarker["method"] as? String == "marker")
            #expect((byMarker["delivery"] as? [String: Any])?["id"] as? String == deliveryID)
            #expect(try await trace(stripped, as: credit)["method"] as? String == "none")
            // The court's copy wearing the police's trailer: the signature fails, and the marker names the court.
            let courtLines = String(decoding: courtFile, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let swapped = Array((courtLines.dropLast(2).joined(separator: "\n") + "\n" + String(lines[lines.count - 2]) + "\n").utf8)
            let bySwap = try await trace(swapped, as: regulator)
            #expect(bySwap["method"] as? String == "marker" && (bySwap["delivery"] as? [String: Any])?["id"] as? String == courtDelivery)
            try await client.execute(uri: "/api/v1/sharing/trace", method: .post, headers: police, body: ByteBuffer(bytes: file)) { #expect($0.status == .forbidden) }
        }
    }

    @Test("the calendar: public deadline computation, the regulator loads a year, others may not")
    func calendarAPI() async throws {
        try await withSharingApp(TestClock(Self.at("2026-12-01T10:00:00+08:00"))) { client, _, credentials in
            try await client.execute(uri: "/api/v1/calendar/deadline?accepted=2026-02-13T18:00:00%2B08:00&working_days=2", method: .get) { response in
                #expect(response.status == .ok && decodeObject(response)["deadline"] as? String == "2026-02-24T23:59:59+08:00")
            }
            try await client.execute(uri: "/api/v1/calendar", method: .get) { response in
                #expect(decodeObject(response)["missing_years"] as? [Int] == [2027])
            }
            let provider = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let schedule = ByteBuffer(string: "date,kind,name\n2027-01-01,holiday,元旦\n")
            try await client.execute(uri: "/api/v1/calendar/schedules", method: .post, headers: provider, body: schedule) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/calendar/schedules", method: .post, headers: regulator, body: ByteBuffer(string: "date,kind,name\n2027-01-06,workday,x\n")) { response in
                #expect(response.status == .badRequest)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "calendar.workday_weekday")
            }
            try await client.execute(uri: "/api/v1/calendar/schedules", method: .post, headers: regulator, body: schedule) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/calendar", method: .get) { response in
                #expect(decodeObject(response)["missing_years"] as? [Int] == [])
            }
        }
    }

    @Test("the demo city holds share requests in every state: one overdue and escalated, one in dispute, one arbitrated")
    func demoRequests() async throws {
        try await withDemoApp { client, store, credentials in
            // 8 share requests, 2 open applications, 11 pieces of feedback and 3 uses.
            #expect(try await DemoSharing.load(into: store) == 24)
            let applications = try await store.openApplications.list()
            #expect(Set(applications.map(\.status)) == [.approved, .pending], "open applications: one approved, one waiting")
            let feedback = try await store.feedback.list(.init()).items
            #expect(Set(feedback.map(\.kind)) == Set(Feedback.Kind.allCases) && Set(feedback.map(\.status)) == [.pending, .answered])
            #expect(feedback.contains { $0.kind == .dataRequest && $0.isOverdue(at: Date()) })
            #expect(Set(try await store.showcase.list().map(\.status)) == [.published, .pending])
            #expect(try await DemoSharing.load(into: store) == 0, "loaded once")
            let all = try await store.sharing.requests(.all, organizationID: nil)
            #expect(Set(all.map(\.status)) == Set(ShareRequest.Status.allCases))
            #expect(all.filter { $0.isOverdue(at: Date()) && $0.escalatedAt != nil }.count == 1)
            #expect(all.contains { $0.status == .decided && $0.decision == .sharePartly && $0.grantID != nil })
            let disputed = try #require(all.first { $0.status == .disputed })
            #expect(try await store.sharing.events(requestID: disputed.id).filter { $0.kind == .message }.count == 2)
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            try await client.execute(uri: "/console/sharing", method: .get, headers: regulator) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("已逾期 Overdue") && page.contains("待裁决"))
            }
        }
    }

    @Test("the console pages of sharing render for each side")
    func consolePages() async throws {
        try await withSharingApp(TestClock(Self.at("2026-12-01T10:00:00+08:00"))) { client, store, credentials in
            let police = try await bearer(client, "gaj.consumer", credentials.password("gaj.consumer"))
            let credit = try await bearer(client, "fgw.provider", credentials.password("fgw.provider"))
            let regulator = try await bearer(client, "regulator", credentials.password("regulator"))
            let id = try await client.execute(uri: "/api/v1/sharing/requests", method: .post, headers: police, body: json([
                "entry": "101002-00003", "purpose": "核查", "duty": "侦查", "legal_basis": "刑事诉讼法"])) {
                (decodeObject($0)["request"] as? [String: Any])?["id"] as? String ?? ""
            }
            let pages: [(HTTPFields, String, String)] = [
                (police, "/console/sharing", "共享目录"), (police, "/console/sharing/entries/201005-00001?field=district&op=eq&value=%E5%92%8C%E5%B9%B3%E5%8C%BA", "和平区"),
                (police, "/console/sharing/entries/101002-00003", "申请共享"), (credit, "/console/sharing", "待本单位答复"),
                (credit, "/console/sharing/requests/\(id)", "同意 Approve"), (regulator, "/console/sharing", "督办"),
                (regulator, "/console/calendar?accepted=2026-09-30&working_days=2", "2026-10-09T23:59:59+08:00"), (police, "/verify", "凭证核验"),
            ]
            for (headers, uri, expected) in pages {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(String(buffer: response.body).contains(expected), "\(uri) shows \(expected)")
                }
            }
            let gaj = try #require(try await store.users.credentials(username: "gaj.consumer")?.user)
            #expect(try await store.sharing.deliveries(recipientID: gaj.organizationID).count == 1,
                    "the console preview is a recorded delivery")
        }
    }
}

/// CSV values of a delivered file, trailer left out.
enum DeliveryEvidenceTestsShim {
    static func values(_ file: [UInt8]) -> [[String]] {
        let text = String(decoding: file, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        return (try? CSVParser.records(of: Array(text.utf8))) ?? []
    }
}
