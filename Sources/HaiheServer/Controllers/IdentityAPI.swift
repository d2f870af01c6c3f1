import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// JSON API for organisations, users, sign-in tokens, API keys and the caller's own account.
struct IdentityAPI: Sendable {
    let store: Store
    let `guard`: Guard

    // MARK: Bodies

    struct OrganizationBody: Decodable {
        var kind: OrganizationKind
        var name_zh: String
        var name_en: String?
        var credit_code: String?
        var parent_id: String?
        var division_code: String?
        var contact: ContactBody?
    }

    struct ContactBody: Decodable {
        var name: String
        var phone: String?
        var email: String?
    }

    struct UserBody: Decodable {
        var organization_id: String
        var username: String
        var display_name: String
        var email: String?
        var mobile: String?
        var roles: [Role]
        var password: String
    }

    struct UserPatch: Decodable {
        var display_name: String?
        var email: String?
        var mobile: String?
        var roles: [Role]?
        var status: UserStatus?
    }

    struct TokenRequest: Decodable {
        var username: String
        var password: String
    }

    struct TokenResponse: ResponseEncodable {
        var token: String
        var expiresAt: Date
    }

    struct KeyRequest: Decodable {
        var name: String
        var scopes: [Scope]?
        var expires_at: Date?
    }

    struct CreatedKey: ResponseEncodable {
        var token: String
        var key: APIKey
        var notice: String
    }

    struct PasswordChange: Decodable {
        var current_password: String
        var new_password: String
    }

    struct Registration: Decodable {
        var username: String
        var password: String
        var display_name: String
        var email: String?
        var mobile: String?
    }

    struct Me: ResponseEncodable {
        var user: User
        var organization: Organization?
        var authenticatedWith: String
    }

    struct Page<Item: Encodable & Sendable>: ResponseEncodable {
        var items: [Item]
        var total: Int
    }

    // MARK: Routes

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.post("/api/v1/auth/token") { request, context -> EditedResponse<TokenResponse> in
            let body = try await decode(TokenRequest.self, request, context)
            let user = try await SignIn(store: store).verify(username: body.username, password: body.password, context: context)
            let (token, key) = try await store.auth.createAPIKey(
                for: user, name: "login token", kind: .login, scopes: [.read, .write], expiresAt: Date().addingTimeInterval(12 * 3600),
                audit: AuditDraft(actor: Subject(userID: user.id, username: user.username, organizationID: user.organizationID, roles: user.roles),
                                  action: "auth.token_issued", objectType: "apikey", clientAddress: context.clientAddress, requestID: context.requestID))
            return EditedResponse(status: .created, response: TokenResponse(token: token, expiresAt: key.expiresAt!))
        }

        router.post("/api/v1/auth/register") { request, context -> EditedResponse<User> in
            let body = try await decode(Registration.self, request, context)
            let user = try await Registrar(store: store).register(username: body.username, password: body.password, displayName: body.display_name,
                                                                  email: body.email, mobile: body.mobile, context: context)
            return EditedResponse(status: .created, response: user)
        }

        router.route(.get, "/api/v1/me", .accountRead, guard: `guard`) { _, context -> Me in
            let identity = context.identity!
            let via: String = if case .apiKey(let key) = identity.proof { key.kind == .login ? "login_token" : "api_key" } else { "session" }
            return Me(user: identity.user, organization: try await store.organizations.find(id: identity.user.organizationID), authenticatedWith: via)
        }

        router.route(.post, "/api/v1/me/password", .accountChangePassword, guard: `guard`) { request, context -> Response in
            let body = try await decode(PasswordChange.self, request, context)
            try await PasswordChanger(store: store).change(identity: context.identity!, current: body.current_password,
                                                            new: body.new_password, context: context)
            return Response(status: .noContent)
        }

