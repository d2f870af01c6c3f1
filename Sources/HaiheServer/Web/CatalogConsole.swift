import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// Console pages of catalog management: browsing the three city catalogs, an entry with its history and
/// lifecycle buttons, the editor, the regulator's review queue, the overdue list and rectification orders.
struct CatalogConsole: Sendable {
    let store: Store
    let `guard`: Guard

    func addRoutes(to router: Router<HaiheRequestContext>) {
        let web = router.group().add(middleware: WebErrorMiddleware())

        web.route(.get, "/console/catalog", .catalogBrowse, guard: `guard`) { request, context -> HTML in
            let catalog = request.uri.queryParameters["catalog"].flatMap { CityCatalog(rawValue: String($0)) } ?? .government
            var query = try CatalogAPI.query(request, catalog: catalog)
            query.limit = 50
            let page = try await store.catalog.list(query)
            return browsePage(context, request: request, catalog: catalog, page: page, query: query, organizations: try await names())
        }

        web.route(.get, "/console/catalog/mine", .catalogRead, guard: `guard`) { _, context -> HTML in
            let subject = context.identity!.subject
            let page = try await store.catalog.list(CatalogQuery(providerID: subject.organizationID, limit: 500))
            let rows: [HTML] = page.entries.map(entryRow)
            let create: HTML = AccessPolicy.decide(subject, .catalogWrite).isAllowed ? "<p><a href=\"/console/catalog/new\">新建目录 New entry</a></p>" : ""
            return Layout.page("本单位目录 Our catalog", identity: context.identity, """
            \(create)<table><thead><tr><th>资源代码 Code</th><th>名称 Title</th><th>版本 Version</th><th>状态 Status</th><th>共享 Share</th><th>开放 Open</th></tr></thead><tbody>\(rows)</tbody></table>
            """)
        }

        web.route(.get, "/console/catalog/new", .catalogWrite, guard: `guard`) { _, context -> HTML in
            editorPage(context, error: nil, values: [:])
        }

        web.route(.post, "/console/catalog/new", .catalogWrite, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            do {
                let entry = try Self.entry(from: form, providerID: context.identity!.user.organizationID)
                _ = try await store.catalog.create(entry, audit: context.auditDraft(.catalogWrite, detail: ["operation": "create"]))
                return redirect(to: "/console/catalog/entries/\(entry.id)")
            } catch let error as HaiheError {
                return editorPage(context, error: error.message, values: Dictionary(form.pairs, uniquingKeysWith: { $1 })).page(status: error.kind.status)
            }
        }

        web.get("/console/catalog/entries/{id}") { request, context -> HTML in
            let id = try context.parameters.require("id")
            guard let entry = try await store.catalog.find(id: id) else { throw HaiheError.notFound("catalog_entry", zh: "目录", id: id) }
            let subject = context.identity?.subject
            let action: Action = [.published, .superseded, .retired].contains(entry.status) ? .catalogBrowse : .catalogRead
            try await `guard`.require(action, on: PolicyObject(organizationID: entry.providerID), context)
            try await store.audit.record(context.auditDraft(action, objectID: entry.id, detail: ["path": request.uri.path]))
            var history = try await store.catalog.history(entryID: entry.entryID)
            if !AccessPolicy.decide(subject, .catalogRead, on: PolicyObject(organizationID: entry.providerID)).isAllowed {
                history = history.filter { [.published, .superseded, .retired].contains($0.status) }
            }
            let warnings = entry.status.isEditable ? try await store.catalog.duplicateWarnings(fields: entry.fields, providerID: entry.providerID) : []
            let mayWrite = AccessPolicy.decide(subject, .catalogWrite, on: PolicyObject(organizationID: entry.providerID)).isAllowed
            let mayReview = AccessPolicy.decide(subject, .catalogReview, on: PolicyObject(organizationID: entry.providerID)).isAllowed
            return entryPage(context, entry: entry, history: history, warnings: warnings, mayWrite: mayWrite, mayReview: mayReview,
                             organizations: try await names())
        }

        for transition in CatalogRules.Transition.allCases {
            let action: Action = (transition == .confirm || transition == .return) ? .catalogReview : .catalogWrite
            web.route(.post, RouterPath("/console/catalog/entries/{id}/\(transition.rawValue)"), action, guard: `guard`) { request, context -> Response in
                let id = try context.parameters.require("id")
                guard let entry = try await store.catalog.find(id: id) else { throw HaiheError.notFound("catalog_entry", zh: "目录", id: id) }
                try await `guard`.require(action, on: PolicyObject(organizationID: entry.providerID), context)
                let form = try await FormFields.from(request, context: context)
                try await store.catalog.apply(transition, to: id, comment: form["comment"]?.nilIfEmpty,
                                              audit: context.auditDraft(action, detail: ["operation": transition.rawValue]))
                return redirect(to: "/console/catalog/entries/\(id)")
            }
        }

        web.route(.post, "/console/catalog/entries/{id}/revise", .catalogWrite, guard: `guard`) { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let entry = try await store.catalog.find(id: id) else { throw HaiheError.notFound("catalog_entry", zh: "目录", id: id) }
            try await `guard`.require(.catalogWrite, on: PolicyObject(organizationID: entry.providerID), context)
            let draft = try await store.catalog.revise(id, audit: context.auditDraft(.catalogWrite, detail: ["operation": "revise"]))
            return redirect(to: "/console/catalog/entries/\(draft.id)")
        }

        web.route(.get, "/console/catalog/review", .catalogReview, guard: `guard`) { _, context -> HTML in
            let submitted = try await store.catalog.list(CatalogQuery(statuses: [.submitted], limit: 500)).entries
            let organizations = try await names()
            var rows: [HTML] = []
            for entry in submitted {
                let previous = try await store.catalog.history(entryID: entry.entryID).first { $0.status == .published }
                let changes = previous.map { CatalogAPI.changes(from: $0, to: entry).joined(separator: ", ") } ?? "新目录 new entry"
                rows.append("<tr><td><a href=\"/console/catalog/entries/\(entry.id)\">\(entry.title)</a></td><td>\(organizations[entry.providerID] ?? "")</td><td>\(entry.version)</td><td>\(entry.shareType.labelZH) / \(entry.openType.labelZH)</td><td>\(entry.legalBasis.map { "\($0.name) \($0.article)" } ?? "—")</td><td>\(changes)</td></tr>")
            }
            let filings: [HTML] = try await store.catalog.filings(limit: 50).map {
                "<tr><td>\(Timestamp.format($0.filedAt))</td><td>\(organizations[$0.providerID] ?? "")</td><td>\($0.shareType.labelZH) / \($0.openType.labelZH)</td><td>\($0.legalBasis.name) \($0.legalBasis.article)</td><td><a href=\"/console/catalog/entries/\($0.entryVersionID)\">目录 entry</a></td></tr>"
            }
            return Layout.page("目录确认 Review queue", identity: context.identity, """
            <table><thead><tr><th>名称 Title</th><th>提供方 Provider</th><th>版本</th><th>共享/开放</th><th>法律依据 Legal basis</th><th>变更 Changes</th></tr></thead><tbody>\(rows)</tbody></table>
            <h2>法律依据备案 Legal-basis filings</h2>
            <table><thead><tr><th>备案时间 Filed</th><th>提供方</th><th>类型</th><th>依据 Basis</th><th></th></tr></thead><tbody>\(filings)</tbody></table>
            """)
        }

        web.route(.get, "/console/catalog/overdue", .catalogOversee, guard: `guard`) { _, context -> HTML in
            let report = try await store.rectification.overdueReport(organizations: store.organizations)
            let organizations = try await names()
            let mayIssue = AccessPolicy.decide(context.identity?.subject, .rectificationIssue).isAllowed
            func issueForm(_ organizationID: String, entryID: String?, kind: RectificationOrder.Kind, reason: String) -> HTML {
                guard mayIssue else { return "" }
                let deadline = String(Timestamp.format(Date().addingTimeInterval(15 * 86_400)).prefix(10))
                return """
                <form class="inline" method="post" action="/console/rectification">\(Layout.csrfField(context.identity))<input type="hidden" name="organization_id" value="\(organizationID)"><input type="hidden" name="entry_id" value="\(entryID)"><input type="hidden" name="kind" value="\(kind.rawValue)"><input type="hidden" name="reason" value="\(reason)"><input type="hidden" name="deadline" value="\(deadline)"><button class="secondary" type="submit">责令15日内改正 Order correction</button></form>
                """
            }
            let late: [HTML] = report.entries.map { item in
                "<tr><td><a href=\"/console/catalog/entries/\(item.entry.id)\">\(item.entry.title)</a></td><td>\(organizations[item.entry.providerID] ?? "")</td><td>\(item.entry.updateFrequency.labelZH)</td><td>\(item.daysLate)</td><td>\(issueForm(item.entry.providerID, entryID: item.entry.entryID, kind: .overdueData, reason: "目录“\(item.entry.title)”数据已逾期\(item.daysLate)天未更新"))</td></tr>"
            }
            let missing: [HTML] = report.organizationsWithoutCatalog.map { organization in
                "<tr><td>\(organization.nameZH)</td><td>\(organization.kind.labelZH)</td><td>\(issueForm(organization.id, entryID: nil, kind: .missingCatalog, reason: "未编制经确认的政务数据目录"))</td></tr>"
            }
            return Layout.page("逾期与未编目 Overdue", identity: context.identity, """
            <h2>数据逾期未更新 Data overdue</h2><table><thead><tr><th>目录 Entry</th><th>提供方</th><th>更新周期</th><th>逾期天数 Days late</th><th></th></tr></thead><tbody>\(late)</tbody></table>
            <h2>未编制目录的单位 Without a confirmed catalog</h2><table><thead><tr><th>单位</th><th>类型</th><th></th></tr></thead><tbody>\(missing)</tbody></table>
            <p><a href="/console/rectification">整改通知 Rectification orders</a></p>
            """)
        }

        web.route(.post, "/console/rectification", .rectificationIssue, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            guard let deadline = Timestamp.parse((form["deadline"] ?? "") + "T23:59:59.000+08:00") ?? Timestamp.parse(form["deadline"] ?? "") else {
                throw HaiheError.invalid("rectification.deadline", zh: "改正期限格式不正确", en: "The deadline is not a date")
            }
            let order = RectificationOrder(organizationID: try form.required("organization_id", label: "单位"), entryID: form["entry_id"]?.nilIfEmpty,
                                           kind: RectificationOrder.Kind(rawValue: form["kind"] ?? "") ?? .other, reason: try form.required("reason", label: "理由"),
                                           deadline: deadline, issuedBy: context.identity!.user.id)
            try await store.rectification.issue(order, audit: context.auditDraft(.rectificationIssue))
            return redirect(to: "/console/rectification")
        }

        web.route(.get, "/console/rectification", .rectificationRead, guard: `guard`) { _, context -> HTML in
            let subject = context.identity!.subject
            let seesAll = AccessPolicy.decide(subject, .rectificationRead, on: PolicyObject(organizationID: "another organisation")).isAllowed
            let orders = try await store.rectification.list(organizationID: seesAll ? nil : subject.organizationID)
            let organizations = try await names()
            let now = Date()
            let rows: [HTML] = orders.map { order in
                let respond: HTML = order.status == .open && AccessPolicy.decide(subject, .rectificationRespond, on: PolicyObject(organizationID: order.organizationID)).isAllowed ? """
                    <form method="post" action="/console/rectification/\(order.id)/done">\(Layout.csrfField(context.identity))<label for="r-\(order.id)">整改情况 What was corrected</label><input id="r-\(order.id)" name="response" required><button type="submit">报告已整改 Report done</button></form>
                    """ : HTML(raw: HTML.escape(order.response ?? ""))
                let state = order.isOverdue(at: now) ? "已逾期 overdue" : order.status.rawValue
                return "<tr><td>\(organizations[order.organizationID] ?? "")</td><td>\(order.reason)</td><td>\(Timestamp.format(order.deadline))</td><td>\(state)</td><td>\(respond)</td></tr>"
            }
            return Layout.page("整改通知 Rectification orders", identity: context.identity, """
            <table><thead><tr><th>单位 Organisation</th><th>理由 Reason</th><th>期限 Deadline</th><th>状态 Status</th><th>整改 Response</th></tr></thead><tbody>\(rows)</tbody></table>
            """)
        }

        web.route(.post, "/console/rectification/{id}/done", .rectificationRespond, guard: `guard`) { request, context -> Response in
            let id = try context.parameters.require("id")
            guard let order = try await store.rectification.find(id: id) else { throw HaiheError.notFound("rectification_order", zh: "整改通知", id: id) }
            try await `guard`.require(.rectificationRespond, on: PolicyObject(organizationID: order.organizationID), context)
            let form = try await FormFields.from(request, context: context)
            _ = try await store.rectification.close(id: id, as: .done, response: form["response"], audit: context.auditDraft(.rectificationRespond))
            return redirect(to: "/console/rectification")
        }
    }

