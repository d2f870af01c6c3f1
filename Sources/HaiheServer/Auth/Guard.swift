import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The bridge from routes to the one access policy: every non-public route is declared with the action
/// it performs, checked here before its handler runs, and every outcome reaches the audit trail.
struct Guard: Sendable {
    let store: Store

    /// Asks the policy; a refusal is audited (401 or 403) and thrown with its bilingual reason.
    @discardableResult
    func require(_ action: Action, on object: PolicyObject = .none, _ context: HaiheRequestContext) async throws -> Subject? {
        let subject = context.identity?.subject
        switch AccessPolicy.decide(subject, action, on: object) {
        case .allow:
            return subject
        case .deny(let error):
            try await store.audit.record(context.auditDraft(action.rawValue, objectType: action.objectType,
                                                            objectID: object.userID ?? object.organizationID, outcome: .denied,
                                                            detail: ["reason": error.code]))
            throw error
        }
    }

    /// For objects with two sides (a share request: the consumer's and the provider's organisation): allowed when the
    /// policy allows the action on either side's object; otherwise refused (and audited) as for the first.
    @discardableResult
    func requireEither(_ action: Action, organizations: [String], _ context: HaiheRequestContext) async throws -> Subject? {
        let subject = context.identity?.subject
        for organization in organizations where AccessPolicy.decide(subject, action, on: PolicyObject(organizationID: organization)).isAllowed {
            return subject
        }
        return try await require(action, on: PolicyObject(organizationID: organizations.first ?? "*"), context)
    }

    /// The signed-in subject, after the policy allowed `action`.
    func subject(_ action: Action, on object: PolicyObject = .none, _ context: HaiheRequestContext) async throws -> Subject {
        guard let subject = try await require(action, on: object, context) else {
            throw HaiheError(.unauthenticated, code: "auth.required", zh: "请先登录", en: "Sign in first")
        }
        return subject
    }

    /// The signed-in user's account, after the policy allowed `action`: the identity already holds it, read once by the
    /// authentication middleware.
    func user(_ action: Action, on object: PolicyObject = .none, _ context: HaiheRequestContext) async throws -> User {
        _ = try await subject(action, on: object, context)
        guard let identity = context.identity else { throw HaiheError(.unauthenticated, code: "auth.required", zh: "请先登录", en: "Sign in first") }
        return identity.user
    }
}

extension RouterMethods where Context == HaiheRequestContext {
    /// Declares a route together with the action it performs. The policy is checked before the handler;
    /// reads that succeed are recorded as data access; writes record themselves inside their transaction,
    /// and a write that fails is recorded as failed.
    func route<Output: ResponseGenerator>(_ method: HTTPRequest.Method, _ path: RouterPath, _ action: Action, guard: Guard,
                                          handler: @escaping @Sendable (Request, HaiheRequestContext) async throws -> Output) {
        on(path, method: method) { request, context -> Output in
            try await `guard`.require(action, context)
            do {
                let output = try await handler(request, context)
                if !action.changesState && !AccessPolicy.publicActions.contains(action) {
                    try await `guard`.store.audit.record(context.auditDraft(action, detail: ["path": request.uri.path]))
                }
                return output
            } catch let error as HaiheError where action.changesState && error.kind != .forbidden && error.kind != .unauthenticated {
                _ = try? await `guard`.store.audit.record(context.auditDraft(action.rawValue, objectType: action.objectType, outcome: .failed,
                                                                         detail: ["reason": error.code, "path": request.uri.path]))
                throw error
            }
        }
    }
}
