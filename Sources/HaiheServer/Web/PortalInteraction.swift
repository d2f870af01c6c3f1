import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The portal's 互动反馈 and 成果展示: on each dataset page its rating, comments and error reports with the provider's
/// answers, and the uses built on it; the data requests page; the showcase. Forms post and redirect (no script).
extension Portal {
    func addInteractionRoutes(to web: RouterGroup<HaiheRequestContext>) {
        web.route(.post, "/datasets/{id}/feedback", .feedbackSubmit, guard: `guard`) { request, context -> Response in
            let entry = try await openData.openEntry(context)
            let form = try await FormFields.from(request, context: context)
            let kind: Feedback.Kind = form["kind"] == Feedback.Kind.errorReport.rawValue ? .errorReport : .comment
            let rating = try form["rating"].flatMap { text -> Int? in
                guard !text.isEmpty else { return nil }
                guard let value = Int(text) else { throw HaiheError.invalid("feedback.rating", zh: "评分为 1 至 5 星", en: "A rating is 1 to 5 stars") }
                return value
            }
            // The form offers both a rating and a field; each belongs to one kind only.
            _ = try await interaction.submit(kind, entry: entry, providerID: nil, title: form["title"] ?? "", body: form["body"] ?? "",
                                             field: kind == .errorReport ? form["field"] : nil, rating: kind == .comment ? rating : nil, context)
            return redirect(to: "/datasets/\(entry.resourceCode)?sent=1#feedback")
        }
        web.route(.get, "/requests", .openDataRead, guard: `guard`) { request, context -> HTML in
            try await dataRequests(request, context)
        }
        web.route(.post, "/requests", .feedbackSubmit, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            _ = try await interaction.submit(.dataRequest, entry: nil, providerID: form["provider_id"], title: form["title"] ?? "", body: form["body"] ?? "",
                                             field: nil, rating: nil, context)
            return redirect(to: "/requests?sent=1")
        }
        web.route(.get, "/showcase", .openDataRead, guard: `guard`) { request, context -> HTML in
            try await showcase(request, context)
        }
        web.route(.post, "/showcase", .showcaseSubmit, guard: `guard`) { request, context -> Response in
            let form = try await FormFields.from(request, context: context)
            let datasets = (form["datasets"] ?? "").split(whereSeparator: { ",，、 \n".contains($0) }).map(String.init)
            _ = try await interaction.submitUseCase(kind: form["kind"], title: form["title"] ?? "", description: form["description"] ?? "",
                                                    url: form["url"] ?? "", byline: form["byline"], datasets: datasets, context)
            return redirect(to: "/showcase?sent=1")
        }
    }

    // MARK: On the dataset page

