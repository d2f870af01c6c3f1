import Foundation
import HaiheCore
import HaiheStore
import Hummingbird
import HTTPTypes

/// Establishes who is calling, from a bearer token or a session cookie, and enforces CSRF protection
/// on every state-changing request that a browser session makes.
///
/// It only says who the caller is; what they may do is decided by `AccessPolicy` at each route.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = HaiheRequestContext
    static let sessionCookie = "haihe_session"
    static let ckanAPIKey = HTTPField.Name("X-CKAN-API-Key")!

    let store: Store
    /// Rejected tokens per address: a flood of made-up tokens is answered 429 before it costs a lookup and an audit write.
    let rejections = RateLimiter(perMinute: 30)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        // CKAN clients send the key bare in Authorization (CKAN 2.10) or in X-CKAN-API-Key (earlier versions).
        if let authorization = request.headers[.authorization] ?? request.headers[Self.ckanAPIKey] {
            if rejections.isExhausted("rejected|" + (context.clientAddress ?? "unknown")) {
                throw HaiheError(.tooManyRequests, code: "auth.too_many_bad_tokens", zh: "无效令牌过多，请稍后再试", en: "Too many invalid tokens; try again later")
            }
            let token = authorization.lowercased().hasPrefix("bearer ")
                ? String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
                : authorization.contains(" ") ? "" : authorization
            guard !token.isEmpty, let (user, key) = try await store.auth.resolve(token: token), user.status == .active else {
                _ = rejections.take("rejected|" + (context.clientAddress ?? "unknown"))
                try await store.audit.record(context.auditDraft("auth.token_rejected", objectType: "auth", outcome: .denied))
                throw HaiheError(.unauthenticated, code: "auth.token_invalid",
                                 zh: "访问令牌无效、已过期或已撤销", en: "The API token is invalid, expired or revoked")
            }
            context.identity = Identity(user: user, proof: .apiKey(key))
        } else if let token = request.cookies[Self.sessionCookie]?.value,
                  let session = try await store.auth.session(token: token), session.user.status == .active {
            context.identity = Identity(user: session.user, proof: .session(token: token, csrfToken: session.csrfToken))
        }

        if let expected = context.identity?.csrfToken, !Self.isSafe(request.method) {
            var presented = request.headers[.csrfToken]
            if presented == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                request.body = .init(buffer: body)
                presented = FormFields(String(buffer: body))["_csrf"]
            } else if presented == nil, request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true {
                // A file upload streams its body to disk, so its form carries the token in the action URL instead.
                presented = request.uri.queryParameters["_csrf"].map(String.init)
            }
            guard let presented, Self.constantTimeEqual(presented, expected) else {
                try await store.audit.record(context.auditDraft("auth.csrf_rejected", objectType: "auth", outcome: .denied,
                                                                detail: ["path": request.uri.path]))
                throw HaiheError(.forbidden, code: "auth.csrf",
                                 zh: "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试",
                                 en: "The form is stale or came from elsewhere (CSRF check failed); reload the page and try again")
            }
        }
        return try await next(request, context)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}

/// The fields of an `application/x-www-form-urlencoded` body. Repeated names keep every value.
struct FormFields: Sendable {
    let pairs: [(String, String)]

    init(_ body: String) {
        pairs = body.split(separator: "&").map { part in
            let halves = part.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (halves.first ?? "", halves.count > 1 ? halves[1] : "")
        }
    }

    subscript(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// A field that must be present and non-empty.
    func required(_ name: String, label: String) throws -> String {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw HaiheError.invalid("form.missing_field", zh: "请填写“\(label)”", en: "The field '\(name)' is required")
        }
        return value
    }

    static func from(_ request: Request, context: some RequestContext) async throws -> FormFields {
        FormFields(String(buffer: try await request.body.collect(upTo: context.maxUploadSize)))
    }
}
