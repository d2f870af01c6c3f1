import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import HaiheServer

/// The demo city behind the real router, with its credentials.
func withDemoApp(settings: ServerSettings = ServerSettings(port: 0, checkpointInterval: 0),
                 _ body: @escaping @Sendable (any TestClientProtocol, Store, [DemoCity.Credential]) async throws -> Void) async throws {
    try await TestDatabase.withStore { (store: Store, directory: String) async throws in
        let credentials = try #require(try await DemoCity.load(into: store, credentialsDirectory: directory))
        let app = buildApplication(store: store, settings: settings, nodeKey: NodeKey.generate(), logger: Logger(label: "test"))
        try await app.test(.router) { client in try await body(client, store, credentials) }
    }
}

extension [DemoCity.Credential] {
    func password(_ username: String) -> String { first { $0.username == username }!.password }
}

func json(_ object: [String: Any]) -> ByteBuffer { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object)) }

func decodeObject(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
}

/// Signs in through the API and returns the bearer header.
func bearer(_ client: any TestClientProtocol, _ username: String, _ password: String) async throws -> HTTPFields {
    let token = try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: [.contentType: "application/json"],
                                         body: json(["username": username, "password": password])) { response -> String in
        #expect(response.status == .created, "sign-in of \(username)")
        return decodeObject(response)["token"] as? String ?? ""
    }
    return [.authorization: "Bearer \(token)", .contentType: "application/json"]
}

/// The value of a cookie the response sets.
func cookie(_ name: String, in response: TestResponse) -> String? {
    for field in response.headers[values: .setCookie] {
        let first = field.split(separator: ";").first.map(String.init) ?? ""
        if first.hasPrefix(name + "=") { return String(first.dropFirst(name.count + 1)) }
    }
    return nil
}