    /// Rating, the forms, the latest comments and error reports with their answers, and the uses of this dataset.
    func feedbackSection(_ entry: CatalogEntry, request: Request, context: HaiheRequestContext, _ lang: Language) async throws -> HTML {
        let (items, total) = try await store.feedback.list(.init(entryID: entry.entryID, limit: 20))
        let rating = try await store.feedback.rating(entryID: entry.entryID)
        let views = try await interaction.publicViews(items)
        let stars: HTML = rating.average.map { average in
            "<p><span class=\"stars\" aria-hidden=\"true\">\(String(repeating: "★", count: Int(average.rounded())) + String(repeating: "☆", count: 5 - Int(average.rounded())))</span> \(String(format: "%.1f", average)) / 5 · \(lang.t("\(rating.count) 人评分", "\(rating.count) ratings"))</p>"
        } ?? "<p>\(lang.t("尚无评分", "No ratings yet"))</p>"
        let sent: HTML = request.uri.queryParameters["sent"] == "1"
            ? "<p class=\"notice\" role=\"status\">\(lang.t("已收到，提供单位将在五个工作日内答复，答复会显示在这里。", "Received: the provider answers within five working days, and the answer appears here."))</p>" : ""
        let form: HTML
        if let identity = context.identity {
            let fieldOptions: [HTML] = entry.fields.map { "<option value=\"\($0.name)\">\($0.labelZH) (\($0.name))</option>" }
            let ratingOptions: [HTML] = (1...5).reversed().map { "<option value=\"\($0)\">\(String(repeating: "★", count: $0))</option>" }
            form = """
            <form method="post" action="/datasets/\(entry.resourceCode)/feedback" class="card">\(Layout.csrfField(identity))
            <fieldset><legend>\(lang.t("评价或纠错", "Rate, comment or report an error"))</legend>
            <label><input type="radio" name="kind" value="comment" checked> \(lang.t("评论", "Comment"))</label>
            <label><input type="radio" name="kind" value="error_report"> \(lang.t("纠错", "Report an error"))</label></fieldset>
            <label for="fb-rating">\(lang.t("评分（评论可选）", "Rating (comments, optional)"))</label><select id="fb-rating" name="rating"><option value="">—</option>\(ratingOptions)</select>
            <label for="fb-field">\(lang.t("有误的数据项（纠错可选）", "Field in error (optional)"))</label><select id="fb-field" name="field"><option value="">—</option>\(fieldOptions)</select>
            <label for="fb-body">\(lang.t("内容", "Text"))</label><textarea id="fb-body" name="body" rows="3" maxlength="4000"></textarea>
            <p><button type="submit">\(lang.t("提交", "Send"))</button></p></form>
            """
        } else {
            form = "<p><a href=\"/login?next=/datasets/\(entry.resourceCode)\">\(lang.t("登录", "Sign in"))</a>\(lang.t("后可评分、评论或纠错。", " to rate, comment or report an error."))</p>"
        }
        let list: [HTML] = views.map { feedbackItem($0, lang, showDataset: false) }
        let uses = try await interaction.publicUseCases(try await store.showcase.list(status: .published, entryID: entry.entryID, limit: 20))
        let useItems: [HTML] = uses.map { useCaseItem($0, lang) }
        return """
        <h2 id="feedback">\(lang.t("评价与反馈", "Ratings and feedback"))</h2>\(sent)\(stars)\(form)
        \(list.isEmpty ? HTML(raw: "") : "<ul class=\"feedback\">\(list)</ul>")\(total > list.count ? HTML(raw: "<p><a href=\"/api/v1/datasets/\(entry.resourceCode)/feedback?limit=500\">\(lang.t("全部 \(total) 条", "All \(total)"))</a></p>") : "")
        <h2>\(lang.t("应用成果", "Uses of this data"))</h2>\(useItems.isEmpty ? HTML(raw: "<p>\(lang.t("尚无展示的应用。", "No uses shown yet.")) <a href=\"\(lang.link("/showcase", [("dataset", entry.resourceCode)]))#submit\">\(lang.t("提交您的成果", "Submit yours"))</a></p>") : "<ul class=\"feedback\">\(useItems)</ul>")
        """
    }

