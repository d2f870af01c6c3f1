import Foundation
import HaiheCore
import HaiheStore

/// Checks a username and password, with lock-out after repeated failures (held in the database,
/// so it holds across instances). Shared by the sign-in page and `POST /api/v1/auth/token`.
struct SignIn {
    let store: Store
    /// Compared against when the username is unknown, so that unknown and known names take equally long.
    static let decoyHash = PasswordHashing.hash("decoy-password-for-timing", cost: PasswordHashing.cost)

    func verify(username: String, password: String, context: HaiheRequestContext) async throws -> User {
        let name = username.trimmingCharacters(in: .whitespaces)
        if let until = try await store.auth.lockedUntil(username: name) {
            let wait = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
            try await store.audit.record(AuditDraft(actor: nil, action: "auth.login", objectType: "user", objectID: name, outcome: .denied,
                                                    clientAddress: context.clientAddress, requestID: context.requestID, detail: ["reason": "locked"]))
            var error = HaiheError(.tooManyRequests, code: "auth.locked",
                                   zh: "连续登录失败次数过多，账户已临时锁定，请 \(wait / 60 + 1) 分钟后再试",
                                   en: "Too many failed sign-ins; the account is locked for about \(wait / 60 + 1) minutes")
            error.retryAfter = wait
            throw error
        }
        let credentials = try await store.users.credentials(username: name)
        let matches = PasswordHashing.verify(password, hash: credentials?.passwordHash ?? Self.decoyHash)
        guard let credentials, matches else {
            try await store.auth.recordFailure(username: name, audit: AuditDraft(
                actor: nil, action: "auth.login", objectType: "user", objectID: name, outcome: .denied,
                clientAddress: context.clientAddress, requestID: context.requestID, detail: ["reason": "bad_credentials"]))
            throw HaiheError(.unauthenticated, code: "auth.bad_credentials", zh: "用户名或密码错误", en: "Wrong username or password")
        }
        guard credentials.user.status == .active else {
            try await store.audit.record(AuditDraft(actor: nil, action: "auth.login", objectType: "user", objectID: credentials.user.id,
                                                    outcome: .denied, clientAddress: context.clientAddress, requestID: context.requestID,
                                                    detail: ["reason": "disabled"]))
            throw HaiheError(.forbidden, code: "auth.disabled", zh: "该账户已停用，请联系平台管理员", en: "This account is disabled; ask the platform administrator")
        }
        return credentials.user
    }
}

/// Registration of citizens on the portal (社会公众注册): email or mobile number, the public role,
/// and a home in the platform's organisation for individuals.
struct Registrar {
    let store: Store

    func register(username: String, password: String, displayName: String, email: String?, mobile: String?,
                  context: HaiheRequestContext) async throws -> User {
        let email = email?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let mobile = mobile?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        guard email != nil || mobile != nil else {
            throw HaiheError.invalid("register.contact", zh: "请填写电子邮箱或手机号码", en: "Give an email address or a mobile number")
        }
        if let email, !Self.isEmail(email) {
            throw HaiheError.invalid("register.email", zh: "电子邮箱格式不正确", en: "The email address is not valid")
        }
        if let mobile, !MobileNumber.isValid(mobile) {
            throw HaiheError.invalid("register.mobile", zh: "手机号码应为以1开头的11位数字", en: "A mobile number has 11 digits starting with 1")
        }
        if let problem = PasswordHashing.strengthProblem(password) { throw problem }
        let home = try await individualsOrganization()
        let user = User(organizationID: home.id, username: username.trimmingCharacters(in: .whitespaces), displayName: displayName,
                        email: email, mobile: mobile, roles: [.public])
        try await store.users.create(user, passwordHash: PasswordHashing.hash(password), audit: AuditDraft(
            actor: nil, action: "user.register", objectType: "user", clientAddress: context.clientAddress, requestID: context.requestID))
        return user
    }

    /// The one organisation that holds individual citizens; made on first registration.
    func individualsOrganization() async throws -> Organization {
        if let existing = try await store.organizations.list().first(where: { $0.kind == .publicIndividuals }) { return existing }
        // A fixed id: two instances registering the first citizens at once collide on the primary key
        // instead of making two homes, and the loser reads the winner's.
        let home = Organization(id: Self.individualsOrganizationID, kind: .publicIndividuals, nameZH: "社会公众（个人用户）",
                                nameEN: "Individual members of the public", creditCode: nil)
        do {
            try await store.organizations.create(home, audit: AuditDraft(actor: nil, action: Action.organizationCreate.rawValue, objectType: "organization"))
        } catch {
            // Another instance made it at the same moment.
            if let existing = try await store.organizations.list().first(where: { $0.kind == .publicIndividuals }) { return existing }
            throw error
        }
        return home
    }

    static let individualsOrganizationID = "00000000-0000-7000-8000-000000000001"

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@")
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ") && text.count <= 254
    }
}

/// Changing one's own password: the current one must be given, the new one must be strong.
struct PasswordChanger {
    let store: Store

    func change(identity: Identity, current: String, new: String, context: HaiheRequestContext) async throws {
        guard let credentials = try await store.users.credentials(username: identity.user.username),
              PasswordHashing.verify(current, hash: credentials.passwordHash) else {
            throw HaiheError.invalid("password.current_wrong", zh: "当前密码不正确", en: "The current password is wrong")
        }
        if let problem = PasswordHashing.strengthProblem(new) { throw problem }
        if new == current {
            throw HaiheError.invalid("password.unchanged", zh: "新密码不能与当前密码相同", en: "The new password must differ from the current one")
        }
        var keep: String?
        if case .session(let token, _) = identity.proof { keep = AuthStore.hash(token) }
        try await store.users.changePassword(userID: identity.user.id, passwordHash: PasswordHashing.hash(new), keepSessionHash: keep,
                                             audit: context.auditDraft(.accountChangePassword))
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
