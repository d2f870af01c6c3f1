import Crypto
import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// Console pages for sharing: the department's view of the sharing catalog with a preview of what it may read, the
/// provider's inbox ordered by deadline, a request's timeline with its next steps, the regulator's desk, the
/// working-day calendar, and the public certificate check. The same store calls and actions as `SharingAPI`.
struct SharingConsole: Sendable {
    let store: Store
    let `guard`: Guard
    let shared: SharedData
    let clock: any PlatformClock

    var api: SharingAPI { SharingAPI(store: store, guard: `guard`, shared: shared, clock: clock) }
    /// The public check hashes a file of at most this size (larger deliveries are checked with `haihe verify`).
    static let maximumVerifyBytes = 256 << 20
    var calendarAPI: CalendarAPI { CalendarAPI(store: store, guard: `guard`, nodeKey: shared.nodeKey, clock: clock) }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        let web = router.group().add(middleware: WebErrorMiddleware())

        web.route(.get, "/console/sharing", .sharingView, guard: `guard`) { request, context -> HTML in
            try await hub(context, search: request.uri.queryParameters["q"].map(String.init))
        }

        web.route(.get, "/console/sharing/entries/{entry}", .sharingRead, guard: `guard`) { request, context -> HTML in
            try await entryPage(request, context)
        }

        web.route(.get, "/console/sharing/requests/{id}", .sharingView, guard: `guard`) { _, context -> HTML in
            let request = try await api.shareRequest(context, .sharingView, sides: .either)
            return try await requestPage(context, request)
        }

        web.route(.post, "/console/sharing/requests", .sharingApply, guard: `guard`) { request, context -> Response in
            let subject = try await `guard`.subject(.sharingApply, context)
            let form = try await FormFields.from(request, context: context)
            let reference = try form.required("entry", label: "目录")
            guard let entry = try await store.catalog.findPublished(reference, in: .sharing) else {
                throw HaiheError.notFound("catalog_entry", zh: "共享目录", id: reference)
            }
            let now = clock.now()
            let application = ShareApplication(
                fields: form.all("fields"), purpose: form["purpose"] ?? "", duty: form["duty"] ?? "", legalBasis: form["legal_basis"] ?? "",
                periodStart: try SharingAPI.instant(form["period_start"], field: "period_start", endOfDay: false) ?? now,
                periodEnd: try SharingAPI.instant(form["period_end"], field: "period_end", endOfDay: true) ?? now.addingTimeInterval(365 * 86_400))
            let created = try await store.sharing.submit(entry: entry, application: application, by: .init(subject), audit: context.auditDraft(.sharingApply), at: now)
            return redirect(to: "/console/sharing/requests/\(created.id)")
        }

        // One form handler per step, each behind its own action (and, inside, the side of the request it belongs to).
        let steps: [(String, Action)] = [("approve", .sharingAnswer), ("refuse", .sharingAnswer), ("dispute", .sharingApply), ("withdraw", .sharingApply),
                                         ("messages", .sharingNegotiate), ("arbitration", .sharingNegotiate), ("decision", .sharingArbitrate)]
        for (step, action) in steps {
            web.route(.post, RouterPath("/console/sharing/requests/{id}/\(step)"), action, guard: `guard`) { request, context -> Response in
                try await perform(step, request, context)
            }
        }

        web.route(.post, "/console/sharing/grants/{id}/revoke", .sharingArbitrate, guard: `guard`) { request, context -> Response in
            let subject = try await `guard`.subject(.sharingArbitrate, on: SharingAPI.everyOrganization, context)
            let form = try await FormFields.from(request, context: context)
            _ = try await store.sharing.revoke(grantID: try context.parameters.require("id"), reason: form["reason"] ?? "", by: .init(subject),
                                               audit: context.auditDraft(.sharingArbitrate), at: clock.now())
            return redirect(to: "/console/sharing")
        }

