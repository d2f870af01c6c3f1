import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// 互动反馈 and 成果展示 over JSON: data requests, error reports, comments with ratings, each answered by the department
/// concerned and public with its answer; and uses of open data, shown once the regulator has reviewed them.
struct InteractionAPI: Sendable {
    let store: Store
    let `guard`: Guard
    let openData: OpenDataAPI

    /// Feedback as the public sees it: the author's name masked, no account ids.
    struct PublicFeedback: ResponseEncodable {
        var id: String
        var kind: Feedback.Kind
        var dataset: String?
        var datasetTitle: String?
        var title: String
        var body: String
        var field: String?
        var rating: Int?
        var author: String
        var status: Feedback.Status
        var createdAt: Date
        var deadline: Date
        var overdue: Bool
        var resolution: Feedback.Resolution?
        var answer: String?
        var answeredAt: Date?
        /// Who answered (or, while pending, who is to answer): a department, or the regulator.
        var answeredByOrganization: String?
        var answeredByOrganizationEn: String?

        init(_ feedback: Feedback, organizations: [String: Organization], now: Date) {
            id = feedback.id
            kind = feedback.kind
            dataset = feedback.resourceCode
            datasetTitle = feedback.entryTitle
            title = feedback.title
            body = feedback.body
            field = feedback.field
            rating = feedback.rating
            author = feedback.publicAuthor
            status = feedback.status
            createdAt = feedback.createdAt
            deadline = feedback.deadline
            overdue = feedback.isOverdue(at: now)
            resolution = feedback.resolution
            answer = feedback.answer
            answeredAt = feedback.answeredAt
            // The regulator may answer in a department's place; the answer then says so.
            let answerer = (feedback.answeredByOrganization ?? feedback.providerID).flatMap { organizations[$0] }
            answeredByOrganization = answerer?.nameZH ?? "市互联网信息主管部门（监管）"
            answeredByOrganizationEn = answerer.map { $0.nameEN ?? $0.nameZH } ?? "The regulator (municipal internet information department)"
        }
    }

    struct FeedbackPage: ResponseEncodable {
        var items: [PublicFeedback]
        var total: Int
        var ratingAverage: Double?
        var ratingCount: Int?
    }

    struct InboxPage: ResponseEncodable {
        var items: [Feedback]
        var total: Int
    }

    struct FeedbackBody: Decodable {
        var kind: String?
        var title: String?
        var body: String?
        var field: String?
        var rating: Int?
        // convertFromSnakeCase makes provider_id providerId.
        var providerId: String?
    }

    struct AnswerBody: Decodable {
        var resolution: String?
        var answer: String?
    }

    struct UseCaseBody: Decodable {
        var kind: String?
        var title: String?
        var description: String?
        var url: String?
        var byline: String?
        var datasets: [String]?
    }

    struct ReviewBody: Decodable {
        var decision: String?
        var note: String?
    }

    /// A use as the public sees it: the datasets by code and title, the submitter by their byline only.
    struct PublicUseCase: ResponseEncodable {
        struct Dataset: Codable, Sendable {
            var resourceCode: String
            var title: String
        }
        var id: String
        var kind: UseCase.Kind
        var title: String
        var description: String
        var url: String
        var byline: String?
        var datasets: [Dataset]
        var status: UseCase.Status
        var createdAt: Date
        var reviewNote: String?
    }