        router.route(.get, "/api/v1/me/api-keys", .apiKeyManage, guard: `guard`) { _, context -> Page<APIKey> in
            let keys = try await store.auth.apiKeys(userID: context.identity!.user.id)
            return Page(items: keys, total: keys.count)
        }

        router.route(.post, "/api/v1/me/api-keys", .apiKeyManage, guard: `guard`) { request, context -> EditedResponse<CreatedKey> in
            let body = try await decode(KeyRequest.self, request, context)
            let (token, key) = try await store.auth.createAPIKey(for: context.identity!.user, name: body.name, scopes: Set(body.scopes ?? [.read]),
                                                                 expiresAt: body.expires_at, audit: context.auditDraft(.apiKeyManage, detail: ["operation": "create"]))
            return EditedResponse(status: .created, response: CreatedKey(token: token, key: key,
                                                                         notice: "请立即保存：此令牌只显示这一次 / Save it now: the token is shown only once"))
        }

        router.route(.delete, "/api/v1/me/api-keys/{id}", .apiKeyManage, guard: `guard`) { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let key = try await store.auth.apiKey(id: id), key.kind == .key else { throw HaiheError.notFound("apikey", zh: "访问令牌", id: id) }
            try await `guard`.require(.apiKeyManage, on: PolicyObject(userID: key.userID), context)
            try await store.auth.revokeAPIKey(id: id, audit: context.auditDraft(.apiKeyManage, objectID: id, detail: ["operation": "revoke"]))
            return Response(status: .noContent)
        }

        router.route(.get, "/api/v1/organizations", .organizationList, guard: `guard`) { _, _ -> Page<Organization> in
            let organizations = try await store.organizations.list()
            return Page(items: organizations, total: organizations.count)
        }

        router.route(.get, "/api/v1/organizations/{id}", .organizationList, guard: `guard`) { _, context -> Organization in
            let id = try context.parameters.require("id")
            guard let organization = try await store.organizations.find(id: id) else { throw HaiheError.notFound("organization", zh: "单位", id: id) }
            return organization
        }

        router.route(.post, "/api/v1/organizations", .organizationCreate, guard: `guard`) { request, context -> EditedResponse<Organization> in
            let body = try await decode(OrganizationBody.self, request, context)
            let organization = Organization(kind: body.kind, nameZH: body.name_zh, nameEN: body.name_en, creditCode: body.credit_code,
                                            parentID: body.parent_id, divisionCode: body.division_code ?? "120000",
                                            contact: body.contact.map { Contact(name: $0.name, phone: $0.phone, email: $0.email) })
            try await checkParent(of: organization)
            try await store.organizations.create(organization, audit: context.auditDraft(.organizationCreate))
            return EditedResponse(status: .created, response: organization)
        }

        router.route(.put, "/api/v1/organizations/{id}", .organizationUpdate, guard: `guard`) { request, context -> Organization in
            let id = try context.parameters.require("id")
            guard var organization = try await store.organizations.find(id: id) else { throw HaiheError.notFound("organization", zh: "单位", id: id) }
            try await `guard`.require(.organizationUpdate, on: PolicyObject(organizationID: id), context)
            let body = try await decode(OrganizationBody.self, request, context)
            organization.kind = body.kind
            organization.nameZH = body.name_zh
            organization.nameEN = body.name_en
            organization.creditCode = body.credit_code
            organization.parentID = body.parent_id
            organization.divisionCode = body.division_code ?? organization.divisionCode
            organization.contact = body.contact.map { Contact(name: $0.name, phone: $0.phone, email: $0.email) }
            try await checkParent(of: organization)
            try await store.organizations.update(organization, audit: context.auditDraft(.organizationUpdate))
            return organization
        }

        router.route(.get, "/api/v1/users", .userList, guard: `guard`) { request, _ -> Page<User> in
            let users = try await store.users.list(organizationID: request.uri.queryParameters["organization_id"].map(String.init))
            return Page(items: users, total: users.count)
        }