    func feedbackItem(_ item: InteractionAPI.PublicFeedback, _ lang: Language, showDataset: Bool) -> HTML {
        let label = lang.t(item.kind.labelZH, item.kind.rawValue.replacingOccurrences(of: "_", with: " "))
        let rating: HTML = item.rating.map { "<span class=\"stars\" aria-label=\"\($0)/5\">\(String(repeating: "★", count: $0))</span> " } ?? ""
        let dataset: HTML = showDataset
            ? (item.dataset.map { "<a href=\"\(lang.link("/datasets/\($0)"))\">\(item.datasetTitle ?? $0)</a> · " } ?? "") : ""
        let state: HTML
        if let answer = item.answer, let resolution = item.resolution {
            state = """
            <div class="answer"><strong>\(lang.english ? item.answeredByOrganizationEn ?? "" : item.answeredByOrganization ?? "")\(lang.t("答复", " answered")) · \(lang.t(resolution.labelZH, resolution.rawValue.replacingOccurrences(of: "_", with: " ")))</strong> \
            (\(item.answeredAt.map { CivilDay(instant: $0).description } ?? ""))<br>\(answer)</div>
            """
        } else {
            state = "<div class=\"meta\">\(lang.t("待答复", "awaiting an answer")) · \(lang.english ? item.answeredByOrganizationEn ?? "" : item.answeredByOrganization ?? "") · \(lang.t("答复期限", "due")) \(CivilDay(instant: item.deadline).description)\(item.overdue ? HTML(raw: " · <strong>\(lang.t("已逾期", "overdue"))</strong>") : "")</div>"
        }
        return """
        <li><div class="meta"><span class="badge">\(label)</span>\(dataset)\(item.author) · \(CivilDay(instant: item.createdAt).description)\(item.field.map { " · \(lang.t("数据项", "field")) \($0)" } ?? "")</div>\
        \(item.title.isEmpty ? "" : HTML(raw: "<strong>\(HTML.escape(item.title))</strong><br>"))\(rating)\(item.body)\(state)</li>
        """
    }

    func useCaseItem(_ item: InteractionAPI.PublicUseCase, _ lang: Language) -> HTML {
        let datasets: [HTML] = item.datasets.map { "<a href=\"\(lang.link("/datasets/\($0.resourceCode)"))\">\($0.title)</a>" }
        return """
        <li><div class="meta"><span class="badge">\(lang.t(item.kind.labelZH, item.kind.rawValue))</span>\(item.byline ?? "") · \(CivilDay(instant: item.createdAt).description)</div>\
        <strong><a href="\(item.url)" rel="nofollow noopener">\(item.title)</a></strong><br>\(item.description)\
        <div class="meta">\(lang.t("使用数据", "Uses")): \(HTML(raw: datasets.map(\.text).joined(separator: "、")))</div></li>
        """
    }

    // MARK: Data requests and the showcase

    func dataRequests(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let lang = Language(request)
        let pageNumber = max(1, min(Int(request.uri.queryParameters["page"] ?? "") ?? 1, 10_000))
        let (items, total) = try await store.feedback.list(.init(kind: .dataRequest, limit: 20, offset: (pageNumber - 1) * 20))
        let views = try await interaction.publicViews(items)
        let sent: HTML = request.uri.queryParameters["sent"] == "1"
            ? "<p class=\"notice\" role=\"status\">\(lang.t("需求已收到，将在五个工作日内答复。", "Your request is received; it is answered within five working days."))</p>" : ""
        let form: HTML
        if let identity = context.identity {
            let departments = try await store.organizations.list().filter { $0.kind.isGovernment }.sorted { $0.nameZH < $1.nameZH }
            let options: [HTML] = departments.map { "<option value=\"\($0.id)\">\(lang.english ? $0.nameEN ?? $0.nameZH : $0.nameZH)</option>" }
            form = """
            <form method="post" action="/requests" class="card">\(Layout.csrfField(identity))
            <label for="dr-title">\(lang.t("需要什么数据", "What data do you need"))</label><input id="dr-title" name="title" maxlength="200" required>
            <label for="dr-body">\(lang.t("用途与说明（所需数据项、范围、更新频率）", "Purpose and details (fields, coverage, frequency)"))</label><textarea id="dr-body" name="body" rows="4" maxlength="4000" required></textarea>
            <label for="dr-provider">\(lang.t("可能掌握该数据的部门（可不选，由监管部门答复）", "Department that may hold it (optional; otherwise the regulator answers)"))</label>\
            <select id="dr-provider" name="provider_id"><option value="">—</option>\(options)</select>
            <p><button type="submit">\(lang.t("提交需求", "Send request"))</button></p></form>
            """
        } else {
            form = "<p><a href=\"/login?next=/requests\">\(lang.t("登录", "Sign in"))</a>\(lang.t("后可提交数据需求。", " to ask for data."))</p>"
        }
        let list: [HTML] = views.map { feedbackItem($0, lang, showDataset: false) }
        let pages = max(1, (total + 19) / 20)
        let pager: HTML = pages > 1 ? """
        <nav class="pager" aria-label="\(lang.t("分页", "Pages"))">\(pageNumber > 1 ? HTML(raw: "<a href=\"\(lang.link("/requests", [("page", String(pageNumber - 1))]))\">\(lang.t("上一页", "Previous"))</a>") : "")\
        <span>\(pageNumber) / \(pages)</span>\(pageNumber < pages ? HTML(raw: "<a href=\"\(lang.link("/requests", [("page", String(pageNumber + 1))]))\">\(lang.t("下一页", "Next"))</a>") : "")</nav>
        """ : ""
        return page(lang.t("数据需求", "Data requests"), lang, request: request, identity: context.identity, """
        <h1>\(lang.t("数据需求", "Data requests"))</h1>
        <p>\(lang.t("尚未开放而您需要的数据，可在此提出；相关部门的答复公开显示。", "Ask for data that is not open yet; the departments' answers are shown here for everyone."))</p>
        \(sent)\(form)<p>\(lang.t("共 \(total) 条", "\(total) requests"))</p><ul class="feedback">\(list)</ul>\(pager)
        """)
    }