    struct UseCasePage: ResponseEncodable {
        var items: [PublicUseCase]
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        // Public: a dataset's feedback with answers and its rating; the data requests; the published uses.
        router.route(.get, "/api/v1/datasets/{id}/feedback", .openDataRead, guard: `guard`) { request, context -> FeedbackPage in
            let entry = try await openData.openEntry(context)
            let kind = try Self.kind(request.uri.queryParameters["kind"].map(String.init), allowRequests: false)
            let (limit, offset) = try Self.paging(request)
            let (items, total) = try await store.feedback.list(.init(entryID: entry.entryID, kind: kind, limit: limit, offset: offset))
            let rating = try await store.feedback.rating(entryID: entry.entryID)
            return FeedbackPage(items: try await publicViews(items), total: total, ratingAverage: rating.average, ratingCount: rating.count)
        }
        router.route(.get, "/api/v1/data-requests", .openDataRead, guard: `guard`) { request, _ -> FeedbackPage in
            let (limit, offset) = try Self.paging(request)
            let (items, total) = try await store.feedback.list(.init(kind: .dataRequest, limit: limit, offset: offset))
            return FeedbackPage(items: try await publicViews(items), total: total)
        }
        router.route(.get, "/api/v1/showcase", .openDataRead, guard: `guard`) { request, _ -> UseCasePage in
            var entryID: String?
            if let dataset = request.uri.queryParameters["dataset"].map(String.init) {
                guard let entry = try await store.catalog.findPublished(dataset, in: .open) else { throw HaiheError.notFound("dataset", zh: "开放数据集", id: dataset) }
                entryID = entry.entryID
            }
            return UseCasePage(items: try await publicUseCases(try await store.showcase.list(status: .published, entryID: entryID)))
        }

        // Signed in: send feedback, see one's own.
        router.route(.post, "/api/v1/datasets/{id}/feedback", .feedbackSubmit, guard: `guard`) { request, context -> Response in
            let entry = try await openData.openEntry(context)
            let body = try await decode(FeedbackBody.self, request, context, keys: .convertFromSnakeCase)
            let kind = try Self.kind(body.kind ?? "comment", allowRequests: false) ?? .comment
            let feedback = try await submit(kind, entry: entry, providerID: nil, title: body.title ?? "", body: body.body ?? "", field: body.field,
                                            rating: body.rating, context)
            return try jsonResponse(feedback, status: .created, context: context)
        }
        router.route(.post, "/api/v1/data-requests", .feedbackSubmit, guard: `guard`) { request, context -> Response in
            let body = try await decode(FeedbackBody.self, request, context, keys: .convertFromSnakeCase)
            let feedback = try await submit(.dataRequest, entry: nil, providerID: body.providerId, title: body.title ?? "", body: body.body ?? "",
                                            field: nil, rating: nil, context)
            return try jsonResponse(feedback, status: .created, context: context)
        }
        router.route(.get, "/api/v1/me/feedback", .feedbackView, guard: `guard`) { request, context -> InboxPage in
            let subject = try await `guard`.subject(.feedbackView, on: PolicyObject(userID: context.identity?.user.id), context)
            let (limit, offset) = try Self.paging(request)
            let (items, total) = try await store.feedback.list(.init(authorUserID: subject.userID, limit: limit, offset: offset))
            // The author sees the answer and the department, not which officer's account gave it.
            return InboxPage(items: items.map { var item = $0; item.answeredBy = nil; return item }, total: total)
        }

        // A department's inbox, or everything for oversight, pending first by deadline; and the answer.
        router.route(.get, "/api/v1/feedback", .feedbackView, guard: `guard`) { request, context -> InboxPage in
            let (limit, offset) = try Self.paging(request)
            let kind = try Self.kind(request.uri.queryParameters["kind"].map(String.init), allowRequests: true)
            let filter = try await inbox(context, kind: kind, limit: limit, offset: offset)
            let (items, total) = try await store.feedback.list(filter)
            return InboxPage(items: items, total: total)
        }
        router.route(.post, "/api/v1/feedback/{id}/answer", .feedbackAnswer, guard: `guard`) { request, context -> Response in
            let body = try await decode(AnswerBody.self, request, context, keys: .convertFromSnakeCase)
            let answered = try await answer(try context.parameters.require("id"), resolution: body.resolution, text: body.answer, context)
            return try jsonResponse(answered, context: context)
        }