        web.route(.get, "/console/calendar", .calendarRead, guard: `guard`) { request, context -> HTML in
            try await calendarPage(context, query: Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { a, _ in a }), notice: nil)
        }

        web.route(.post, "/console/calendar", .calendarManage, guard: `guard`) { request, context -> HTML in
            let form = try await FormFields.from(request, context: context)
            let schedules = try ScheduleFile.parse(Array((form["schedule"] ?? "").utf8))
            try await store.calendar.load(schedules, audit: context.auditDraft(.calendarManage))
            return try await calendarPage(context, query: [:], notice: "已载入 Loaded: \(schedules.map { String($0.year) }.joined(separator: ", "))")
        }

        web.route(.get, "/verify", .certificateVerify, guard: `guard`) { request, context -> HTML in
            let certificate = request.uri.queryParameters["certificate"].map(String.init)
            let result = certificate.map { Certificate.verify($0, publicKey: shared.nodeKey.privateKey.publicKey) }
            return verifyPage(context, certificate: certificate, result: result)
        }

        // The file is hashed as it arrives (multipart, streamed to disk), never kept.
        web.route(.post, "/verify", .certificateVerify, guard: `guard`) { request, context -> HTML in
            let upload = try await UploadedFile.receive(request, maximumBytes: Self.maximumVerifyBytes)
            defer { try? FileManager.default.removeItem(atPath: upload.path) }
            let certificate = upload.fields["certificate"] ?? ""
            let hash = upload.size > 0 ? try SHA256File.hex(path: upload.path) : nil
            let result = Certificate.verify(certificate, publicKey: shared.nodeKey.privateKey.publicKey, contentSHA256: hash)
            try await store.audit.record(context.auditDraft("certificate.verify", objectType: "certificate", objectID: result.certificate?.deliveryID,
                                                            outcome: result.isValid ? .success : .failed, detail: ["outcome": result.outcome.rawValue]))
            return verifyPage(context, certificate: certificate, result: result)
        }
    }


    func perform(_ step: String, _ request: Request, _ context: HaiheRequestContext) async throws -> Response {
        let form = try await FormFields.from(request, context: context)
        let now = clock.now()
        let text = form["text"] ?? ""
        switch step {
        case "approve":
            let current = try await api.shareRequest(context, .sharingAnswer, sides: .provider)
            _ = try await store.sharing.answer(current.id, .approve(fields: form.all("fields"),
                                                                    periodEnd: try SharingAPI.instant(form["period_end"], field: "period_end", endOfDay: true)),
                                               entry: try await api.entry(of: current), by: .init(try await `guard`.subject(.sharingAnswer, context)),
                                               audit: context.auditDraft(.sharingAnswer), at: now)
        case "refuse":
            let current = try await api.shareRequest(context, .sharingAnswer, sides: .provider)
            _ = try await store.sharing.answer(current.id, .refuse(reason: form["reason"] ?? "", basis: form["basis"] ?? ""), entry: try await api.entry(of: current),
                                               by: .init(try await `guard`.subject(.sharingAnswer, context)), audit: context.auditDraft(.sharingAnswer), at: now)
        case "dispute":
            let current = try await api.shareRequest(context, .sharingApply, sides: .consumer)
            _ = try await store.sharing.dispute(current.id, message: text, by: .init(try await `guard`.subject(.sharingApply, context)),
                                                audit: context.auditDraft(.sharingApply), at: now)
        case "withdraw":
            let current = try await api.shareRequest(context, .sharingApply, sides: .consumer)
            _ = try await store.sharing.withdraw(current.id, by: .init(try await `guard`.subject(.sharingApply, context)), audit: context.auditDraft(.sharingApply), at: now)
        case "messages":
            let current = try await api.shareRequest(context, .sharingNegotiate, sides: .either)
            _ = try await store.sharing.message(current.id, text: text, by: .init(try await `guard`.subject(.sharingNegotiate, context)),
                                                audit: context.auditDraft(.sharingNegotiate), at: now)
        case "arbitration":
            let current = try await api.shareRequest(context, .sharingNegotiate, sides: .either)
            _ = try await store.sharing.requestArbitration(current.id, reason: text, by: .init(try await `guard`.subject(.sharingNegotiate, context)),
                                                           audit: context.auditDraft(.sharingNegotiate), at: now)
        case "decision":
            let current = try await api.shareRequest(context, .sharingArbitrate, sides: .either)
            guard let decision = form["decision"].flatMap(ShareRequest.Decision.init) else {
                throw HaiheError.invalid("sharing.decision", zh: "请选择裁决结果", en: "Choose a decision")
            }
            let fields = form.all("fields")
            _ = try await store.sharing.decide(current.id, decision, fields: fields.isEmpty ? nil : fields, reason: text, entry: try await api.entry(of: current),
                                               by: .init(try await `guard`.subject(.sharingArbitrate, context)), audit: context.auditDraft(.sharingArbitrate), at: now)
        default:
            throw HaiheError.notFound("page", zh: "页面", id: step)
        }
        return redirect(to: "/console/sharing/requests/\(try context.parameters.require("id"))")
    }

    // MARK: Pages

    func hub(_ context: HaiheRequestContext, search: String?) async throws -> HTML {
        let subject = try await `guard`.subject(.sharingView, context)
        let now = clock.now()
        try await store.sharing.escalateOverdue(at: now)
        let calendar = try await store.calendar.calendar()
        var sections: [HTML] = []

        if AccessPolicy.decide(subject, .sharingRead).isAllowed {
            let page = try await store.catalog.list(CatalogQuery(catalog: .sharing, text: search, limit: 30))
            let grants = try await store.sharing.grants(consumerID: subject.organizationID)
            let rows: [HTML] = page.entries.map { entry in
                let access = try? SharingPolicy.access(to: entry, for: subject.organizationID, grants: grants, at: now)
                return "<tr><td><a href=\"/console/sharing/entries/\(entry.resourceCode)\">\(entry.title)</a><br><span class=\"mono\">\(entry.resourceCode)</span></td><td>\(entry.shareType.labelZH)</td><td>\(Self.accessLabel(access))</td></tr>"
            }
            sections.append("""
            <h2>共享目录 Sharing catalog</h2>
            <form method="get" action="/console/sharing"><label for="q">搜索 Search</label><input id="q" name="q" value="\(search ?? "")"><button type="submit">搜索 Search</button></form>
            <p class="muted">共 \(page.total) 条 · \(page.total) entries</p>
            <table><thead><tr><th>目录 Entry</th><th>共享类型 Type</th><th>本单位可用 Our access</th></tr></thead><tbody>\(rows)</tbody></table>
            """)
        }
        let outbox = try await store.sharing.requests(.outbox, organizationID: subject.organizationID)
        if !outbox.isEmpty {
            sections.append("<h2>本单位的申请 Our requests</h2>\(requestTable(outbox, calendar: calendar, now: now))")
        }
        if AccessPolicy.decide(subject, .sharingAnswer).isAllowed {
            let inbox = try await store.sharing.requests(.inbox, organizationID: subject.organizationID)
            sections.append("<h2>待本单位答复 Inbox (by deadline)</h2>\(inbox.isEmpty ? "<p class=\"muted\">没有申请 None.</p>" : requestTable(inbox, calendar: calendar, now: now))")
        }
        if AccessPolicy.decide(subject, .sharingView, on: SharingAPI.everyOrganization).isAllowed {
            let escalated = try await store.sharing.requests(.escalated, organizationID: nil)
            let records: [HTML] = try await store.sharing.responseRecords(at: now).map { record in
                "<tr><td class=\"mono\">\(record.providerID)</td><td>\(record.received)</td><td>\(record.answeredOnTime)</td><td>\(record.answeredLate)</td><td>\(record.overdueOpen)</td><td>\(record.refused)</td></tr>"
            }
            let mayRevoke = AccessPolicy.decide(subject, .sharingArbitrate).isAllowed
            let grants: [HTML] = try await store.sharing.grants().prefix(50).map { grant in
                let state = grant.revokedAt != nil ? "已撤销 revoked" : grant.isLive(at: now) ? "有效 live" : "已过期 expired"
                let revoke: HTML = mayRevoke && grant.revokedAt == nil && grant.endsAt > now ? """
                    <form class="inline" method="post" action="/console/sharing/grants/\(grant.id)/revoke">\(Layout.csrfField(context.identity))\
                    <input name="reason" aria-label="撤销理由 Reason" placeholder="撤销理由 Reason" required><button class="secondary" type="submit">撤销 Revoke</button></form>
                    """ : ""
                return "<tr><td class=\"mono\">\(grant.entryID)</td><td class=\"mono\">\(grant.consumerID)</td><td>\(grant.fields.joined(separator: ", "))</td><td>\(Self.day(grant.endsAt))</td><td>\(state)</td><td>\(revoke)</td></tr>"
            }
            sections.append("""
            <h2>督办 Escalated: overdue and awaiting decision</h2>\(escalated.isEmpty ? "<p class=\"muted\">没有 None.</p>" : requestTable(escalated, calendar: calendar, now: now))
            <h2>答复情况 Response record by provider (evaluation, Art. 52)</h2>
            <table><thead><tr><th>提供单位 Provider</th><th>收到 Received</th><th>按时 On time</th><th>逾期答复 Late</th><th>逾期未答 Overdue</th><th>不同意 Refused</th></tr></thead><tbody>\(records)</tbody></table>
            <h2>授权 Grants</h2>
            <table><thead><tr><th>目录 Entry</th><th>使用单位 Consumer</th><th>信息项 Fields</th><th>截止 Until</th><th>状态 State</th><th></th></tr></thead><tbody>\(grants)</tbody></table>
            """)
        }
        return Layout.page("数据共享 Sharing", identity: context.identity, HTML(raw: sections.map(\.text).joined()))
    }

    func requestTable(_ requests: [ShareRequest], calendar: WorkingCalendar, now: Date) -> HTML {
        let rows: [HTML] = requests.map { request in
            let left: HTML
            if request.isOverdue(at: now) {
                left = "<strong style=\"color:#cf222e\">已逾期 Overdue</strong>"
            } else if request.status == .pending {
                left = "剩 \(calendar.workingDaysLeft(at: now, until: request.deadline)) 个工作日 working days left"
            } else {
                left = ""
            }
            return """
            <tr><td><a href="/console/sharing/requests/\(request.id)">\(request.entryTitle)</a><br><span class="mono">\(request.resourceCode)</span></td>\
            <td class="mono">\(request.consumerID)</td><td>\(request.status.labelZH) \(request.status.rawValue)</td>\
            <td>\(WorkingCalendar.beijingText(request.deadline))</td><td>\(left)</td></tr>
            """
        }
        return "<table><thead><tr><th>目录 Entry</th><th>申请单位 Consumer</th><th>状态 Status</th><th>答复期限 Deadline</th><th></th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    func entryPage(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let subject = try await `guard`.subject(.sharingRead, context)
        let reference = try context.parameters.require("entry")
        let offer = try await shared.offer(reference, for: subject, at: clock.now())
        let entry = offer.entry
        var body: [HTML] = ["<p><span class=\"mono\">\(entry.resourceCode)</span> · \(entry.shareType.labelZH) · \(entry.summary)</p>"]
        if let conditions = entry.shareConditions { body.append("<p><strong>共享条件 Conditions:</strong> \(conditions)</p>") }
        if offer.access != nil, offer.version != nil {
            // A preview page through the same delivery path as the API: recorded, within the grant.
            var parameters = SharingAPI.parameters(request).filter { !$0.1.isEmpty && $0.0 != "value" && $0.0 != "field" && $0.0 != "op" }
            let query = request.uri.queryParameters
            if let field = query["field"], let value = query["value"], !field.isEmpty, !value.isEmpty {
                let op = String(query["op"] ?? "eq")
                parameters.append((op == "eq" ? String(field) : "\(field)__\(op)", String(value)))
            }
            parameters.append(("limit", "50"))
            do {
                let datasetQuery = try DatasetQuery(parameters: parameters, fields: offer.loadedFields)
                let page = try await shared.page(offer, query: datasetQuery, for: subject, audit: context.auditDraft("sharing.deliver", objectType: "delivery"), at: clock.now())
                body.append(previewTable(page.body, offer: offer, query: datasetQuery, context: context, reference: reference, selectedField: query["field"].map(String.init),
                                         op: query["op"].map(String.init), value: query["value"].map(String.init)))
            } catch let error as HaiheError {
                body.append("<div class=\"error\" role=\"alert\">\(error.message)</div>")
            }
        } else if let refusal = offer.refusal {
            body.append("<div class=\"notice\">\(refusal.message)</div>")
            if entry.shareType == .conditional, AccessPolicy.decide(subject, .sharingApply).isAllowed {
                body.append(applicationForm(entry, context: context))
            }
        } else {
            body.append("<p class=\"muted\">该目录尚未接入数据 No data connected yet.</p>")
        }
        return Layout.page("共享数据 Shared data — \(entry.title)", identity: context.identity, HTML(raw: body.map(\.text).joined()))
    }

    func previewTable(_ json: [UInt8], offer: SharedData.Offer, query: DatasetQuery, context: HaiheRequestContext, reference: String,
                      selectedField: String?, op: String?, value: String?) -> HTML {
        let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] ?? [:]
        let columns = object["fields"] as? [String] ?? []
        let rows = object["rows"] as? [[String: Any]] ?? []
        let labels = Dictionary(offer.loadedFields.map { ($0.name, $0.labelZH) }, uniquingKeysWith: { a, _ in a })
        let head: [HTML] = columns.map { "<th>\(labels[$0] ?? $0)<br><span class=\"mono\">\($0)</span></th>" }
        let body: [HTML] = rows.map { row in
            let cells: [HTML] = columns.map { column in
                let value = row[column]
                return "<td>\(value is NSNull || value == nil ? "" : "\(value!)")</td>"
            }
            return "<tr>\(cells)</tr>"
        }
        let options: [HTML] = columns.map { "<option value=\"\($0)\"\($0 == selectedField ? " selected" : "")>\(labels[$0] ?? $0)</option>" }
        let ops: [HTML] = DatasetQuery.Operator.allCases.map { "<option value=\"\($0.rawValue)\"\($0.rawValue == op ? " selected" : "")>\($0.rawValue)</option>" }
        let access = offer.access.map { $0.basis == .grant ? "依授权 under grant, until \(Self.day($0.grant!.endsAt)) · 用途 purpose: \($0.grant!.purpose)" : $0.basis == .own ? "本单位数据 own data" : "无条件共享 unconditional" } ?? ""
        let filter = query.filters.map { "\($0.field)__\($0.op.rawValue)=\($0.values.joined(separator: ","))".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "" }
        let download = "/api/v1/sharing/entries/\(reference)/rows.csv" + (filter.isEmpty ? "" : "?" + filter.joined(separator: "&"))
        return """
        <p>\(access) · 第\(offer.version?.version ?? 0)版 · 共 \(object["total"] as? Int ?? 0) 行 rows · 本页已记录交付 this page is a recorded delivery <span class="mono">\(object["delivery_id"] as? String ?? "")</span></p>
        <form class="card" method="get"><div class="grid">
        <div><label for="field">信息项 Field</label><select id="field" name="field">\(options)</select></div>
        <div><label for="op">条件 Condition</label><select id="op" name="op">\(ops)</select></div>
        <div><label for="value">值 Value</label><input id="value" name="value" value="\(value ?? "")"></div></div>
        <button type="submit">筛选 Filter</button></form>
        <p><a href="\(download)">下载 CSV（含交付标记与凭证）Download CSV (fingerprinted, with a certificate)</a></p>
        <div style="overflow-x:auto"><table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table></div>
        """
    }

    func applicationForm(_ entry: CatalogEntry, context: HaiheRequestContext) -> HTML {
        let fields: [HTML] = entry.fields.map { "<label><input type=\"checkbox\" name=\"fields\" value=\"\($0.name)\"> \($0.labelZH) <span class=\"mono\">\($0.name)</span></label>" }
        return """
        <h2>申请共享 Apply (Art. 17)</h2>
        <form class="card" method="post" action="/console/sharing/requests">\(Layout.csrfField(context.identity))<input type="hidden" name="entry" value="\(entry.resourceCode)">
        <fieldset><legend>信息项（不选即全部）Fields (none ticked: all)</legend>\(fields)</fieldset>
        <label for="purpose">用途 Purpose</label><input id="purpose" name="purpose" required>
        <label for="duty">所履行的职责 Duty served</label><input id="duty" name="duty" required>
        <label for="legal_basis">法律依据 Legal basis</label><input id="legal_basis" name="legal_basis" required>
        <div class="grid"><div><label for="period_start">使用期限自 From</label><input id="period_start" name="period_start" type="date"></div>
        <div><label for="period_end">至 Until</label><input id="period_end" name="period_end" type="date"></div></div>
        <button type="submit">提交申请 Submit</button></form>
        """
    }

    func requestPage(_ context: HaiheRequestContext, _ request: ShareRequest) async throws -> HTML {
        let subject = try await `guard`.subject(.sharingView, context)
        let now = clock.now()
        let calendar = try await store.calendar.calendar()
        let events = try await store.sharing.events(requestID: request.id)
        let entry = try? await api.entry(of: request)
        let csrf = Layout.csrfField(context.identity)
        let base = "/console/sharing/requests/\(request.id)"
        func allowed(_ action: Action, _ organization: String) -> Bool {
            AccessPolicy.decide(subject, action, on: PolicyObject(organizationID: organization)).isAllowed
        }
        let asProvider = allowed(.sharingAnswer, request.providerID)
        let asConsumer = allowed(.sharingApply, request.consumerID)
        let mayNegotiate = allowed(.sharingNegotiate, request.consumerID) || allowed(.sharingNegotiate, request.providerID)
        let fieldBoxes: [HTML] = (request.fields.isEmpty ? (entry?.fields.map(\.name) ?? []) : request.fields).map {
            "<label><input type=\"checkbox\" name=\"fields\" value=\"\($0)\" checked> <span class=\"mono\">\($0)</span></label>"
        }
        var actions: [HTML] = []
        if asProvider && [.pending, .disputed, .refused].contains(request.status) {
            actions.append("""
            <form class="card" method="post" action="\(base)/approve">\(csrf)<h3>同意 Approve</h3><fieldset><legend>共享的信息项（可缩小）Fields (may narrow)</legend>\(fieldBoxes)</fieldset>
            <label for="period_end">使用期限至（可缩短）Until (may shorten)</label><input id="period_end" name="period_end" type="date"><button type="submit">同意 Approve</button></form>
            """)
        }
        if asProvider && request.status == .pending {
            actions.append("""
            <form class="card" method="post" action="\(base)/refuse">\(csrf)<h3>不同意 Refuse</h3>
            <label for="reason">理由 Reason</label><input id="reason" name="reason" required><label for="basis">依据（法律、法规、规章）Basis</label><input id="basis" name="basis" required>
            <button class="secondary" type="submit">不同意 Refuse</button></form>
            """)
        }
        if asConsumer && request.status == .refused {
            actions.append("<form class=\"card\" method=\"post\" action=\"\(base)/dispute\">\(csrf)<h3>提出异议 Dispute</h3><label for=\"dispute\">异议 Why</label><input id=\"dispute\" name=\"text\" required><button type=\"submit\">提出异议 Dispute</button></form>")
        }
        if mayNegotiate && ![.withdrawn, .decided].contains(request.status) {
            actions.append("<form class=\"card\" method=\"post\" action=\"\(base)/messages\">\(csrf)<h3>协商留言 Message</h3><label for=\"message\">内容 Text</label><input id=\"message\" name=\"text\" required><button class=\"secondary\" type=\"submit\">发送 Send</button></form>")
        }
        if mayNegotiate && (request.status == .disputed || request.status == .refused) && (asConsumer || asProvider) {
            actions.append("<form class=\"card\" method=\"post\" action=\"\(base)/arbitration\">\(csrf)<h3>提请监管部门决定 Ask the regulator to decide</h3><label for=\"arb\">理由 Why</label><input id=\"arb\" name=\"text\" required><button type=\"submit\">提请 Ask</button></form>")
        }
        if allowed(.sharingArbitrate, request.providerID) && (request.status == .arbitration || request.status == .disputed) {
            let choices: [HTML] = ShareRequest.Decision.allCases.map { "<label><input type=\"radio\" name=\"decision\" value=\"\($0.rawValue)\" required> \($0.labelZH) \($0.rawValue)</label>" }
            actions.append("""
            <form class="card" method="post" action="\(base)/decision">\(csrf)<h3>裁决 Decide (final)</h3>\(choices)
            <fieldset><legend>部分共享的信息项 Fields for sharing in part</legend>\(fieldBoxes)</fieldset>
            <label for="decision-reason">决定理由 Reasons</label><input id="decision-reason" name="text" required><button type="submit">作出决定 Decide</button></form>
            """)
        }
        if asConsumer && [.pending, .refused, .disputed].contains(request.status) {
            actions.append("<form class=\"inline\" method=\"post\" action=\"\(base)/withdraw\">\(csrf)<button class=\"secondary\" type=\"submit\">撤回申请 Withdraw</button></form>")
        }
        let timeline: [HTML] = events.map { event in
            let detail = event.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "<tr><td>\(WorkingCalendar.beijingText(event.at))</td><td>\(event.kind.rawValue)</td><td class=\"mono\">\(event.actorOrganizationID ?? "平台 platform")</td><td>\(event.text ?? "")<br><span class=\"muted\">\(detail)</span></td></tr>"
        }
        let overdue: HTML = request.isOverdue(at: now) ? "<div class=\"error\" role=\"alert\">已逾期未答复，已提交监管部门督办 Overdue; escalated to the regulator</div>" : ""
        let left: HTML = request.status == .pending && !request.isOverdue(at: now) ? "（剩 \(calendar.workingDaysLeft(at: now, until: request.deadline)) 个工作日 working days left）" : ""
        return Layout.page("共享申请 Share request — \(request.entryTitle)", identity: context.identity, """
        \(overdue)<section class="card"><div class="grid">
        <div><strong>状态 Status</strong><br>\(request.status.labelZH) \(request.status.rawValue)\(request.decision.map { " · " + $0.labelZH } ?? "")</div>
        <div><strong>目录 Entry</strong><br><span class="mono">\(request.resourceCode)</span></div>
        <div><strong>提供单位 Provider</strong><br><span class="mono">\(request.providerID)</span></div>
        <div><strong>申请单位 Consumer</strong><br><span class="mono">\(request.consumerID)</span></div>
        <div><strong>受理 Accepted</strong><br>\(WorkingCalendar.beijingText(request.acceptedAt))</div>
        <div><strong>答复期限 Deadline</strong><br>\(WorkingCalendar.beijingText(request.deadline)) \(left)</div>
        <div><strong>信息项 Fields</strong><br>\(request.fields.isEmpty ? "全部 all" : request.fields.joined(separator: ", "))</div>
        <div><strong>使用期限 Period</strong><br>\(Self.day(request.periodStart)) – \(Self.day(request.periodEnd))</div>
        </div><p><strong>用途 Purpose:</strong> \(request.purpose)<br><strong>职责 Duty:</strong> \(request.duty)<br><strong>依据 Legal basis:</strong> \(request.legalBasis)</p>
        \(request.refusalReason.map { "<p><strong>不同意理由 Refusal:</strong> \($0)<br><strong>依据 Basis:</strong> \(request.refusalBasis ?? "")</p>" } ?? "")
        </section>
        \(actions)
        <h2>时间线 Timeline</h2><table><thead><tr><th>时间 At</th><th>步骤 Step</th><th>单位 By</th><th>内容 Text</th></tr></thead><tbody>\(timeline)</tbody></table>
        """)
    }

    func calendarPage(_ context: HaiheRequestContext, query: [String: String], notice: String?) async throws -> HTML {
        let overview = try await calendarAPI.overview()
        let rows: [HTML] = overview.years.map { "<tr><td>\($0.year)</td><td>\($0.holidays)</td><td>\($0.workdays)</td><td>\($0.source)</td><td>\($0.loadedBy ?? "")</td></tr>" }
        var result: HTML = ""
        if let accepted = query["accepted"], !accepted.isEmpty, let instant = WorkingCalendar.parseInstant(accepted) {
            let days = Int(query["working_days"] ?? "") ?? SharingStore.answerWorkingDays
            let deadline = CalendarAPI.deadline(accepted: instant, workingDays: min(max(days, 0), 366), calendar: try await store.calendar.calendar())
            result = "<p class=\"notice\" role=\"status\">受理 \(deadline.accepted) 起 \(deadline.workingDays) 个工作日，期限为 <strong>\(deadline.deadline)</strong>\(deadline.unscheduledYears.isEmpty ? "" : "（\(deadline.unscheduledYears.map(String.init).joined(separator: "、")) 年尚无节假日安排，仅按周末计算）")</p>"
        }
        let mayLoad = AccessPolicy.decide(context.identity?.subject, .calendarManage).isAllowed
        let load: HTML = mayLoad ? """
            <h2>载入年度安排 Load a year's schedule</h2>
            <form class="card" method="post" action="/console/calendar">\(Layout.csrfField(context.identity))
            <label for="schedule">JSON 或 CSV（date,kind,name）JSON or CSV</label>
            <textarea id="schedule" name="schedule" rows="8" style="width:100%" required placeholder="date,kind,name&#10;2027-01-01,holiday,元旦"></textarea>
            <button type="submit">载入 Load</button></form>
            """ : ""
        return Layout.page("工作日历 Working-day calendar", identity: context.identity, notice: notice, error: overview.warningZh.map { "\($0) / \(overview.warningEn ?? "")" }, """
        <p>期限按《条例》计算：受理当日不计，截至第 N 个工作日 23:59:59（北京时间）。Deadlines: the day of acceptance is not counted; the period ends at 23:59:59 Beijing time on the N-th working day.</p>
        <form class="card" method="get" action="/console/calendar"><div class="grid">
        <div><label for="accepted">受理时间 Accepted</label><input id="accepted" name="accepted" value="\(query["accepted"] ?? "")" placeholder="2026-09-30T10:00"></div>
        <div><label for="working_days">工作日 Working days</label><input id="working_days" name="working_days" value="\(query["working_days"] ?? "2")"></div></div>
        <button type="submit">计算期限 Compute</button></form>\(result)
        <h2>已载入的年度 Years loaded</h2>
        <table><thead><tr><th>年 Year</th><th>放假日 Holidays</th><th>调休上班 Make-up days</th><th>来源 Source</th><th>载入 By</th></tr></thead><tbody>\(rows)</tbody></table>
        \(load)
        """)
    }

    func verifyPage(_ context: HaiheRequestContext, certificate: String?, result: Certificate.Verification?) -> HTML {
        var outcome: HTML = ""
        if let result {
            let facts: HTML = result.certificate.map { c in
                """
                <table><tbody><tr><th>交付 Delivery</th><td class="mono">\(c.deliveryID)</td></tr><tr><th>目录 Entry</th><td>\(c.entryTitle) <span class="mono">\(c.resourceCode)</span> 第\(c.version)版</td></tr>
                <tr><th>接收单位 Recipient</th><td>\(c.recipientOrganizationName)</td></tr><tr><th>用途 Purpose</th><td>\(c.purpose ?? "—")</td></tr>
                <tr><th>行数 Rows</th><td>\(c.rowCount)</td></tr><tr><th>SHA-256</th><td class="mono">\(c.contentSHA256)</td></tr>
                <tr><th>签发时间 Issued</th><td>\(WorkingCalendar.beijingText(c.issuedAt))</td></tr><tr><th>签发节点 Issuer</th><td class="mono">\(c.issuer)</td></tr></tbody></table>
                """
            } ?? ""
            outcome = "<div class=\"\(result.isValid ? "notice" : "error")\" role=\"status\">\(result.messageZH) / \(result.messageEN)</div>\(facts)"
        }
        let csrf = context.identity?.csrfToken.map { "?_csrf=" + $0 } ?? ""
        return Layout.page("凭证核验 Verify a certificate", identity: context.identity, """
        <p>通过共享平台获取的文书、证照、合同类数据与纸质文书具有同等效力（《条例》第十九条）。粘贴凭证，可同时选择文件核对内容。Paste a certificate; add the file to check its content too.</p>
        \(outcome)
        <form class="card" method="post" enctype="multipart/form-data" action="/verify\(csrf)">
        <label for="certificate">凭证 Certificate (JWS)</label><textarea id="certificate" name="certificate" rows="5" style="width:100%" required>\(certificate ?? "")</textarea>
        <label for="file">文件（可选）File (optional)</label><input id="file" name="file" type="file">
        <button type="submit">核验 Verify</button></form>
        <p class="muted">接口 API: <code>POST /api/v1/verify</code> · 公钥 public key: <code>GET /api/v1/certificates/public-key</code> · 命令行 CLI: <code>haihe verify CERT [FILE]</code></p>
        """)
    }

    static func accessLabel(_ access: SharingPolicy.Access?) -> String {
        guard let access else { return "需申请 Apply" }
        switch access.basis {
        case .own: return "本单位 Own"
        case .unconditional: return "可直接获取 Available"
        case .grant: return "已授权至 Granted until \(day(access.grant!.endsAt))"
        }
    }

    static func day(_ date: Date) -> String { CivilDay(instant: date).description }
}

enum SHA256File {
    /// The SHA-256 of a file, read in chunks.
    static func hex(path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(data: chunk) }
        return hash.finalize().hexString
    }
}