    func showcase(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let lang = Language(request)
        let uses = try await interaction.publicUseCases(try await store.showcase.list(status: .published))
        let sent: HTML = request.uri.queryParameters["sent"] == "1"
            ? "<p class=\"notice\" role=\"status\">\(lang.t("已提交，审核通过后展示。", "Submitted: it is shown once reviewed."))</p>" : ""
        let form: HTML
        if let identity = context.identity {
            let kinds: [HTML] = UseCase.Kind.allCases.map { "<option value=\"\($0.rawValue)\">\(lang.t($0.labelZH, $0.rawValue))</option>" }
            form = """
            <form method="post" action="/showcase" class="card" id="submit">\(Layout.csrfField(identity))
            <label for="uc-title">\(lang.t("名称", "Title"))</label><input id="uc-title" name="title" maxlength="200" required>
            <label for="uc-kind">\(lang.t("类型", "Kind"))</label><select id="uc-kind" name="kind">\(kinds)</select>
            <label for="uc-url">\(lang.t("访问地址", "Address (http/https)"))</label><input id="uc-url" name="url" type="url" required>
            <label for="uc-byline">\(lang.t("开发单位或团队", "Organisation or team"))</label><input id="uc-byline" name="byline" maxlength="200">
            <label for="uc-datasets">\(lang.t("使用的数据集（资源代码，逗号分隔）", "Datasets used (resource codes, comma-separated)"))</label>\
            <input id="uc-datasets" name="datasets" value="\(request.uri.queryParameters["dataset"].map(String.init) ?? "")" required>
            <label for="uc-description">\(lang.t("简介", "Description"))</label><textarea id="uc-description" name="description" rows="4" maxlength="4000" required></textarea>
            <p><button type="submit">\(lang.t("提交成果", "Submit"))</button></p></form>
            """
        } else {
            form = "<p id=\"submit\"><a href=\"/login?next=/showcase\">\(lang.t("登录", "Sign in"))</a>\(lang.t("后可提交您利用开放数据做的应用、分析或服务。", " to submit an app, analysis or service you built on open data."))</p>"
        }
        let items: [HTML] = uses.map { useCaseItem($0, lang) }
        return page(lang.t("应用成果", "Showcase"), lang, request: request, identity: context.identity, """
        <h1>\(lang.t("应用成果", "Showcase"))</h1>
        <p>\(lang.t("公民、法人和其他组织利用开放数据创新的产品和服务（第二十六条），经审核后展示。", "Products and services built on open data by citizens and organisations (Art. 26), shown after review."))</p>
        \(sent)<ul class="feedback">\(items)</ul>\(form)
        """)
    }
}