        router.route(.post, "/api/v1/users", .userCreate, guard: `guard`) { request, context -> EditedResponse<User> in
            let body = try await decode(UserBody.self, request, context)
            try await `guard`.require(.userCreate, on: PolicyObject(organizationID: body.organization_id), context)
            if let problem = AccessPolicy.checkRoleChange(by: context.identity!.subject, target: "", from: [], to: Set(body.roles), statusChanged: false) {
                throw problem
            }
            if let problem = PasswordHashing.strengthProblem(body.password) { throw problem }
            let user = User(organizationID: body.organization_id, username: body.username, displayName: body.display_name,
                            email: body.email, mobile: body.mobile, roles: Set(body.roles))
            try await store.users.create(user, passwordHash: PasswordHashing.hash(body.password), audit: context.auditDraft(.userCreate))
            return EditedResponse(status: .created, response: user)
        }

        router.route(.patch, "/api/v1/users/{id}", .userUpdate, guard: `guard`) { request, context -> User in
            let id = try context.parameters.require("id")
            guard var user = try await store.users.find(id: id) else { throw HaiheError.notFound("user", zh: "用户", id: id) }
            try await `guard`.require(.userUpdate, on: PolicyObject(organizationID: user.organizationID, userID: user.id), context)
            let patch = try await decode(UserPatch.self, request, context)
            if let problem = AccessPolicy.checkRoleChange(by: context.identity!.subject, target: user.id, from: user.roles,
                                                          to: patch.roles.map(Set.init) ?? user.roles,
                                                          statusChanged: patch.status.map { $0 != user.status } ?? false) { throw problem }
            if let name = patch.display_name { user.displayName = name }
            if let email = patch.email { user.email = email }
            if let mobile = patch.mobile { user.mobile = mobile }
            if let roles = patch.roles { user.roles = Set(roles) }
            if let status = patch.status { user.status = status }
            try await store.users.update(user, audit: context.auditDraft(.userUpdate))
            return user
        }
    }

    func checkParent(of organization: Organization) async throws {
        if let parent = organization.parentID, try await store.organizations.find(id: parent) == nil {
            throw HaiheError.invalid("organization.parent_unknown", zh: "上级单位不存在：\(parent)", en: "No parent organisation with id \(parent)")
        }
    }
}

/// Decodes a JSON body, turning every decoding failure into a bilingual 400 that names the field.
func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: HaiheRequestContext,
                          keys: JSONDecoder.KeyDecodingStrategy = .useDefaultKeys) async throws -> T {
    let buffer = try await request.body.collect(upTo: context.maxUploadSize)
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    decoder.keyDecodingStrategy = keys
    do {
        return try decoder.decode(T.self, from: Data(buffer: buffer))
    } catch let DecodingError.keyNotFound(key, _) {
        let name = snakeCase(key.stringValue)
        throw HaiheError.invalid("body.missing_field", zh: "请求缺少字段“\(name)”", en: "The request body lacks the field '\(name)'")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
        let field = context.codingPath.map(\.stringValue).joined(separator: ".")
        throw HaiheError.invalid("body.wrong_type", zh: "字段“\(field)”的类型不正确", en: "The field '\(field)' has the wrong type")
    } catch let DecodingError.dataCorrupted(context) {
        let field = context.codingPath.map(\.stringValue).joined(separator: ".")
        if field.isEmpty {
            throw HaiheError.invalid("body.not_json", zh: "请求体不是有效的 JSON", en: "The request body is not valid JSON")
        }
        throw HaiheError.invalid("body.bad_value", zh: "字段“\(field)”的取值无效", en: "The field '\(field)' has a value that is not allowed")
    } catch {
        throw HaiheError.invalid("body.not_json", zh: "请求体不是有效的 JSON", en: "The request body is not valid JSON")
    }
}

/// `labelZh` → `label_zh`, to name fields in messages as the API spells them.
func snakeCase(_ name: String) -> String {
    var out = ""
    for c in name {
        if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
    }
    return out
}
