import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// Art. 52 oversight: the overdue list, and rectification orders from the regulator to departments.
struct RectificationAPI: Sendable {
    let store: Store
    let `guard`: Guard

    struct IssueInput: Decodable {
        var organizationId: String
        var entryId: String?
        var kind: RectificationOrder.Kind?
        var reason: String
        var deadline: Date
    }

    struct ResponseInput: Decodable {
        var response: String?
    }

    struct OrderView: ResponseEncodable {
        var order: RectificationOrder
        var overdue: Bool
    }

    struct Inbox: ResponseEncodable {
        var items: [OrderView]
        var open: Int
        var overdue: Int
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.route(.get, "/api/v1/catalog/overdue", .catalogOversee, guard: `guard`) { _, context -> Response in
            try jsonResponse(try await store.rectification.overdueReport(organizations: store.organizations), context: context)
        }

        router.route(.post, "/api/v1/rectification-orders", .rectificationIssue, guard: `guard`) { request, context -> EditedResponse<OrderView> in
            let input = try await decode(IssueInput.self, request, context, keys: .convertFromSnakeCase)
            let order = RectificationOrder(organizationID: input.organizationId, entryID: input.entryId, kind: input.kind ?? .other,
                                           reason: input.reason, deadline: input.deadline, issuedBy: context.identity!.user.id)
            try await store.rectification.issue(order, audit: context.auditDraft(.rectificationIssue))
            return EditedResponse(status: .created, response: OrderView(order: order, overdue: false))
        }

        router.route(.get, "/api/v1/rectification-orders", .rectificationRead, guard: `guard`) { _, context -> Inbox in
            let subject = context.identity!.subject
            // Who may read every organisation's orders reads them all; a department reads its own inbox.
            let seesAll = AccessPolicy.decide(subject, .rectificationRead, on: PolicyObject(organizationID: "another organisation")).isAllowed
            let orders = try await store.rectification.list(organizationID: seesAll ? nil : subject.organizationID)
            let now = Date()
            let views = orders.map { OrderView(order: $0, overdue: $0.isOverdue(at: now)) }
            return Inbox(items: views, open: orders.filter { $0.status == .open }.count, overdue: views.filter(\.overdue).count)
        }

        for (verb, action, status) in [("done", Action.rectificationRespond, RectificationOrder.Status.done),
                                       ("cancel", Action.rectificationIssue, RectificationOrder.Status.cancelled)] {
            router.route(.post, RouterPath("/api/v1/rectification-orders/{id}/\(verb)"), action, guard: `guard`) { request, context -> OrderView in
                let id = try context.parameters.require("id")
                guard let order = try await store.rectification.find(id: id) else {
                    throw HaiheError.notFound("rectification_order", zh: "整改通知", id: id)
                }
                try await `guard`.require(action, on: PolicyObject(organizationID: order.organizationID), context)
                let input = (try? await decode(ResponseInput.self, request, context)) ?? ResponseInput()
                let closed = try await store.rectification.close(id: id, as: status, response: input.response, audit: context.auditDraft(action))
                return OrderView(order: closed, overdue: false)
            }
        }
    }
}