        // 成果展示: submit; the regulator's review queue and decision.
        router.route(.post, "/api/v1/showcase", .showcaseSubmit, guard: `guard`) { request, context -> Response in
            let body = try await decode(UseCaseBody.self, request, context, keys: .convertFromSnakeCase)
            let useCase = try await submitUseCase(kind: body.kind, title: body.title ?? "", description: body.description ?? "", url: body.url ?? "",
                                                  byline: body.byline, datasets: body.datasets ?? [], context)
            return try jsonResponse(useCase, status: .created, context: context)
        }
        router.route(.get, "/api/v1/showcase/submissions", .showcaseView, guard: `guard`) { request, _ -> UseCasePage in
            let status = try request.uri.queryParameters["status"].map { value -> UseCase.Status in
                guard let status = UseCase.Status(rawValue: String(value)) else {
                    throw HaiheError.invalid("showcase.status", zh: "状态应为 pending、published 或 rejected", en: "status is pending, published or rejected")
                }
                return status
            } ?? .pending
            return UseCasePage(items: try await publicUseCases(try await store.showcase.list(status: status)))
        }
        router.route(.post, "/api/v1/showcase/{id}/review", .showcaseReview, guard: `guard`) { request, context -> Response in
            let body = try await decode(ReviewBody.self, request, context, keys: .convertFromSnakeCase)
            let reviewed = try await review(try context.parameters.require("id"), decision: body.decision, note: body.note, context)
            return try jsonResponse(reviewed, context: context)
        }
    }

    // MARK: The steps, shared by the JSON routes and the portal's forms

    func submit(_ kind: Feedback.Kind, entry: CatalogEntry?, providerID: String?, title: String, body: String, field: String?, rating: Int?,
                _ context: HaiheRequestContext) async throws -> Feedback {
        let user = try await `guard`.user(.feedbackSubmit, on: PolicyObject(userID: context.identity?.user.id), context)
        var provider: String?
        if let providerID = providerID?.trimmingCharacters(in: .whitespaces), !providerID.isEmpty {
            guard let organization = try await store.organizations.find(id: providerID), organization.kind.isGovernment else {
                throw HaiheError.invalid("feedback.provider", zh: "请选择一个政务部门，或留空由监管部门答复", en: "Name a government department, or none for the regulator to answer")
            }
            provider = organization.id
        }
        return try await store.feedback.submit(kind: kind, entry: entry, providerID: provider, author: user, title: title, body: body, field: field,
                                               rating: rating, audit: context.auditDraft(.feedbackSubmit), at: openData.clock.now())
    }

    func answer(_ id: String, resolution: String?, text: String?, _ context: HaiheRequestContext) async throws -> Feedback {
        guard let feedback = try await store.feedback.feedback(id: id) else { throw HaiheError.notFound("feedback", zh: "反馈", id: id) }
        // The department concerned answers; a data request naming none is the regulator's (any reach) to answer.
        let subject = try await `guard`.subject(.feedbackAnswer, on: PolicyObject(organizationID: feedback.providerID ?? "*"), context)
        guard let resolution = resolution.flatMap(Feedback.Resolution.init(rawValue:)) else {
            throw HaiheError.invalid("feedback.resolution", zh: "请给出答复结果（resolution）：\(Feedback.Resolution.allCases.filter { $0.kind == feedback.kind }.map(\.rawValue).joined(separator: "、"))",
                                     en: "Give the resolution: \(Feedback.Resolution.allCases.filter { $0.kind == feedback.kind }.map(\.rawValue).joined(separator: ", "))")
        }
        return try await store.feedback.answer(id, resolution: resolution, text: text ?? "", by: subject.userID, organizationID: subject.organizationID,
                                               audit: context.auditDraft(.feedbackAnswer), at: openData.clock.now())
    }

    /// Which inbox the caller sees: oversight everything (the regulator's own desk first), a department its own.
    func inbox(_ context: HaiheRequestContext, kind: Feedback.Kind?, limit: Int, offset: Int) async throws -> FeedbackStore.Filter {
        let subject = try await `guard`.subject(.feedbackView, context)
        if AccessPolicy.decide(subject, .feedbackView, on: SharingAPI.everyOrganization).isAllowed {
            return .init(kind: kind, pendingFirst: true, limit: limit, offset: offset)
        }
        guard subject.roles.contains(.provider) else {
            throw HaiheError(.forbidden, code: "auth.forbidden", zh: "仅政务部门可查看收到的反馈", en: "Only departments see the feedback addressed to them")
        }
        return .init(kind: kind, providerID: subject.organizationID, pendingFirst: true, limit: limit, offset: offset)
    }

