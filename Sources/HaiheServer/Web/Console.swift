import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The web console: sign-in and registration, then the pages for organisations, users, API keys,
/// password change and the audit trail. Every form carries the session's CSRF token; every page
/// and form goes through the same access policy and audit trail as the JSON API.
struct Console: Sendable {
    let store: Store
    let `guard`: Guard
    let settings: ServerSettings

    static let loginCSRFCookie = "haihe_form_csrf"

    func addRoutes(to router: Router<HaiheRequestContext>) {
        let web = router.group().add(middleware: WebErrorMiddleware())

        // Sign-in and registration use a double-submit token: a cookie and a form field that must match.
        web.get("/login") { request, context -> Response in
            formPage(request, title: "登录 Sign in", identity: context.identity) { csrf in loginForm(csrf: csrf, next: request.uri.queryParameters["next"].map(String.init)) }
        }

        web.post("/login") { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            try checkFormCSRF(request, form)
            do {
                let user = try await SignIn(store: store).verify(username: form["username"] ?? "", password: form["password"] ?? "", context: context)
                let subject = Subject(userID: user.id, username: user.username, organizationID: user.organizationID, roles: user.roles)
                let (token, session) = try await store.auth.createSession(
                    for: user, clientAddress: context.clientAddress,
                    audit: AuditDraft(actor: subject, action: "auth.login", objectType: "user", objectID: user.id,
                                      clientAddress: context.clientAddress, requestID: context.requestID))
                var response = redirect(to: Self.safeNext(form["next"]))
                response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: token, expires: session.expiresAt, path: "/",
                                          secure: settings.secureCookies, httpOnly: true, sameSite: .lax))
                return response
            } catch let error as HaiheError {
                let csrf = AuthStore.makeSecret(prefix: "")
                var response = Layout.page("登录 Sign in", identity: nil, error: error.message, loginForm(csrf: csrf, next: form["next"]))
                    .page(status: error.kind.status)
                if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
                response.setCookie(formCookie(csrf))
                return response
            }
        }

        web.post("/logout") { request, context -> Response in
            if case .session(let token, _) = context.identity?.proof {
                try await store.auth.endSession(token: token, audit: context.auditDraft("auth.logout", objectType: "user", objectID: context.identity?.user.id))
            }
            var response = redirect(to: "/login")
            response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: settings.secureCookies,
                                      httpOnly: true, sameSite: .lax))
            return response
        }

        web.get("/register") { request, context -> Response in
            formPage(request, title: "注册 Register", identity: context.identity) { csrf in registerForm(csrf: csrf) }
        }

        web.post("/register") { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            try checkFormCSRF(request, form)
            do {
                _ = try await Registrar(store: store).register(
                    username: try form.required("username", label: "用户名"), password: form["password"] ?? "",
                    displayName: try form.required("display_name", label: "姓名"), email: form["email"], mobile: form["mobile"], context: context)
                return Layout.page("注册成功 Registered", identity: nil, notice: "注册成功，请登录 / Registered; sign in now", "<p><a href=\"/login\">登录 Sign in</a></p>")
                    .page(status: .created)
            } catch let error as HaiheError {
                let csrf = AuthStore.makeSecret(prefix: "")
                var response = Layout.page("注册 Register", identity: nil, error: error.message, registerForm(csrf: csrf)).page(status: error.kind.status)
                response.setCookie(formCookie(csrf))
                return response
            }
        }

        web.route(.get, "/console", .accountRead, guard: `guard`) { _, context -> HTML in
            let identity = context.identity!
            let organization = try await store.organizations.find(id: identity.user.organizationID)
            let roles = identity.user.roles.sorted().map { "\($0.labelZH)（\($0.rawValue)）" }.joined(separator: "、")
            return Layout.page("工作台 Console", identity: identity, """
            <section class="card"><div class="grid">
            <div><strong>用户 User</strong><br>\(identity.user.displayName)（\(identity.user.username)）</div>
            <div><strong>单位 Organisation</strong><br>\(organization?.nameZH ?? "—")</div>
            <div><strong>角色 Roles</strong><br>\(roles)</div>
            <div><strong>邮箱 Email</strong><br>\(identity.user.email ?? "—")</div></div></section>
            """)
        }

        web.route(.get, "/console/organizations", .organizationList, guard: `guard`) { _, context -> HTML in
            organizationsPage(context, try await store.organizations.list())
        }

        web.route(.post, "/console/organizations", .organizationCreate, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            let kind = OrganizationKind(rawValue: form["kind"] ?? "") ?? .cityDepartment
            let contactName = form["contact_name"]?.nilIfEmpty
            let organization = Organization(kind: kind, nameZH: try form.required("name_zh", label: "中文名称"), nameEN: form["name_en"]?.nilIfEmpty,
                                            creditCode: form["credit_code"]?.nilIfEmpty, parentID: form["parent_id"]?.nilIfEmpty,
                                            divisionCode: form["division_code"]?.nilIfEmpty ?? "120000",
                                            contact: contactName.map { Contact(name: $0, phone: form["contact_phone"]?.nilIfEmpty, email: form["contact_email"]?.nilIfEmpty) })
            try await IdentityAPI(store: store, guard: `guard`).checkParent(of: organization)
            try await store.organizations.create(organization, audit: context.auditDraft(.organizationCreate))
            return redirect(to: "/console/organizations")
        }

        web.route(.get, "/console/users", .userList, guard: `guard`) { _, context -> HTML in
            usersPage(context, try await store.users.list(organizationID: nil), try await store.organizations.list())
        }

        web.route(.post, "/console/users", .userCreate, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            let password = form["password"] ?? ""
            if let problem = PasswordHashing.strengthProblem(password) { throw problem }
            if let problem = AccessPolicy.checkRoleChange(by: context.identity!.subject, target: "", from: [],
                                                          to: Set(form.all("roles").compactMap(Role.init(rawValue:))), statusChanged: false) { throw problem }
            let user = User(organizationID: try form.required("organization_id", label: "单位"), username: try form.required("username", label: "用户名"),
                            displayName: try form.required("display_name", label: "姓名"), email: form["email"]?.nilIfEmpty,
                            mobile: form["mobile"]?.nilIfEmpty, roles: Set(form.all("roles").compactMap(Role.init(rawValue:))))
            try await store.users.create(user, passwordHash: PasswordHashing.hash(password), audit: context.auditDraft(.userCreate))
            return redirect(to: "/console/users")
        }

        web.route(.post, "/console/users/{id}/status", .userUpdate, guard: `guard`) { request, context -> Response in
            let id = try context.parameters.require("id")
            guard var user = try await store.users.find(id: id) else { throw HaiheError.notFound("user", zh: "用户", id: id) }
            let form = try await FormFields.from(request, context: context)
            let status: UserStatus = form["status"] == "disabled" ? .disabled : .active
            if let problem = AccessPolicy.checkRoleChange(by: context.identity!.subject, target: user.id, from: user.roles, to: user.roles,
                                                          statusChanged: status != user.status) { throw problem }
            user.status = status
            try await store.users.update(user, audit: context.auditDraft(.userUpdate))
            return redirect(to: "/console/users")
        }

        web.route(.get, "/console/api-keys", .apiKeyManage, guard: `guard`) { _, context -> HTML in
            keysPage(context, try await store.auth.apiKeys(userID: context.identity!.user.id), newToken: nil)
        }

        web.route(.post, "/console/api-keys", .apiKeyManage, guard: `guard`) { request, context -> HTML in
            let form = try await FormFields.from(request, context: context)
            let scopes = Set(form.all("scopes").compactMap(Scope.init(rawValue:)))
            let days = form["expires_days"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if let days, !(1...3650).contains(days) {
                throw HaiheError.invalid("apikey.expiry", zh: "有效天数应为1至3650", en: "Valid for 1 to 3650 days")
            }
            let expiry = days.map { Date().addingTimeInterval(Double($0) * 86400) }
            let (token, _) = try await store.auth.createAPIKey(for: context.identity!.user, name: form["name"] ?? "", scopes: scopes, expiresAt: expiry,
                                                               audit: context.auditDraft(.apiKeyManage, detail: ["operation": "create"]))
            return keysPage(context, try await store.auth.apiKeys(userID: context.identity!.user.id), newToken: token)
        }

        web.route(.post, "/console/api-keys/{id}/revoke", .apiKeyManage, guard: `guard`) { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let key = try await store.auth.apiKey(id: id), key.kind == .key else { throw HaiheError.notFound("apikey", zh: "访问令牌", id: id) }
            try await `guard`.require(.apiKeyManage, on: PolicyObject(userID: key.userID), context)
            try await store.auth.revokeAPIKey(id: id, audit: context.auditDraft(.apiKeyManage, objectID: id, detail: ["operation": "revoke"]))
            return redirect(to: "/console/api-keys")
        }

        web.route(.get, "/console/password", .accountRead, guard: `guard`) { _, context -> HTML in
            passwordPage(context, notice: nil)
        }

        web.route(.post, "/console/password", .accountChangePassword, guard: `guard`) { request, context -> HTML in
            let form = try await FormFields.from(request, context: context)
            try await PasswordChanger(store: store).change(identity: context.identity!, current: form["current_password"] ?? "",
                                                            new: form["new_password"] ?? "", context: context)
            return passwordPage(context, notice: "密码已修改 / Password changed")
        }

        web.route(.get, "/console/audit", .auditRead, guard: `guard`) { request, context -> HTML in
            let (filter, limit, offset) = try AuditAPI.query(request)
            let (events, total) = try await store.audit.search(filter, limit: limit, offset: offset)
            return auditPage(context, request: request, events: events, total: total, limit: limit, offset: offset)
        }
    }

    // MARK: Pages

    func loginForm(csrf: String, next: String?) -> HTML {
        """
        <form class="card" method="post" action="/login"><input type="hidden" name="_csrf" value="\(csrf)">
        <input type="hidden" name="next" value="\(next ?? "/console")">
        <label for="username">用户名 Username</label><input id="username" name="username" autocomplete="username" required>
        <label for="password">密码 Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">登录 Sign in</button></form><p><a href="/register">没有账户？注册 No account? Register</a></p>
        """
    }

    func registerForm(csrf: String) -> HTML {
        """
        <form class="card" method="post" action="/register"><input type="hidden" name="_csrf" value="\(csrf)">
        <label for="username">用户名 Username</label><input id="username" name="username" autocomplete="username" required>
        <label for="display_name">姓名 Name</label><input id="display_name" name="display_name" required>
        <label for="email">电子邮箱 Email</label><input id="email" name="email" type="email" autocomplete="email">
        <label for="mobile">手机号码 Mobile</label><input id="mobile" name="mobile" inputmode="numeric" autocomplete="tel">
        <label for="password">密码 Password</label><input id="password" name="password" type="password" autocomplete="new-password" required>
        <p class="muted">至少10位，含大写、小写、数字、符号中的三类 / at least 10 characters from three of: upper, lower, digits, symbols</p>
        <button type="submit">注册 Register</button></form>
        """
    }

    func organizationsPage(_ context: HaiheRequestContext, _ organizations: [Organization]) -> HTML {
        let names = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id, $0.nameZH) })
        let rows: [HTML] = organizations.map { o in
            "<tr><td>\(o.nameZH)<br><span class=\"muted\">\(o.nameEN)</span></td><td>\(o.kind.labelZH)</td><td class=\"mono\">\(o.creditCode ?? "—")</td><td>\(o.divisionCode)</td><td>\(o.parentID.flatMap { names[$0] } ?? "")</td><td>\(o.contact?.name)<br>\(o.contact?.phone)</td></tr>"
        }
        var form: HTML = ""
        if AccessPolicy.decide(context.identity?.subject, .organizationCreate).isAllowed {
            let kinds: [HTML] = OrganizationKind.allCases.map { "<option value=\"\($0.rawValue)\">\($0.labelZH)</option>" }
            let parents: [HTML] = organizations.filter { $0.kind == .districtGovernment }.map { "<option value=\"\($0.id)\">\($0.nameZH)</option>" }
            form = """
            <form class="card" method="post" action="/console/organizations">\(Layout.csrfField(context.identity))<h2>新增单位 Add an organisation</h2><div class="grid">
            <div><label for="kind">类型 Kind</label><select id="kind" name="kind">\(kinds)</select></div>
            <div><label for="name_zh">中文名称 Chinese name</label><input id="name_zh" name="name_zh" required></div>
            <div><label for="name_en">英文名称 English name</label><input id="name_en" name="name_en"></div>
            <div><label for="credit_code">统一社会信用代码 Credit code</label><input id="credit_code" name="credit_code" maxlength="18"></div>
            <div><label for="division_code">行政区划代码 Division</label><input id="division_code" name="division_code" value="120000" maxlength="6"></div>
            <div><label for="parent_id">上级单位 Parent</label><select id="parent_id" name="parent_id"><option value="">—</option>\(parents)</select></div>
            <div><label for="contact_name">联系人 Contact</label><input id="contact_name" name="contact_name"></div>
            <div><label for="contact_phone">电话 Phone</label><input id="contact_phone" name="contact_phone"></div>
            <div><label for="contact_email">邮箱 Email</label><input id="contact_email" name="contact_email" type="email"></div>
            </div><button type="submit">保存 Save</button></form>
            """
        }
        return Layout.page("单位 Organisations", identity: context.identity, """
        \(form)<table><thead><tr><th>名称 Name</th><th>类型 Kind</th><th>统一社会信用代码</th><th>区划 Division</th><th>上级 Parent</th><th>联系人 Contact</th></tr></thead>
        <tbody>\(rows)</tbody></table><p class="muted">\(organizations.count) 个单位 organisations</p>
        """)
    }

    func usersPage(_ context: HaiheRequestContext, _ users: [User], _ organizations: [Organization]) -> HTML {
        let names = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id, $0.nameZH) })
        let mayEdit = AccessPolicy.decide(context.identity?.subject, .userUpdate).isAllowed
        let rows: [HTML] = users.map { u in
            let toggle: HTML = mayEdit ? """
                <form class="inline" method="post" action="/console/users/\(u.id)/status">\(Layout.csrfField(context.identity))<input type="hidden" name="status" value="\(u.status == .active ? "disabled" : "active")"><button class="secondary" type="submit">\(u.status == .active ? "停用 Disable" : "启用 Enable")</button></form>
                """ : ""
            return "<tr><td>\(u.username)</td><td>\(u.displayName)</td><td>\(names[u.organizationID] ?? u.organizationID)</td><td>\(u.roles.sorted().map(\.labelZH).joined(separator: "、"))</td><td>\(u.status == .active ? "正常" : "已停用")</td><td>\(toggle)</td></tr>"
        }
        var form: HTML = ""
        if AccessPolicy.decide(context.identity?.subject, .userCreate).isAllowed {
            let orgs: [HTML] = organizations.map { "<option value=\"\($0.id)\">\($0.nameZH)</option>" }
            let roles: [HTML] = Role.allCases.map { "<label><input type=\"checkbox\" name=\"roles\" value=\"\($0.rawValue)\"> \($0.labelZH) \($0.rawValue)</label>" }
            form = """
            <form class="card" method="post" action="/console/users">\(Layout.csrfField(context.identity))<h2>新增用户 Add a user</h2><div class="grid">
            <div><label for="organization_id">单位 Organisation</label><select id="organization_id" name="organization_id">\(orgs)</select></div>
            <div><label for="username">用户名 Username</label><input id="username" name="username" required></div>
            <div><label for="display_name">姓名 Name</label><input id="display_name" name="display_name" required></div>
            <div><label for="email">邮箱 Email</label><input id="email" name="email" type="email"></div>
            <div><label for="mobile">手机 Mobile</label><input id="mobile" name="mobile"></div>
            <div><label for="password">初始密码 Initial password</label><input id="password" name="password" type="password" required></div>
            </div><fieldset><legend>角色 Roles</legend><div class="grid">\(roles)</div></fieldset><button type="submit">保存 Save</button></form>
            """
        }
        return Layout.page("用户 Users", identity: context.identity, """
        \(form)<table><thead><tr><th>用户名 Username</th><th>姓名 Name</th><th>单位 Organisation</th><th>角色 Roles</th><th>状态 Status</th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table>
        """)
    }

    func keysPage(_ context: HaiheRequestContext, _ keys: [APIKey], newToken: String?) -> HTML {
        let now = Date()
        let rows: [HTML] = keys.map { k in
            let state = k.revokedAt != nil ? "已撤销 revoked" : (k.isLive(at: now) ? "有效 live" : "已过期 expired")
            let revoke: HTML = k.isLive(at: now) ? """
                <form class="inline" method="post" action="/console/api-keys/\(k.id)/revoke">\(Layout.csrfField(context.identity))<button class="secondary" type="submit">撤销 Revoke</button></form>
                """ : ""
            return "<tr><td>\(k.name)</td><td class=\"mono\">\(k.prefix)…</td><td>\(k.scopes.map(\.rawValue).sorted().joined(separator: ", "))</td><td>\(Timestamp.format(k.createdAt))</td><td>\(k.expiresAt.map(Timestamp.format) ?? "永不 never")</td><td>\(state)</td><td>\(revoke)</td></tr>"
        }
        let shown: HTML = newToken.map { """
            <div class="notice" role="status"><p>新令牌（只显示这一次，请立即保存）/ Your new key, shown only once — save it now:</p><p><code>\($0)</code></p>
            <p class="muted">用法 Use: <code>curl -H "Authorization: Bearer \($0)" http://…/api/v1/me</code></p></div>
            """ } ?? ""
        return Layout.page("访问令牌 API keys", identity: context.identity, """
        \(shown)<form class="card" method="post" action="/console/api-keys">\(Layout.csrfField(context.identity))<h2>新建令牌 Create a key</h2><div class="grid">
        <div><label for="name">名称 Name</label><input id="name" name="name" required maxlength="100"></div>
        <div><label for="expires_days">有效天数 Valid for (days, empty: no expiry)</label><input id="expires_days" name="expires_days" inputmode="numeric"></div>
        </div><fieldset><legend>权限范围 Scopes</legend><label><input type="checkbox" name="scopes" value="read" checked> read 读取</label>
        <label><input type="checkbox" name="scopes" value="write"> write 修改</label></fieldset><button type="submit">创建 Create</button></form>
        <table><thead><tr><th>名称 Name</th><th>前缀 Prefix</th><th>范围 Scopes</th><th>创建 Created</th><th>过期 Expires</th><th>状态 State</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
        """)
    }

    func passwordPage(_ context: HaiheRequestContext, notice: String?) -> HTML {
        Layout.page("修改密码 Change password", identity: context.identity, notice: notice, """
        <form class="card" method="post" action="/console/password">\(Layout.csrfField(context.identity))
        <label for="current_password">当前密码 Current password</label><input id="current_password" name="current_password" type="password" autocomplete="current-password" required>
        <label for="new_password">新密码 New password</label><input id="new_password" name="new_password" type="password" autocomplete="new-password" required>
        <button type="submit">修改 Change</button></form>
        """)
    }

    func auditPage(_ context: HaiheRequestContext, request: Request, events: [AuditEvent], total: Int, limit: Int, offset: Int) -> HTML {
        let q = request.uri.queryParameters
        func value(_ name: String) -> String { q[name[...]].map(String.init) ?? "" }
        let rows: [HTML] = events.map { e in
            "<tr><td>\(e.sequence)</td><td>\(Timestamp.format(e.occurredAt))</td><td>\(e.actorUsername ?? "匿名 anonymous")</td><td>\(e.action)</td><td class=\"mono\">\(e.objectID)</td><td>\(e.outcome.rawValue)</td><td>\(e.clientAddress)</td><td class=\"mono\">\(e.detail)</td></tr>"
        }
        let query = request.uri.query ?? ""
        var pager: [HTML] = []
        if offset > 0 { pager.append("<a href=\"?\(Self.replacing(query, offset: max(0, offset - limit)))\">上一页 Previous</a> ") }
        if offset + limit < total { pager.append("<a href=\"?\(Self.replacing(query, offset: offset + limit))\">下一页 Next</a>") }
        return Layout.page("审计日志 Audit trail", identity: context.identity, """
        <form class="card" method="get" action="/console/audit"><div class="grid">
        <div><label for="actor">操作人 Actor (username or id)</label><input id="actor" name="actor" value="\(value("actor"))"></div>
        <div><label for="organization_id">单位 Organisation id</label><input id="organization_id" name="organization_id" value="\(value("organization_id"))"></div>
        <div><label for="object_id">对象 Object id</label><input id="object_id" name="object_id" value="\(value("object_id"))"></div>
        <div><label for="action">操作 Action (e.g. user. or auth.login)</label><input id="action" name="action" value="\(value("action"))"></div>
        <div><label for="from">起 From (ISO 8601)</label><input id="from" name="from" value="\(value("from"))" placeholder="2026-11-30"></div>
        <div><label for="to">止 To</label><input id="to" name="to" value="\(value("to"))"></div>
        </div><button type="submit">查询 Search</button> <a href="/api/v1/audit/events.csv?\(query)">导出 CSV Export</a></form>
        <p class="muted">共 \(total) 条 events</p>
        <table><thead><tr><th>#</th><th>时间 Time (UTC)</th><th>操作人 Actor</th><th>操作 Action</th><th>对象 Object</th><th>结果 Outcome</th><th>地址 Address</th><th>详情 Detail</th></tr></thead>
        <tbody>\(rows)</tbody></table><p>\(pager)</p>
        """)
    }

    static func replacing(_ query: String, offset: Int) -> String {
        var parts = query.split(separator: "&").map(String.init).filter { !$0.hasPrefix("offset=") }
        parts.append("offset=\(offset)")
        return parts.joined(separator: "&")
    }

    // MARK: Helpers

    func formPage(_ request: Request, title: String, identity: Identity?, form: (String) -> HTML) -> Response {
        let csrf = AuthStore.makeSecret(prefix: "")
        var response = Layout.page(title, identity: identity, form(csrf)).page(status: .ok)
        response.setCookie(formCookie(csrf))
        return response
    }

    func formCookie(_ value: String) -> Cookie {
        Cookie(name: Self.loginCSRFCookie, value: value, path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func checkFormCSRF(_ request: Request, _ form: FormFields) throws {
        guard let cookie = request.cookies[Self.loginCSRFCookie]?.value, let field = form["_csrf"],
              AuthenticationMiddleware.constantTimeEqual(cookie, field) else {
            throw HaiheError(.forbidden, code: "auth.csrf", zh: "表单已失效（CSRF 校验失败），请刷新页面后重试",
                             en: "The form is stale (CSRF check failed); reload the page and try again")
        }
    }

    /// Only same-site paths are followed after sign-in, never another host.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return "/console" }
        return next
    }
}

func redirect(to location: String) -> Response {
    var headers = HTTPFields()
    headers[.location] = location
    return Response(status: .seeOther, headers: headers)
}

/// On web pages, errors become pages: a caller who is not signed in is sent to the sign-in page,
/// any other refusal or bad input is shown with its bilingual message and status.
struct WebErrorMiddleware: RouterMiddleware {
    typealias Context = HaiheRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HaiheError {
            if error.kind == .unauthenticated && request.method == .get {
                let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return redirect(to: "/login?next=" + (target.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=?"))) ?? "/console"))
            }
            return Layout.page("出错了 Something went wrong", identity: context.identity, error: error.message,
                               "<p><a href=\"/console\">返回工作台 Back to the console</a></p>").page(status: error.kind.status)
        }
    }
}