    func names() async throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try await store.organizations.list().map { ($0.id, $0.nameZH) })
    }

    func entryRow(_ e: CatalogEntry) -> HTML {
        "<tr><td class=\"mono\">\(e.resourceCode)</td><td><a href=\"/console/catalog/entries/\(e.id)\">\(e.title)</a></td><td>\(e.version)</td><td>\(e.status.labelZH)</td><td>\(e.shareType.labelZH)</td><td>\(e.openType.labelZH)</td></tr>"
    }

    func browsePage(_ context: HaiheRequestContext, request: Request, catalog: CityCatalog, page: CatalogPage, query: CatalogQuery,
                    organizations: [String: String]) -> HTML {
        let q = query.text ?? ""
        let tabs: [HTML] = CityCatalog.allCases.map { c in
            c == catalog ? "<strong>\(c.labelZH)</strong> " : "<a href=\"/console/catalog?catalog=\(c.rawValue)\">\(c.labelZH)</a> "
        }
        func facet(_ key: String, _ label: String, _ title: (String) -> String) -> HTML {
            let items: [HTML] = (page.facets[key] ?? [:]).sorted { $0.value > $1.value }.prefix(12).map { value, count in
                "<li><a href=\"/console/catalog?catalog=\(catalog.rawValue)&amp;\(key == "provider_id" ? "provider_id" : key)=\(value)&amp;q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")\">\(title(value))</a> (\(count))</li>"
            }
            return "<div><strong>\(label)</strong><ul>\(items)</ul></div>"
        }
        let rows: [HTML] = page.entries.map { e in
            "<tr><td class=\"mono\">\(e.resourceCode)</td><td><a href=\"/console/catalog/entries/\(e.id)\">\(e.title)</a><br><span class=\"muted\">\(e.titleEN)</span></td><td>\(organizations[e.providerID] ?? "")</td><td>\(e.domain.labelZH)</td><td>\(e.shareType.labelZH)</td><td>\(e.openType.labelZH)</td><td>\(e.updateFrequency.labelZH)</td></tr>"
        }
        return Layout.page("目录 Catalogs", identity: context.identity, """
        <p>\(tabs) · <a href="/api/v1/catalogs/\(catalog.rawValue).csv">导出 CSV</a></p>
        <form class="card" method="get" action="/console/catalog"><input type="hidden" name="catalog" value="\(catalog.rawValue)">
        <label for="q">搜索 Search (中文 or English)</label><input id="q" name="q" value="\(q)"><button type="submit">搜索 Search</button></form>
        <section class="card grid">\(facet("domain", "领域 Domain") { Domain(rawValue: $0)?.labelZH ?? $0 })\(facet("share_type", "共享类型") { ShareType(rawValue: $0)?.labelZH ?? $0 })\(facet("open_type", "开放类型") { OpenType(rawValue: $0)?.labelZH ?? $0 })\(facet("provider_id", "提供方 Provider") { organizations[$0] ?? $0 })\(facet("format", "格式 Format") { $0 })</section>
        <p class="muted">共 \(page.total) 条 entries</p>
        <table><thead><tr><th>资源代码</th><th>名称 Title</th><th>提供方</th><th>领域</th><th>共享</th><th>开放</th><th>更新周期</th></tr></thead><tbody>\(rows)</tbody></table>
        """)
    }

    func entryPage(_ context: HaiheRequestContext, entry e: CatalogEntry, history: [CatalogEntry], warnings: [DuplicateWarning],
                   mayWrite: Bool, mayReview: Bool, organizations: [String: String]) -> HTML {
        let fields: [HTML] = e.fields.map { f in
            "<tr><td class=\"mono\">\(f.name)</td><td>\(f.labelZH)</td><td>\(f.type.rawValue)</td><td>\(f.unit)</td><td>\(f.required ? "是" : "")</td><td>\(f.uniqueKey ? "是" : "")</td><td>\(f.personalInformation ? "是" : "")</td><td class=\"mono\">\(f.standardCode)</td></tr>"
        }
        let versions: [HTML] = history.map { v in
            "<li><a href=\"/console/catalog/entries/\(v.id)\">第\(v.version)版 version \(v.version)</a> — \(v.status.labelZH)\(v.publishedAt.map { "，发布于 " + Timestamp.format($0) } ?? "")</li>"
        }
        let warningsHTML: HTML = warnings.isEmpty ? "" : "<div class=\"error\" role=\"alert\"><strong>重复采集提示 Duplicate collection (Art. 19)</strong><ul>\(warnings.map { "<li>\($0.message) <a href=\"/console/sharing/entries/\($0.existingEntryID)\">查看或申请 View or apply</a></li>" as HTML })</ul></div>"
        var buttons: [HTML] = []
        func button(_ transition: String, _ label: String, comment: Bool = false) -> HTML {
            let commentField: HTML = comment ? "<label for=\"comment-\(transition)\">意见 Comment</label><input id=\"comment-\(transition)\" name=\"comment\"\(transition == "return" ? " required" : "")>" : ""
            return "<form class=\"card\" method=\"post\" action=\"/console/catalog/entries/\(e.id)/\(transition)\">\(Layout.csrfField(context.identity))\(commentField)<button type=\"submit\">\(label)</button></form>"
        }
        if mayWrite {
            if e.status.isEditable { buttons.append(button("submit", "提交确认 Submit for confirmation")) }
            if e.status == .confirmed { buttons.append(button("publish", "发布 Publish")) }
            if e.status == .published { buttons.append(button("revise", "修订（生成新版本）Revise")); buttons.append(button("retire", "撤销 Retire")) }
        }
        if mayReview && e.status == .submitted {
            buttons.append(button("confirm", "确认 Confirm", comment: true))
            buttons.append(button("return", "退回 Return", comment: true))
        }
        return Layout.page(e.title, identity: context.identity, """
        \(warningsHTML)<section class="card"><div class="grid">
        <div><strong>资源代码</strong><br><span class="mono">\(e.resourceCode)</span></div><div><strong>状态 Status</strong><br>\(e.status.labelZH)（第\(e.version)版）</div>
        <div><strong>提供方 Provider</strong><br>\(organizations[e.providerID] ?? "")</div><div><strong>领域 Domain</strong><br>\(e.domain.labelZH) · \(e.resourceType.labelZH)</div>
        <div><strong>共享 Sharing</strong><br>\(e.shareType.labelZH) \(e.shareConditions)</div><div><strong>开放 Opening</strong><br>\(e.openType.labelZH) \(e.openConditions)</div>
        <div><strong>更新 Updates</strong><br>\(e.updateFrequency.labelZH)\(e.updateDeadlineDays.map { "，时限 \($0) 天" } ?? "")</div><div><strong>安全级别</strong><br>\(e.securityGrade.labelZH)</div>
        <div><strong>法律依据 Legal basis</strong><br>\(e.legalBasis.map { "\($0.name) \($0.article)" } ?? "—")</div><div><strong>格式 Formats</strong><br>\(e.formats.joined(separator: ", "))</div>
        </div><p>\(e.summary)</p>\(e.reviewComment.map { "<p class=\"muted\">审核意见 Review: \($0)</p>" as HTML } ?? "")</section>
        <h2>信息项 Fields</h2><table><thead><tr><th>名称</th><th>中文名</th><th>类型</th><th>单位</th><th>必填</th><th>唯一</th><th>个人信息</th><th>数据元</th></tr></thead><tbody>\(fields)</tbody></table>
        \(e.status == .published ? "<p><a href=\"/console/data/\(e.entryID)\">数据接入与版本 Data: upload, quality reports, versions</a></p>" as HTML : "")
        <h2>操作 Actions</h2>\(buttons)<h2>版本 History</h2><ul>\(versions)</ul>
        """)
    }

    func editorPage(_ context: HaiheRequestContext, error: String?, values: [String: String]) -> HTML {
        func v(_ key: String, _ fallback: String = "") -> String { values[key] ?? fallback }
        func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, selected: String, label: (T) -> String) -> [HTML] where T.RawValue == String {
            T.allCases.map { "<option value=\"\($0.rawValue)\"\(HTML(raw: $0.rawValue == selected ? " selected" : ""))>\(label($0))</option>" }
        }
        return Layout.page("新建目录 New catalog entry", identity: context.identity, error: error, """
        <form class="card" method="post" action="/console/catalog/new">\(Layout.csrfField(context.identity))<div class="grid">
        <div><label for="resource_code">资源代码 Resource code</label><input id="resource_code" name="resource_code" value="\(v("resource_code"))" placeholder="201005-00012" required></div>
        <div><label for="title">名称 Title</label><input id="title" name="title" value="\(v("title"))" required></div>
        <div><label for="title_en">英文名称 English title</label><input id="title_en" name="title_en" value="\(v("title_en"))"></div>
        <div><label for="domain">领域 Domain</label><select id="domain" name="domain">\(options(Domain.self, selected: v("domain")) { $0.labelZH })</select></div>
        <div><label for="resource_type">资源类型</label><select id="resource_type" name="resource_type">\(options(ResourceType.self, selected: v("resource_type", "departmental")) { $0.labelZH })</select></div>
        <div><label for="update_frequency">更新周期</label><select id="update_frequency" name="update_frequency">\(options(UpdateFrequency.self, selected: v("update_frequency", "monthly")) { $0.labelZH })</select></div>
        <div><label for="share_type">共享类型</label><select id="share_type" name="share_type">\(options(ShareType.self, selected: v("share_type")) { $0.labelZH })</select></div>
        <div><label for="open_type">开放类型</label><select id="open_type" name="open_type">\(options(OpenType.self, selected: v("open_type")) { $0.labelZH })</select></div>
        <div><label for="formats">格式 Formats</label><input id="formats" name="formats" value="\(v("formats", "CSV,JSON"))"></div>
        <div><label for="keywords">关键词 Keywords</label><input id="keywords" name="keywords" value="\(v("keywords"))"></div>
        <div><label for="basis_name">法律依据 Legal basis (law)</label><input id="basis_name" name="basis_name" value="\(v("basis_name"))"></div>
        <div><label for="basis_article">条款 Article</label><input id="basis_article" name="basis_article" value="\(v("basis_article"))"></div>
        </div><label for="summary">摘要 Summary</label><input id="summary" name="summary" value="\(v("summary"))" required>
        <label for="fields">信息项 Fields — one per line: <code>name|中文名|type|flags|数据元代码</code>; type: integer, decimal, text, date, datetime, boolean; flags: required, unique, personal</label>
        <textarea id="fields" name="fields" rows="8" style="width:100%;font-family:monospace">\(v("fields", "credit_code|统一社会信用代码|text|required,unique|DE0001"))</textarea>
        <button type="submit">保存草稿 Save draft</button></form>
        """)
    }

    /// Reads the editor form; the same rules as the API apply when the entry is stored.
    static func entry(from form: FormFields, providerID: String) throws -> CatalogEntry {
        var fields: [FieldDefinition] = []
        for (number, line) in (form["fields"] ?? "").split(whereSeparator: \.isNewline).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 3, let type = FieldType(rawValue: parts[2]) else {
                throw HaiheError.invalid("catalog.field_line", zh: "第\(number + 1)行信息项格式不正确（名称|中文名|类型|标记|数据元代码）",
                                         en: "Field line \(number + 1) is not name|label|type|flags|code")
            }
            let flags = parts.count > 3 ? Set(parts[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) : []
            fields.append(FieldDefinition(name: parts[0], labelZH: parts[1], type: type, required: flags.contains("required"), uniqueKey: flags.contains("unique"),
                                          standardCode: parts.count > 4 ? parts[4].nilIfEmpty : nil, personalInformation: flags.contains("personal")))
        }
        let basisName = form["basis_name"]?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        return CatalogEntry(resourceCode: try form.required("resource_code", label: "资源代码"), title: try form.required("title", label: "名称"),
                            titleEN: form["title_en"]?.nilIfEmpty, summary: try form.required("summary", label: "摘要"), providerID: providerID,
                            resourceType: ResourceType(rawValue: form["resource_type"] ?? "") ?? .departmental,
                            domain: Domain(rawValue: form["domain"] ?? "") ?? .other,
                            keywords: (form["keywords"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }).map(String.init),
                            formats: (form["formats"] ?? "CSV").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                            fields: fields, updateFrequency: UpdateFrequency(rawValue: form["update_frequency"] ?? "") ?? .monthly,
                            shareType: ShareType(rawValue: form["share_type"] ?? "") ?? .unconditional,
                            openType: OpenType(rawValue: form["open_type"] ?? "") ?? .unconditional,
                            legalBasis: basisName.map { LegalBasis(name: $0, article: form["basis_article"] ?? "") })
    }
}