func form(_ fields: [String: String]) -> ByteBuffer {
    ByteBuffer(string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&"))
}

@Suite("Authentication, the access policy at the routes, and auditing of refusals")
struct AuthTests {
    @Test("every demo account signs in and sees itself")
    func everyRoleSignsIn() async throws {
        try await withDemoApp { client, _, credentials in
            for credential in credentials {
                let headers = try await bearer(client, credential.username, credential.password)
                try await client.execute(uri: "/api/v1/me", method: .get, headers: headers) { response in
                    #expect(response.status == .ok)
                    let user = decodeObject(response)["user"] as? [String: Any]
                    #expect(user?["username"] as? String == credential.username)
                }
            }
        }
    }

    @Test("anonymous calls get 401, calls without the right get 403, and both are in the audit trail")
    func refusalsAreAudited() async throws {
        try await withDemoApp { client, store, credentials in
            try await client.execute(uri: "/api/v1/users", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(decodeObject(response)["error"] != nil)
            }
            let consumer = try await bearer(client, "scjg.consumer", credentials.password("scjg.consumer"))
            try await client.execute(uri: "/api/v1/audit/events", method: .get, headers: consumer) { response in
                #expect(response.status == .forbidden)
                let error = decodeObject(response)["error"] as? [String: Any]
                #expect((error?["message_zh"] as? String)?.contains("无权") == true)
            }
            let denied = try await store.audit.search(AuditFilter(outcome: .denied)).events
            #expect(denied.contains { $0.action == "user.list" && $0.actorUserID == nil })
            #expect(denied.contains { $0.action == "audit.read" && $0.actorUsername == "scjg.consumer" })
        }
    }

    @Test("wrong passwords lock the account after five tries, even against the right password, with Retry-After")
    func lockOut() async throws {
        try await withDemoApp { client, store, credentials in
            for _ in 0..<AuthStore.maximumFailures {
                try await client.execute(uri: "/api/v1/auth/token", method: .post, body: json(["username": "jw.provider", "password": "wrong-password-1A"])) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/api/v1/auth/token", method: .post, body: json(["username": "jw.provider", "password": credentials.password("jw.provider")])) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
            }
            #expect(try await store.audit.search(AuditFilter(action: "auth.login", outcome: .denied)).total == AuthStore.maximumFailures + 1)
        }
    }

    @Test("sign-in attempts and anonymous calls are rate-limited with 429 and Retry-After")
    func rateLimits() async throws {
        let settings = ServerSettings(port: 0, anonymousRequestsPerMinute: 5, keyRequestsPerMinute: 1000, signInAttemptsPerMinute: 3, checkpointInterval: 0)
        try await withDemoApp(settings: settings) { client, _, _ in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 {
                statuses.append(try await client.execute(uri: "/api/v1/auth/token", method: .post, body: json(["username": "nobody", "password": "x"])) { $0.status })
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)
            var answers: [TestResponse] = []
            for _ in 0..<8 { answers.append(try await client.execute(uri: "/api/v1/platform", method: .get) { $0 }) }
            let last = answers.last
            #expect(last?.status == .tooManyRequests)
            #expect(last?.headers[.retryAfter] != nil)
            // Each answer tells the caller its budget.
            let remaining = answers.compactMap { $0.headers[RateLimitMiddleware.remainingHeader].flatMap { Int($0) } }
            #expect(answers.allSatisfy { $0.headers[RateLimitMiddleware.limitHeader] == "5" })
            #expect(remaining.count == 8 && remaining == remaining.sorted(by: >) && remaining.last == 0 && remaining.first! >= 1)
            // Health checks are never limited.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("API keys: shown once, limited to their scopes, dead once revoked")
    func apiKeys() async throws {
        try await withDemoApp { client, store, credentials in
            let admin = try await bearer(client, "admin", credentials.password("admin"))
            let created = try await client.execute(uri: "/api/v1/me/api-keys", method: .post, headers: admin,
                                                   body: json(["name": "报表脚本", "scopes": ["read"]])) { response -> [String: Any] in
                #expect(response.status == .created)
                return decodeObject(response)
            }
            let token = try #require(created["token"] as? String)
            let key = try #require(created["key"] as? [String: Any])
            let keyID = try #require(key["id"] as? String)
            #expect(token.hasPrefix("hh_"))
            #expect(key["token_hash"] == nil)
            let readOnly: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            try await client.execute(uri: "/api/v1/users", method: .get, headers: readOnly) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/organizations", method: .post, headers: readOnly,
                                     body: json(["kind": "city_department", "name_zh": "测试局", "credit_code": "91350100M000100Y43"])) { response in
                #expect(response.status == .forbidden)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "auth.scope")
            }
            try await client.execute(uri: "/api/v1/me/api-keys", method: .get, headers: admin) { response in
                let items = decodeObject(response)["items"] as? [[String: Any]]
                #expect(items?.count == 1)
                #expect(items?.first?["prefix"] as? String == String(token.prefix(10)))
            }
            // Another user cannot revoke it.
            let other = try await bearer(client, "regulator", credentials.password("regulator"))
            try await client.execute(uri: "/api/v1/me/api-keys/\(keyID)", method: .delete, headers: other) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/me/api-keys/\(keyID)", method: .delete, headers: admin) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/users", method: .get, headers: readOnly) { #expect($0.status == .unauthorized) }
            #expect(try await store.audit.search(AuditFilter(action: "apikey.manage")).total >= 2)
        }
    }

    @Test("the browser flow: sign-in form with CSRF, session cookie, console pages, CSRF on every form, sign-out")
    func browserSession() async throws {
        try await withDemoApp { client, store, credentials in
            // The form sets a double-submit token; posting without it is refused.
            let formToken = try await client.execute(uri: "/login", method: .get) { response -> String in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("name=\"_csrf\""))
                return try #require(cookie(Console.loginCSRFCookie, in: response))
            }
            let password = credentials.password("admin")
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: form(["username": "admin", "password": password, "_csrf": formToken])) {
                #expect($0.status == .forbidden)  // no cookie sent: the token cannot be checked
            }
            let session = try await client.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(Console.loginCSRFCookie)=\(formToken)"],
                body: form(["username": "admin", "password": password, "_csrf": formToken, "next": "/console/users"])) { response -> String in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/console/users")
                let setCookie = response.headers[values: .setCookie].joined(separator: "\n")
                #expect(setCookie.contains("HttpOnly"))
                #expect(setCookie.contains("SameSite=Lax"))
                return try #require(cookie(AuthenticationMiddleware.sessionCookie, in: response))
            }
            let sessionCookie: HTTPFields = [.cookie: "\(AuthenticationMiddleware.sessionCookie)=\(session)"]
            let csrf = try await client.execute(uri: "/console/users", method: .get, headers: sessionCookie) { response -> String in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("scjg.provider"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'none'") == true)
                let marker = "name=\"_csrf\" value=\""
                let start = try #require(page.range(of: marker))
                return String(page[start.upperBound...].prefix { $0 != "\"" })
            }
            // A form posted without the session's CSRF token is refused and audited; with it, it works.
            var headers = sessionCookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            let newUser = ["organization_id": try #require(try await store.organizations.list().first?.id), "username": "new.officer",
                           "display_name": "新用户", "password": "Strong-Pass-2026", "roles": "consumer"]
            try await client.execute(uri: "/console/users", method: .post, headers: headers, body: form(newUser)) { #expect($0.status == .forbidden) }
            #expect(try await store.users.credentials(username: "new.officer") == nil)
            #expect(try await store.audit.search(AuditFilter(action: "auth.csrf_rejected")).total == 1)
            var withToken = newUser
            withToken["_csrf"] = csrf
            try await client.execute(uri: "/console/users", method: .post, headers: headers, body: form(withToken)) { #expect($0.status == .seeOther) }
            #expect(try await store.users.credentials(username: "new.officer")?.user.roles == [.consumer])
            // Sign out ends the session.
            try await client.execute(uri: "/logout", method: .post, headers: headers, body: form(["_csrf": csrf])) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/console", method: .get, headers: sessionCookie) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/login") == true)
            }
        }
    }

    @Test("citizens register with a mobile number, sign in, and get the public role only")
    func registration() async throws {
        try await withDemoApp { client, store, _ in
            try await client.execute(uri: "/api/v1/auth/register", method: .post,
                                     body: json(["username": "li.citizen", "password": "short", "display_name": "李市民", "mobile": "13800138000"])) { response in
                #expect(response.status == .badRequest)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "password.weak")
            }
            try await client.execute(uri: "/api/v1/auth/register", method: .post,
                                     body: json(["username": "li.citizen", "password": "Citizen-Pass-2026", "display_name": "李市民", "mobile": "1380013800"])) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/auth/register", method: .post,
                                     body: json(["username": "li.citizen", "password": "Citizen-Pass-2026", "display_name": "李市民", "mobile": "13800138000"])) {
                #expect($0.status == .created)
            }
            let citizen = try await bearer(client, "li.citizen", "Citizen-Pass-2026")
            try await client.execute(uri: "/api/v1/me", method: .get, headers: citizen) { response in
                #expect((decodeObject(response)["user"] as? [String: Any])?["roles"] as? [String] == ["public"])
            }
            try await client.execute(uri: "/api/v1/organizations", method: .get, headers: citizen) { #expect($0.status == .forbidden) }
            #expect(try await store.audit.search(AuditFilter(action: "user.register")).total == 1)
        }
    }

    @Test("organisations and users through the API: validated, audited, and refused bad input changes nothing")
    func administration() async throws {
        try await withDemoApp { client, store, credentials in
            let admin = try await bearer(client, "admin", credentials.password("admin"))
            let before = try await store.organizations.count()
            try await client.execute(uri: "/api/v1/organizations", method: .post, headers: admin,
                                     body: json(["kind": "city_department", "name_zh": "天津市测试局", "credit_code": "91350100M000100Y44"])) { response in
                #expect(response.status == .badRequest)
                #expect((decodeObject(response)["error"] as? [String: Any])?["code"] as? String == "credit_code.check")
            }
            try await client.execute(uri: "/api/v1/organizations", method: .post, headers: admin, body: ByteBuffer(string: "{not json")) {
                #expect($0.status == .badRequest)
            }
            #expect(try await store.organizations.count() == before)
            #expect(try await store.audit.search(AuditFilter(action: "organization.create", outcome: .failed)).total == 2)

            let created = try await client.execute(uri: "/api/v1/organizations", method: .post, headers: admin,
                                                   body: json(["kind": "city_department", "name_zh": "天津市测试局", "credit_code": "91350100M000100Y43"])) { response -> [String: Any] in
                #expect(response.status == .created)
                return decodeObject(response)
            }
            let orgID = try #require(created["id"] as? String)
            try await client.execute(uri: "/api/v1/users", method: .post, headers: admin,
                                     body: json(["organization_id": orgID, "username": "test.officer", "display_name": "测试", "roles": ["provider"],
                                                 "password": "Officer-Pass-2026"])) { #expect($0.status == .created) }
            let officer = try #require(try await store.users.credentials(username: "test.officer")?.user)
            try await client.execute(uri: "/api/v1/users/\(officer.id)", method: .patch, headers: admin, body: json(["status": "disabled"])) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/auth/token", method: .post, body: json(["username": "test.officer", "password": "Officer-Pass-2026"])) {
                #expect($0.status == .forbidden)
            }
            let provider = try await bearer(client, "scjg.provider", credentials.password("scjg.provider"))
            try await client.execute(uri: "/api/v1/users", method: .post, headers: provider,
                                     body: json(["organization_id": orgID, "username": "sneaky", "display_name": "x", "roles": ["admin"], "password": "Officer-Pass-2026"])) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test("auditors search and export the trail, and sign checkpoints on demand")
    func auditAPI() async throws {
        try await withDemoApp { client, store, credentials in
            let auditor = try await bearer(client, "auditor", credentials.password("auditor"))
            try await client.execute(uri: "/api/v1/audit/events?action=auth.&limit=5", method: .get, headers: auditor) { response in
                #expect(response.status == .ok)
                let body = decodeObject(response)
                let items = body["items"] as? [[String: Any]] ?? []
                #expect(!items.isEmpty && items.count <= 5)
                #expect(items.allSatisfy { ($0["action"] as? String)?.hasPrefix("auth.") == true })
                #expect((body["total"] as? Int ?? 0) >= 1)
            }
            try await client.execute(uri: "/api/v1/audit/events.csv", method: .get, headers: auditor) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = String(buffer: response.body).split(separator: "\r\n")
                #expect(lines.first?.contains("sequence,id,occurred_at") == true)
                #expect(lines.count > 2)
            }
            try await client.execute(uri: "/api/v1/audit/events?from=yesterday", method: .get, headers: auditor) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/audit/checkpoints", method: .post, headers: auditor) { #expect($0.status == .created) }
            #expect(try await store.audit.checkpoints().count == 1)
            #expect(try await store.audit.verify().isIntact)
            // Reading the trail is itself recorded.
            #expect(try await store.audit.search(AuditFilter(actor: "auditor", action: "audit.read")).total >= 2)
        }
    }
}
