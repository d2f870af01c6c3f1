import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The console side of conditional open data (Art. 23): "my applications" with status, deadline and the answer for
/// the applicant, who may withdraw a pending one; the applications a provider received, with approve and refuse
/// forms, answered within two working days (the regulator and auditors see all). The steps are the API's.
struct OpenApplicationConsole: Sendable {
    let store: Store
    let `guard`: Guard
    let openData: OpenDataAPI

    func addRoutes(to router: Router<HaiheRequestContext>) {
        let web = router.group().add(middleware: WebErrorMiddleware())
        web.route(.get, "/console/applications", .openDataApplications, guard: `guard`) { request, context -> HTML in
            try await page(request, context)
        }
        web.route(.post, "/console/applications/{id}/approve", .openDataAnswer, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            _ = try await openData.approve(try context.parameters.require("id"), until: form["until"], terms: form["terms"], context)
            return redirect(to: "/console/applications?answered=1")
        }
        web.route(.post, "/console/applications/{id}/refuse", .openDataAnswer, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            _ = try await openData.refuse(try context.parameters.require("id"), reason: form["reason"], basis: form["basis"], context)
            return redirect(to: "/console/applications?answered=1")
        }
        web.route(.post, "/console/applications/{id}/withdraw", .openDataApply, guard: `guard`) { _, context -> Response in
            _ = try await openData.withdraw(try context.parameters.require("id"), context)
            return redirect(to: "/console/applications?withdrawn=1")
        }
    }

    func page(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let subject = try await `guard`.subject(.openDataApplications, context)
        let now = openData.clock.now()
        let calendar = try await store.calendar.calendar()
        let csrf = Layout.csrfField(context.identity)
        func due(_ application: OpenApplication) -> HTML {
            let day = CivilDay(instant: application.deadline).description
            guard application.status == .pending else { return "\(day)" }
            if application.isOverdue(at: now) { return "\(day) <strong class=\"late\">已逾期 overdue</strong>" }
            return "\(day)<br><small>剩余 \(calendar.workingDaysLeft(at: now, until: application.deadline)) 个工作日 working days left</small>"
        }
        func answer(_ application: OpenApplication) -> HTML {
            switch application.status {
            case .approved:
                let until = application.accessUntil.map { CivilDay(instant: $0).description } ?? ""
                let state: HTML = application.isInForce(at: now) ? "" : " <span class=\"muted\">（已到期 expired）</span>"
                let terms: HTML = application.terms.map { "<br>条件 Terms: \($0)" as HTML } ?? ""
                return "<strong>已同意 approved</strong>，有效期至 until \(until)\(state)\(terms)"
            case .refused:
                return "<strong>不同意 refused</strong><br>理由 Reason: \(application.refusalReason ?? "")<br>依据 Basis: \(application.refusalBasis ?? "")"
            case .withdrawn: return "已撤回 withdrawn"
            case .pending: return "待答复 pending"
            }
        }
        let dataset: (OpenApplication) -> HTML = { "<a href=\"/datasets/\($0.resourceCode)\">\($0.entryTitle)</a><br><code>\($0.resourceCode)</code>" }

        let mine = try await store.openApplications.list(applicantUserID: subject.userID)
        let mineRows: [HTML] = mine.map { application in
            let withdraw: HTML = application.status == .pending ? """
            <form class="inline" method="post" action="/console/applications/\(application.id)/withdraw">\(csrf)<button class="secondary" type="submit">撤回 Withdraw</button></form>
            """ : ""
            return """
            <tr><td>\(dataset(application))</td><td>\(application.purpose)<br><small>\(application.intendedUse)</small></td>\
            <td>\(CivilDay(instant: application.acceptedAt).description)</td><td>\(due(application))</td><td>\(answer(application)) \(withdraw)</td></tr>
            """
        }
        var sections: [HTML] = ["""
        <section class="card"><h2>我的申请 My applications</h2>
        \(mine.isEmpty ? HTML(raw: "<p class=\"muted\">尚无申请。有条件开放的数据集页面上可以申请。 No applications yet: apply on a conditionally open dataset's page.</p>") : HTML(raw: """
        <div class="scroll"><table><thead><tr><th>数据集 Dataset</th><th>用途 Purpose</th><th>受理 Accepted</th><th>答复期限 Due</th><th>答复 Answer</th></tr></thead>
        <tbody>\(mineRows.map(\.text).joined())</tbody></table></div>
        """))
        <p class="muted">获批后，用您的访问令牌（<a href="/console/api-keys">访问令牌 API keys</a>）在有效期内读取该数据集。 Once approved, your API key reads the dataset until the period ends.</p></section>
        """]

        // Providers (their organisation's) and oversight (all) see what was received.
        if let (received, oversees) = try await openData.received(context) {
            let rows: [HTML] = received.map { application in
                let cell: HTML
                if application.status == .pending,
                   AccessPolicy.decide(subject, .openDataAnswer, on: PolicyObject(organizationID: application.providerID)).isAllowed {
                    let id = application.id
                    cell = """
                    <form method="post" action="/console/applications/\(id)/approve">\(csrf)<label for="u-\(id)">有效期至 Until</label>\
                    <input id="u-\(id)" name="until" type="date" required><label for="t-\(id)">条件 Terms</label><input id="t-\(id)" name="terms" maxlength="2000">\
                    <button type="submit">同意 Approve</button></form>
                    <form method="post" action="/console/applications/\(id)/refuse">\(csrf)<label for="r-\(id)">理由 Reason</label>\
                    <input id="r-\(id)" name="reason" required maxlength="2000"><label for="b-\(id)">依据 Basis</label><input id="b-\(id)" name="basis" required maxlength="2000">\
                    <button class="secondary" type="submit">不同意 Refuse</button></form>
                    """
                } else {
                    cell = answer(application)
                }
                return """
                <tr><td>\(dataset(application))</td><td>\(application.applicantName)<br><code>\(application.identity)</code></td>\
                <td>\(application.purpose)<br><small>\(application.intendedUse)</small></td><td>\(CivilDay(instant: application.acceptedAt).description)</td>\
                <td>\(due(application))</td><td>\(cell)</td></tr>
                """
            }
            let pending = received.filter { $0.status == .pending }.count
            sections.append("""
            <section class="card"><h2>\(oversees ? "全部开放申请 All applications" : "收到的申请 Applications received")</h2>
            <p>待答复 \(pending) 件 · \(pending) pending. 提供单位应在两个工作日内答复；不同意须说明理由和依据（条例第二十三条）。 Providers answer within two working days; a refusal gives its reason and basis (Art. 23).</p>
            <div class="scroll"><table><thead><tr><th>数据集 Dataset</th><th>申请人 Applicant</th><th>用途 Purpose</th><th>受理 Accepted</th><th>答复期限 Due</th><th>答复 Answer</th></tr></thead>
            <tbody>\(rows)</tbody></table></div></section>
            """)
        }
        let notice: String? = request.uri.queryParameters["answered"] == "1" ? "答复已送达申请人。 The applicant has the answer."
            : request.uri.queryParameters["withdrawn"] == "1" ? "申请已撤回。 The application is withdrawn." : nil
        return Layout.page("开放申请 Open-data applications", identity: context.identity, notice: notice, HTML(raw: sections.map(\.text).joined()))
    }
}
