import Foundation
import HaiheCore
import HaiheStore
import Hummingbird
import HTTPTypes

/// 数据共享 API (Art. 15–19): the consumer's data API, share requests with their deadlines, negotiation and the
/// regulator's decisions, grants, deliveries and their certificates, tracing a copy found outside.
struct SharingAPI: Sendable {
    let store: Store
    let `guard`: Guard
    let shared: SharedData
    let clock: any PlatformClock

    struct ApplicationBody: Decodable {
        var entry: String
        var fields: [String]?
        var purpose: String?
        var duty: String?
        var legalBasis: String?
        var periodStart: String?
        var periodEnd: String?
    }

    struct ApproveBody: Decodable {
        var fields: [String]?
        var periodEnd: String?
    }

    struct RefuseBody: Decodable {
        var reason: String?
        var basis: String?
    }

    struct TextBody: Decodable {
        var text: String?
        var message: String?
        var reason: String?
        var value: String { text ?? message ?? reason ?? "" }
    }

    struct DecisionBody: Decodable {
        var decision: ShareRequest.Decision
        var fields: [String]?
        var reason: String?
    }

    struct RequestView: ResponseEncodable {
        var request: ShareRequest
        var overdue: Bool
        var workingDaysLeft: Int?
        var events: [ShareRequestEvent]?
    }

    struct RequestList: ResponseEncodable {
        var items: [RequestView]
    }

    struct OfferView: ResponseEncodable {
        var entryId: String
        var resourceCode: String
        var title: String
        var providerId: String
        var shareType: ShareType
        var access: String
        var fields: [String]
        var grantEndsAt: Date?
        var version: Int?
        var reason: String?
    }

    struct OfferList: ResponseEncodable {
        var items: [OfferView]
        var total: Int
    }

    struct Grants: ResponseEncodable {
        var items: [ShareGrant]
    }

    struct Deliveries: ResponseEncodable {
        var items: [ShareDelivery]
    }

    struct CertificateView: ResponseEncodable {
        var deliveryId: String
        var certificate: String
        var publicKey: String
    }

    struct Records: ResponseEncodable {
        var items: [SharingStore.ResponseRecord]
    }

    /// An organisation id no organisation has: only a role with reach "any" passes a check against it.
    static let everyOrganization = PolicyObject(organizationID: "*")

