import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The console side of 互动反馈 and 成果展示: a department's inbox of data requests, error reports and comments
/// (pending first, by deadline) with an answer form for each; the regulator's desk and review of submitted uses;
/// for everyone else, what they sent and the answers.
struct InteractionConsole: Sendable {
    let store: Store
    let `guard`: Guard
    let interaction: InteractionAPI

    func addRoutes(to router: Router<HaiheRequestContext>) {
        let web = router.group().add(middleware: WebErrorMiddleware())
        web.route(.get, "/console/feedback", .feedbackView, guard: `guard`) { request, context -> HTML in
            try await feedbackPage(request, context)
        }
        web.route(.post, "/console/feedback/{id}/answer", .feedbackAnswer, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            _ = try await interaction.answer(try context.parameters.require("id"), resolution: form["resolution"], text: form["answer"], context)
            return redirect(to: "/console/feedback?answered=1")
        }
        web.route(.get, "/console/showcase", .showcaseView, guard: `guard`) { request, context -> HTML in
            try await showcasePage(request, context)
        }
        web.route(.post, "/console/showcase/{id}/review", .showcaseReview, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            _ = try await interaction.review(try context.parameters.require("id"), decision: form["decision"], note: form["note"], context)
            return redirect(to: "/console/showcase?reviewed=1")
        }
    }

    func feedbackPage(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let subject = try await `guard`.subject(.feedbackView, on: PolicyObject(userID: context.identity?.user.id), context)
        let answers = AccessPolicy.decide(subject, .feedbackAnswer).isAllowed
        // Departments and oversight see their inbox (oversight: everything); everyone else what they sent.
        let inbox = subject.roles.contains(.provider) || AccessPolicy.decide(subject, .feedbackView, on: SharingAPI.everyOrganization).isAllowed
        let filter: FeedbackStore.Filter = inbox ? try await interaction.inbox(context, kind: nil, limit: 200, offset: 0)
                                                 : .init(authorUserID: subject.userID, limit: 200)
        let (items, total) = try await store.feedback.list(filter)
        let organizations = Dictionary(uniqueKeysWithValues: try await store.organizations.list().map { ($0.id, $0) })
        let now = Date()
        let csrf = Layout.csrfField(context.identity)
        let rows: [HTML] = items.map { item in
            let answerCell: HTML
            if let answer = item.answer, let resolution = item.resolution {
                answerCell = "<strong>\(resolution.labelZH)</strong> \(item.answeredAt.map { CivilDay(instant: $0).description } ?? "")<br>\(answer)"
            } else if answers, AccessPolicy.decide(subject, .feedbackAnswer, on: PolicyObject(organizationID: item.providerID ?? "*")).isAllowed {
                let options: [HTML] = Feedback.Resolution.allCases.filter { $0.kind == item.kind }.map { "<option value=\"\($0.rawValue)\">\($0.labelZH) \($0.rawValue)</option>" }
                answerCell = """
                <form method="post" action="/console/feedback/\(item.id)/answer">\(csrf)<label for="r-\(item.id)">结果 Resolution</label>\
                <select id="r-\(item.id)" name="resolution">\(options)</select><label for="a-\(item.id)">答复 Answer</label>\
                <textarea id="a-\(item.id)" name="answer" rows="2" maxlength="4000" required></textarea><button type="submit">答复 Answer</button></form>
                """
            } else {
                answerCell = "待答复 pending"
            }
            let late: HTML = item.isOverdue(at: now) ? " <strong class=\"late\">已逾期 overdue</strong>" : ""
            let about: HTML = item.resourceCode.map { "<a href=\"/datasets/\($0)\">\(item.entryTitle ?? $0)</a>" } ?? "—"
            return """
            <tr><td>\(item.kind.labelZH)<br><code>\(item.kind.rawValue)</code></td><td>\(about)</td>\
            <td>\(item.title.isEmpty ? "" : HTML(raw: "<strong>\(HTML.escape(item.title))</strong><br>"))\(item.rating.map { String(repeating: "★", count: $0) + " " } ?? "")\(item.body)\
            \(item.field.map { " (数据项 \($0))" } ?? "")<br><small>\(item.authorName) · \(CivilDay(instant: item.createdAt).description)</small></td>\
            <td>\((item.answeredByOrganization ?? item.providerID).flatMap { organizations[$0]?.nameZH } ?? "监管部门 regulator")</td><td>\(CivilDay(instant: item.deadline).description)\(late)</td><td>\(answerCell)</td></tr>
            """
        }
        let notice = request.uri.queryParameters["answered"] == "1" ? "答复已发布，公众可在门户看到。 The answer is published on the portal." : nil
        let title = inbox ? "互动反馈 Feedback inbox" : "我的反馈 My feedback"
        return Layout.page(title, identity: context.identity, notice: notice, """
        <p>共 \(total) 条 · \(total) items. 答复期限为五个工作日 (answers are due within five working days). <a href="/requests">数据需求（门户） Data requests on the portal</a></p>
        <div class="scroll"><table><thead><tr><th>类型 Kind</th><th>数据集 Dataset</th><th>内容 Text</th><th>答复部门 Answered by</th><th>期限 Due</th><th>答复 Answer</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        """)
    }

    func showcasePage(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let reviews = AccessPolicy.decide(context.identity?.subject, .showcaseReview).isAllowed
        let waiting = try await store.showcase.list(status: .pending)
        let pending = try await interaction.publicUseCases(waiting)
        let submitters = Dictionary(uniqueKeysWithValues: waiting.map { ($0.id, $0.submitterName) })
        let csrf = Layout.csrfField(context.identity)
        let rows: [HTML] = pending.map { item in
            let datasets: [HTML] = item.datasets.map { "<a href=\"/datasets/\($0.resourceCode)\">\($0.title)</a> " }
            return """
            <tr><td>\(item.kind.labelZH)</td><td><strong>\(item.title)</strong><br>\(item.description)<br><a href="\(item.url)" rel="nofollow noopener">\(item.url)</a></td>\
            <td>\(item.byline ?? "")<br><small>\(submitters[item.id] ?? "")</small></td><td>\(datasets)</td>\
            <td>\(reviews ? HTML(raw: """
            <form method="post" action="/console/showcase/\(item.id)/review">\(csrf.text)<label for="n-\(item.id)">意见 Note</label>\
            <input id="n-\(item.id)" name="note" maxlength="1000"><button type="submit" name="decision" value="publish">展示 Publish</button> \
            <button class="secondary" type="submit" name="decision" value="reject">不予展示 Reject</button></form>
            """) : "待审核 pending")</td></tr>
            """
        }
        let notice = request.uri.queryParameters["reviewed"] == "1" ? "审核已完成。 Reviewed." : nil
        return Layout.page("成果审核 Showcase review", identity: context.identity, notice: notice, """
        <p>待审核 \(pending.count) 项 · \(pending.count) waiting. 展示的成果见 <a href="/showcase">/showcase</a>.</p>
        <div class="scroll"><table><thead><tr><th>类型 Kind</th><th>成果 Use</th><th>提交者 By</th><th>数据集 Datasets</th><th>审核 Review</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        """)
    }
}