    func submitUseCase(kind: String?, title: String, description: String, url: String, byline: String?, datasets: [String],
                       _ context: HaiheRequestContext) async throws -> UseCase {
        let user = try await `guard`.user(.showcaseSubmit, on: PolicyObject(userID: context.identity?.user.id), context)
        guard let kind = UseCase.Kind(rawValue: kind ?? "app") else {
            throw HaiheError.invalid("showcase.kind", zh: "成果类型应为 \(UseCase.Kind.allCases.map(\.rawValue).joined(separator: "、"))",
                                     en: "kind is one of \(UseCase.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var entries: [CatalogEntry] = []
        for reference in datasets.prefix(21) where !reference.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let entry = try await store.catalog.findPublished(reference.trimmingCharacters(in: .whitespaces), in: .open) else {
                throw HaiheError.invalid("showcase.dataset", zh: "“\(reference)”不是开放数据集", en: "'\(reference)' is not an open dataset")
            }
            entries.append(entry)
        }
        return try await store.showcase.submit(kind: kind, title: title, description: description, url: url, byline: byline, datasets: entries,
                                               submitter: user, audit: context.auditDraft(.showcaseSubmit), at: openData.clock.now())
    }

    func review(_ id: String, decision: String?, note: String?, _ context: HaiheRequestContext) async throws -> UseCase {
        let subject = try await `guard`.subject(.showcaseReview, on: SharingAPI.everyOrganization, context)
        guard let decision, ["publish", "reject"].contains(decision) else {
            throw HaiheError.invalid("showcase.decision", zh: "审核结论应为 publish（展示）或 reject（不予展示）", en: "decision is publish or reject")
        }
        return try await store.showcase.review(id, publish: decision == "publish", note: note, by: subject.userID,
                                               audit: context.auditDraft(.showcaseReview), at: openData.clock.now())
    }

    func publicViews(_ items: [Feedback]) async throws -> [PublicFeedback] {
        let organizations = Dictionary(uniqueKeysWithValues: try await store.organizations.list().map { ($0.id, $0) })
        let now = openData.clock.now()
        return items.map { PublicFeedback($0, organizations: organizations, now: now) }
    }

    /// Only datasets still in the open catalog are named: a use never leads to a dataset that is no longer open.
    func publicUseCases(_ items: [UseCase]) async throws -> [PublicUseCase] {
        var titles: [String: CatalogEntry?] = [:]
        var result: [PublicUseCase] = []
        for useCase in items {
            var datasets: [PublicUseCase.Dataset] = []
            for entryID in useCase.entryIDs {
                if titles[entryID] == nil { titles[entryID] = .some(try await store.catalog.findPublished(entryID, in: .open)) }
                if let entry = titles[entryID] ?? nil { datasets.append(.init(resourceCode: entry.resourceCode, title: entry.title)) }
            }
            result.append(PublicUseCase(id: useCase.id, kind: useCase.kind, title: useCase.title, description: useCase.description, url: useCase.url,
                                        byline: useCase.byline, datasets: datasets, status: useCase.status, createdAt: useCase.createdAt,
                                        reviewNote: useCase.status == .rejected ? useCase.reviewNote : nil))
        }
        return result
    }

    static func kind(_ value: String?, allowRequests: Bool) throws -> Feedback.Kind? {
        guard let value, !value.isEmpty else { return nil }
        guard let kind = Feedback.Kind(rawValue: value), allowRequests || kind != .dataRequest else {
            throw HaiheError.invalid("feedback.kind", zh: "类型应为 \(allowRequests ? "data_request、" : "")error_report 或 comment",
                                     en: "kind is \(allowRequests ? "data_request, " : "")error_report or comment")
        }
        return kind
    }

    static func paging(_ request: Request) throws -> (Int, Int) {
        let limitText = request.uri.queryParameters["limit"].map(String.init) ?? "50"
        let offsetText = request.uri.queryParameters["offset"].map(String.init) ?? "0"
        guard let limit = Int(limitText), (1...500).contains(limit), let offset = Int(offsetText), (0...1_000_000).contains(offset) else {
            throw HaiheError.invalid("query.paging", zh: "limit 应为 1 至 500，offset 应为 0 至 1000000", en: "limit is 1 to 500 and offset 0 to 1,000,000")
        }
        return (limit, offset)
    }
}