    func addRoutes(to router: Router<HaiheRequestContext>) {
        // The sharing catalog as the caller's department sees it: what it may read now, and what needs an application.
        router.route(.get, "/api/v1/sharing/entries", .sharingRead, guard: `guard`) { request, context -> OfferList in
            let subject = try await `guard`.subject(.sharingRead, context)
            let query = request.uri.queryParameters
            let page = try await store.catalog.list(CatalogQuery(catalog: .sharing, text: query["q"].map(String.init),
                                                                 limit: min(Int(query["limit"] ?? "") ?? 20, 100), offset: max(Int(query["offset"] ?? "") ?? 0, 0)))
            let grants = try await store.sharing.grants(consumerID: subject.organizationID)
            let now = clock.now()
            let items = page.entries.map { entry -> OfferView in
                let access = try? SharingPolicy.access(to: entry, for: subject.organizationID, grants: grants, at: now)
                return OfferView(entryId: entry.entryID, resourceCode: entry.resourceCode, title: entry.title, providerId: entry.providerID,
                                 shareType: entry.shareType, access: access?.basis.rawValue ?? "apply", fields: access?.fields ?? [],
                                 grantEndsAt: access?.grant?.endsAt, version: nil, reason: nil)
            }
            return OfferList(items: items, total: page.total)
        }

        router.route(.get, "/api/v1/sharing/entries/{entry}/rows", .sharingRead, guard: `guard`) { request, context -> Response in
            let subject = try await `guard`.subject(.sharingRead, context)
            let reference = try context.parameters.require("entry")
            let offer = try await shared.offer(reference, for: subject, at: clock.now())
            let query = try DatasetQuery(parameters: Self.parameters(request), fields: offer.loadedFields)
            let page = try await shared.page(offer, query: query, for: subject, audit: context.auditDraft("sharing.deliver", objectType: "delivery"), at: clock.now())
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.haiheDelivery] = page.delivery.id
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: page.body)))
        }

        router.route(.get, "/api/v1/sharing/entries/{entry}/rows.csv", .sharingRead, guard: `guard`) { request, context -> Response in
            let subject = try await `guard`.subject(.sharingRead, context)
            let reference = try context.parameters.require("entry")
            let offer = try await shared.offer(reference, for: subject, at: clock.now())
            let query = try DatasetQuery(parameters: Self.parameters(request), fields: offer.loadedFields)
            return try await shared.download(offer, query: query, for: subject, audit: context.auditDraft("sharing.deliver", objectType: "delivery"), at: clock.now())
        }

        router.route(.post, "/api/v1/sharing/requests", .sharingApply, guard: `guard`) { request, context -> Response in
            let subject = try await `guard`.subject(.sharingApply, context)
            let body = try await decode(ApplicationBody.self, request, context, keys: .convertFromSnakeCase)
            guard let entry = try await store.catalog.findPublished(body.entry, in: .sharing) else {
                throw HaiheError.notFound("catalog_entry", zh: "共享目录", id: body.entry)
            }
            let now = clock.now()
            let application = ShareApplication(fields: body.fields ?? [], purpose: body.purpose ?? "", duty: body.duty ?? "", legalBasis: body.legalBasis ?? "",
                                               periodStart: try Self.instant(body.periodStart, field: "period_start", endOfDay: false) ?? now,
                                               periodEnd: try Self.instant(body.periodEnd, field: "period_end", endOfDay: true) ?? now.addingTimeInterval(365 * 86_400))
            let created = try await store.sharing.submit(entry: entry, application: application, by: .init(subject),
                                                         audit: context.auditDraft(.sharingApply), at: now)
            return try jsonResponse(try await view(created, events: true), status: .created, context: context)
        }

        router.route(.get, "/api/v1/sharing/requests", .sharingView, guard: `guard`) { request, context -> RequestList in
            let subject = try await `guard`.subject(.sharingView, context)
            let query = request.uri.queryParameters
            guard let box = SharingStore.Box(rawValue: String(query["box"] ?? "inbox")) else {
                throw HaiheError.invalid("sharing.box", zh: "box 应为 inbox、outbox、all 或 escalated", en: "box must be inbox, outbox, all or escalated")
            }
            if box == .all || box == .escalated { try await `guard`.require(.sharingView, on: Self.everyOrganization, context) }
            let status = try query["status"].map { text in
                guard let status = ShareRequest.Status(rawValue: String(text)) else {
                    throw HaiheError.invalid("sharing.status", zh: "未知的状态 \(text)", en: "Unknown status \(text)")
                }
                return status
            }
            try await store.sharing.escalateOverdue(at: clock.now())
            var items: [RequestView] = []
            for item in try await store.sharing.requests(box, organizationID: subject.organizationID, status: status) {
                items.append(try await view(item, events: false))
            }
            return RequestList(items: items)
        }

        router.route(.get, "/api/v1/sharing/requests/{id}", .sharingView, guard: `guard`) { _, context -> RequestView in
            let request = try await shareRequest(context, .sharingView, sides: .either)
            return try await view(request, events: true)
        }

        router.route(.post, "/api/v1/sharing/requests/{id}/approve", .sharingAnswer, guard: `guard`) { request, context -> Response in
            let current = try await shareRequest(context, .sharingAnswer, sides: .provider)
            let body = try await decode(ApproveBody.self, request, context, keys: .convertFromSnakeCase)
            let answered = try await store.sharing.answer(current.id, .approve(fields: body.fields, periodEnd: try Self.instant(body.periodEnd, field: "period_end", endOfDay: true)),
                                                          entry: try await entry(of: current), by: .init(try await `guard`.subject(.sharingAnswer, context)),
                                                          audit: context.auditDraft(.sharingAnswer), at: clock.now())
            return try jsonResponse(try await view(answered, events: true), context: context)
        }

        router.route(.post, "/api/v1/sharing/requests/{id}/refuse", .sharingAnswer, guard: `guard`) { request, context -> Response in
            let current = try await shareRequest(context, .sharingAnswer, sides: .provider)
            let body = try await decode(RefuseBody.self, request, context, keys: .convertFromSnakeCase)
            let answered = try await store.sharing.answer(current.id, .refuse(reason: body.reason ?? "", basis: body.basis ?? ""), entry: try await entry(of: current),
                                                          by: .init(try await `guard`.subject(.sharingAnswer, context)), audit: context.auditDraft(.sharingAnswer), at: clock.now())
            return try jsonResponse(try await view(answered, events: true), context: context)
        }

        router.route(.post, "/api/v1/sharing/requests/{id}/dispute", .sharingApply, guard: `guard`) { request, context -> Response in
            let current = try await shareRequest(context, .sharingApply, sides: .consumer)
            let body = try await decode(TextBody.self, request, context)
            let changed = try await store.sharing.dispute(current.id, message: body.value, by: .init(try await `guard`.subject(.sharingApply, context)),
                                                          audit: context.auditDraft(.sharingApply), at: clock.now())
            return try jsonResponse(try await view(changed, events: true), context: context)
        }

        router.route(.post, "/api/v1/sharing/requests/{id}/withdraw", .sharingApply, guard: `guard`) { _, context -> Response in
            let current = try await shareRequest(context, .sharingApply, sides: .consumer)
            let changed = try await store.sharing.withdraw(current.id, by: .init(try await `guard`.subject(.sharingApply, context)),
                                                           audit: context.auditDraft(.sharingApply), at: clock.now())
            return try jsonResponse(try await view(changed, events: true), context: context)
        }

        router.route(.post, "/api/v1/sharing/requests/{id}/messages", .sharingNegotiate, guard: `guard`) { request, context -> Response in
            let current = try await shareRequest(context, .sharingNegotiate, sides: .either)
            let body = try await decode(TextBody.self, request, context)
            let changed = try await store.sharing.message(current.id, text: body.value, by: .init(try await `guard`.subject(.sharingNegotiate, context)),
                                                          audit: context.auditDraft(.sharingNegotiate), at: clock.now())
            return try jsonResponse(try await view(changed, events: true), status: .created, context: context)
        }

        router.route(.post, "/api/v1/sharing/requests/{id}/arbitration", .sharingNegotiate, guard: `guard`) { request, context -> Response in
            let current = try await shareRequest(context, .sharingNegotiate, sides: .either)
            let body = try await decode(TextBody.self, request, context)
            let changed = try await store.sharing.requestArbitration(current.id, reason: body.value, by: .init(try await `guard`.subject(.sharingNegotiate, context)),
                                                                     audit: context.auditDraft(.sharingNegotiate), at: clock.now())
            return try jsonResponse(try await view(changed, events: true), context: context)
        }

        router.route(.post, "/api/v1/sharing/requests/{id}/decision", .sharingArbitrate, guard: `guard`) { request, context -> Response in
            let current = try await shareRequest(context, .sharingArbitrate, sides: .either)
            let body = try await decode(DecisionBody.self, request, context, keys: .convertFromSnakeCase)
            let changed = try await store.sharing.decide(current.id, body.decision, fields: body.fields, reason: body.reason ?? "", entry: try await entry(of: current),
                                                         by: .init(try await `guard`.subject(.sharingArbitrate, context)),
                                                         audit: context.auditDraft(.sharingArbitrate), at: clock.now())
            return try jsonResponse(try await view(changed, events: true), context: context)
        }

        router.route(.get, "/api/v1/sharing/grants", .sharingView, guard: `guard`) { request, context -> Grants in
            let subject = try await `guard`.subject(.sharingView, context)
            let query = request.uri.queryParameters
            switch query["side"].map(String.init) ?? "consumer" {
            case "consumer": return Grants(items: try await store.sharing.grants(consumerID: subject.organizationID))
            case "provider": return Grants(items: try await store.sharing.grants(providerID: subject.organizationID))
            case "all":
                try await `guard`.require(.sharingView, on: Self.everyOrganization, context)
                return Grants(items: try await store.sharing.grants())
            default:
                throw HaiheError.invalid("sharing.side", zh: "side 应为 consumer、provider 或 all", en: "side must be consumer, provider or all")
            }
        }

        router.route(.post, "/api/v1/sharing/grants/{id}/revoke", .sharingArbitrate, guard: `guard`) { request, context -> Response in
            let subject = try await `guard`.subject(.sharingArbitrate, on: Self.everyOrganization, context)
            let body = try await decode(TextBody.self, request, context)
            let grant = try await store.sharing.revoke(grantID: try context.parameters.require("id"), reason: body.value, by: .init(subject),
                                                       audit: context.auditDraft(.sharingArbitrate), at: clock.now())
            return try jsonResponse(grant, context: context)
        }

        router.route(.get, "/api/v1/sharing/deliveries", .sharingView, guard: `guard`) { request, context -> Deliveries in
            let subject = try await `guard`.subject(.sharingView, context)
            switch request.uri.queryParameters["side"].map(String.init) ?? "consumer" {
            case "consumer": return Deliveries(items: try await store.sharing.deliveries(recipientID: subject.organizationID))
            case "provider": return Deliveries(items: try await store.sharing.deliveries(entryIDs: try await ownEntryIDs(subject.organizationID)))
            case "all":
                try await `guard`.require(.sharingView, on: Self.everyOrganization, context)
                return Deliveries(items: try await store.sharing.deliveries())
            default:
                throw HaiheError.invalid("sharing.side", zh: "side 应为 consumer、provider 或 all", en: "side must be consumer, provider or all")
            }
        }

        router.route(.get, "/api/v1/sharing/deliveries/{id}/certificate", .sharingView, guard: `guard`) { _, context -> CertificateView in
            let id = try context.parameters.require("id")
            guard let delivery = try await store.sharing.delivery(id: id) else { throw HaiheError.notFound("delivery", zh: "交付记录", id: id) }
            let provider = try await store.catalog.findPublished(delivery.entryID, in: .government)?.providerID
            try await `guard`.requireEither(.sharingView, organizations: [delivery.recipientOrganizationID, provider].compactMap { $0 }, context)
            guard let certificate = delivery.certificate else {
                throw HaiheError.conflict("sharing.delivery_unfinished", zh: "该下载尚未完成，没有凭证", en: "The download has not finished; it has no certificate")
            }
            return CertificateView(deliveryId: id, certificate: certificate, publicKey: shared.nodeKey.publicKeyHex)
        }

        // A copy found outside: which delivery did it come from? The body is the file.
        router.route(.post, "/api/v1/sharing/trace", .sharingTrace, guard: `guard`) { request, context -> Response in
            let subject = try await `guard`.subject(.sharingTrace, context)
            let bytes = [UInt8](buffer: try await request.body.collect(upTo: 64 << 20))
            let oversight = AccessPolicy.decide(subject, .sharingTrace, on: Self.everyOrganization).isAllowed
            let trace = try await shared.trace(bytes, entryIDs: oversight ? nil : try await ownEntryIDs(subject.organizationID))
            return try jsonResponse(trace, context: context)
        }

        router.route(.get, "/api/v1/sharing/response-records", .sharingView, guard: `guard`) { _, context -> Records in
            try await `guard`.require(.sharingView, on: Self.everyOrganization, context)
            return Records(items: try await store.sharing.responseRecords(at: clock.now()))
        }
    }

    enum Sides { case consumer, provider, either }

    /// The request named in the path, after the policy allowed the caller on the side the action belongs to.
    func shareRequest(_ context: HaiheRequestContext, _ action: Action, sides: Sides) async throws -> ShareRequest {
        let id = try context.parameters.require("id")
        guard let request = try await store.sharing.request(id: id) else { throw HaiheError.notFound("share_request", zh: "共享申请", id: id) }
        switch sides {
        case .consumer: try await `guard`.require(action, on: PolicyObject(organizationID: request.consumerID), context)
        case .provider: try await `guard`.require(action, on: PolicyObject(organizationID: request.providerID), context)
        case .either: try await `guard`.requireEither(action, organizations: [request.consumerID, request.providerID], context)
        }
        return request
    }

    func entry(of request: ShareRequest) async throws -> CatalogEntry {
        guard let entry = try await store.catalog.findPublished(request.entryID, in: .government) else {
            throw HaiheError.conflict("sharing.entry_retired", zh: "该目录已不再发布", en: "The entry is no longer published")
        }
        return entry
    }

    func ownEntryIDs(_ organizationID: String) async throws -> [String] {
        try await store.catalog.all(CatalogQuery(catalog: .government, providerID: organizationID)).map(\.entryID)
    }

    func view(_ request: ShareRequest, events: Bool) async throws -> RequestView {
        let now = clock.now()
        let calendar = try await store.calendar.calendar()
        return RequestView(request: request, overdue: request.isOverdue(at: now),
                           workingDaysLeft: request.status == .pending ? calendar.workingDaysLeft(at: now, until: request.deadline) : nil,
                           events: events ? try await store.sharing.events(requestID: request.id) : nil)
    }

    static func parameters(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    /// A date (`2027-06-30`, Beijing) or an ISO 8601 instant; a bare end date means the end of that day.
    static func instant(_ text: String?, field: String, endOfDay: Bool) throws -> Date? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        if let day = CivilDay(text.trimmingCharacters(in: .whitespaces)) {
            return endOfDay ? day.endOfDay : Date(timeIntervalSince1970: Double(day.number * 86_400 - CivilDay.beijingOffset))
        }
        guard let date = WorkingCalendar.parseInstant(text) else {
            throw HaiheError.invalid("body.bad_date", zh: "字段“\(field)”应为日期（YYYY-MM-DD）或 ISO 8601 时间", en: "The field '\(field)' must be a date (YYYY-MM-DD) or an ISO 8601 time")
        }
        return date
    }
}
