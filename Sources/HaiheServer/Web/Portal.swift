import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// 开放平台门户 (Art. 20–25): what citizens, companies and app developers see. Server-rendered, Chinese first with an
/// English switch (`?lang=en`), no JavaScript: search and facets are links and GET forms, charts are SVG.
struct Portal: Sendable {
    let store: Store
    let `guard`: Guard
    let openData: OpenDataAPI
    let interaction: InteractionAPI

    /// The page's language: Chinese unless `lang=en`.
    struct Language: Sendable {
        let english: Bool
        init(_ request: Request) { english = request.uri.queryParameters["lang"] == "en" }
        func t(_ zh: String, _ en: String) -> String { english ? en : zh }
        var code: String { english ? "en" : "zh-CN" }
        /// A link within the portal that keeps the language.
        func link(_ path: String, _ parameters: [(String, String)] = []) -> String {
            let all = parameters + (english ? [("lang", "en")] : [])
            guard !all.isEmpty else { return path }
            return path + "?" + all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        }
    }

    static let css = """
    *{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1b1f24;background:#fff}
    a{color:#0a5c86}a:focus,button:focus,input:focus,select:focus{outline:3px solid #f0b400;outline-offset:1px}
    header{background:#0b4f6c;color:#fff;padding:.7rem 1rem;display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:center}
    header a{color:#fff;text-decoration:none}header .brand{font-weight:700;font-size:1.2rem}header nav{display:flex;flex-wrap:wrap;gap:1rem;flex:1}
    main{max-width:74rem;margin:0 auto;padding:1rem}h1{font-size:1.6rem;margin:.4rem 0 .8rem}h2{font-size:1.2rem;margin:1.4rem 0 .6rem}
    .search{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}.search input{flex:1;min-width:14rem;font:inherit;padding:.55rem;border:1px solid #57606a;border-radius:6px}
    button{font:inherit;padding:.5rem 1rem;border:0;border-radius:6px;background:#0b4f6c;color:#fff;cursor:pointer}
    .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.6rem;padding:0;list-style:none}
    .tiles a{display:block;padding:.8rem;border:1px solid #d0d7de;border-radius:8px;text-decoration:none;background:#f6f8fa}.tiles strong{display:block;font-size:1.5rem;color:#0b4f6c}
    .layout{display:grid;grid-template-columns:15rem 1fr;gap:1.4rem}@media(max-width:760px){.layout{grid-template-columns:1fr}}
    .facets h3{font-size:.95rem;margin:.8rem 0 .3rem}.facets ul{list-style:none;padding:0;margin:0}.facets li a{text-underline-offset:2px}.facets .on{font-weight:700}
    .result{border-bottom:1px solid #d0d7de;padding:.7rem 0}.result h3{margin:0 0 .2rem;font-size:1.1rem}.meta{color:#57606a;font-size:.9rem}
    .badge{display:inline-block;border:1px solid #0b4f6c;border-radius:999px;padding:0 .5rem;font-size:.8rem;margin-right:.3rem}
    table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#eef1f4}
    .scroll{overflow-x:auto}code,pre{font-family:ui-monospace,Menlo,monospace;font-size:.85rem}pre{background:#f6f8fa;padding:.7rem;overflow-x:auto;border-radius:6px}
    .figures{display:flex;flex-wrap:wrap;gap:1.5rem}.figures div{min-width:8rem}.figures strong{display:block;font-size:1.6rem;color:#0b4f6c}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}figure.chart{margin:0}figcaption{color:#57606a;font-size:.9rem}
    .pager{display:flex;gap:1rem;margin:1rem 0}.notice{background:#fff8c5;border:1px solid #d4a72c;padding:.6rem .8rem;border-radius:6px}
    ul.feedback{list-style:none;padding:0}ul.feedback li{border-top:1px solid #d0d7de;padding:.6rem 0}.answer{background:#eef6fb;border-left:3px solid #0b4f6c;padding:.4rem .6rem;margin-top:.4rem}
    .stars{color:#8a5a00;letter-spacing:.1em}form.card{border:1px solid #d0d7de;border-radius:6px;padding:.8rem;margin:.8rem 0;max-width:40rem}
    form.card input:not([type=radio]),form.card select,form.card textarea{width:100%;box-sizing:border-box}textarea{font:inherit;padding:.35rem;border:1px solid #57606a;border-radius:4px}
    fieldset{border:0;padding:0;margin:0 0 .5rem}fieldset label{display:inline;font-weight:400;margin-right:1rem}legend{font-weight:600}
    form.inline-filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}label{display:block;font-weight:600;font-size:.9rem}
    .sr{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}select,input{font:inherit;padding:.35rem;border:1px solid #57606a;border-radius:4px}footer{color:#57606a;font-size:.85rem;padding:2rem 1rem;text-align:center}
    """

    func page(_ title: String, _ lang: Language, request: Request, identity: Identity?, _ body: HTML) -> HTML {
        let query = request.uri.queryParameters.filter { $0.key != "lang" }.map { (String($0.key), String($0.value)) }
        let switchTo = lang.english ? request.uri.path + (query.isEmpty ? "" : "?" + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&"))
                                    : request.uri.path + "?" + (query + [("lang", "en")]).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let account: HTML = identity.map { "<a href=\"/console\">\($0.user.displayName)</a>" } ?? "<a href=\"/login\">\(lang.t("登录", "Sign in"))</a>"
        return """
        <!doctype html>
        <html lang="\(lang.code)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>\(title) · \(lang.t("天津市公共数据开放平台", "Tianjin Open Data"))</title><style>\(HTML(raw: Self.css))</style></head>
        <body><header><a class="brand" href="\(lang.link("/"))">\(lang.t("海河 · 天津公共数据开放", "Haihe · Tianjin Open Data"))</a>
        <nav aria-label="\(lang.t("主导航", "Main"))"><a href="\(lang.link("/datasets"))">\(lang.t("数据目录", "Datasets"))</a><a href="\(lang.link("/requests"))">\(lang.t("数据需求", "Data requests"))</a>\
        <a href="\(lang.link("/showcase"))">\(lang.t("应用成果", "Showcase"))</a><a href="/openapi.json">API</a><a href="/verify">\(lang.t("凭证核验", "Verify"))</a></nav>
        <a href="\(switchTo)" lang="\(lang.english ? "zh-CN" : "en")">\(lang.english ? "中文" : "English")</a> \(account)</header>
        <main id="main">\(body)</main>
        <footer>\(lang.t("依据《天津市促进大数据发展应用条例》第二十条至第二十五条开放，免费使用，请注明来源。", "Opened under Art. 20–25 of the Tianjin Regulation on Promoting Big Data Development and Application; free of charge; please cite the source."))</footer>
        </body></html>
        """
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        let web = router.group().add(middleware: WebErrorMiddleware())

        web.route(.get, "/", .openDataRead, guard: `guard`) { request, context -> HTML in
            try await home(request, context)
        }
        web.route(.get, "/datasets", .openDataRead, guard: `guard`) { request, context -> HTML in
            try await search(request, context)
        }
        web.route(.get, "/datasets/{id}", .openDataRead, guard: `guard`) { request, context -> HTML in
            try await dataset(request, context)
        }
        web.route(.post, "/datasets/{id}/apply", .openDataApply, guard: `guard`) { request, context -> Response in
            let user = try await `guard`.user(.openDataApply, context)
            let entry = try await openData.openEntry(context)
            let form = try await FormFields.from(request, context: context)
            _ = try await store.openApplications.submit(entry: entry, applicant: user, identity: form["identity"] ?? "", purpose: form["purpose"] ?? "",
                                                        intendedUse: form["intended_use"] ?? "", audit: context.auditDraft(.openDataApply), at: openData.clock.now())
            return redirect(to: "/datasets/\(entry.resourceCode)?applied=1")
        }
        addInteractionRoutes(to: web)
    }

    // MARK: Home

    func home(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let lang = Language(request)
        let all = try await store.catalog.list(CatalogQuery(catalog: .open, sort: CatalogSort(.published, descending: true), limit: 6))
        let domains = all.facets["domain"] ?? [:]
        let tiles: [HTML] = Domain.priority.map { domain in
            "<li><a href=\"\(lang.link("/datasets", [("domain", domain.rawValue)]))\"><strong>\(domains[domain.rawValue] ?? 0)</strong>\(lang.t(domain.labelZH, Self.english(domain.rawValue)))</a></li>"
        }
        let newest: [HTML] = all.entries.map { resultItem($0, lang) }
        let popular = try await mostUsed(limit: 6)
        let popularItems: [HTML] = popular.map { entry, downloads in
            "<li><a href=\"\(lang.link("/datasets/\(entry.resourceCode)"))\">\(lang.english ? entry.titleEN ?? entry.title : entry.title)</a> <span class=\"meta\">\(downloads) \(lang.t("次下载", "downloads"))</span></li>"
        }
        let providers = (all.facets["provider_id"] ?? [:]).count
        let rows = try await store.database.read { session in
            try await session.scalarInt("""
                SELECT COALESCE(SUM(v.rows_accepted), 0) FROM dataset_versions v
                JOIN catalog_entries e ON e.entry_id = v.entry_id AND e.status = 'published' AND e.open_type <> 'not_open'
                WHERE v.status = 'published'
                """) ?? 0
        }
        return page(lang.t("首页", "Home"), lang, request: request, identity: context.identity, """
        <h1>\(lang.t("天津市公共数据开放平台", "Tianjin public data, open to all"))</h1>
        <form class="search" method="get" action="/datasets" role="search"><label for="q" class="sr">\(lang.t("搜索数据集", "Search datasets"))</label>
        <input id="q" name="q" placeholder="\(lang.t("例如：企业、公交、空气质量", "e.g. enterprise, bus, air quality"))">\(lang.english ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
        <button type="submit">\(lang.t("搜索", "Search"))</button></form>
        <section class="figures" aria-label="\(lang.t("平台概况", "Platform figures"))"><div><strong>\(all.total)</strong>\(lang.t("个开放数据集", "open datasets"))</div>
        <div><strong>\(providers)</strong>\(lang.t("个提供单位", "providers"))</div><div><strong>\(rows)</strong>\(lang.t("行数据", "rows of data"))</div></section>
        <h2>\(lang.t("重点领域", "Priority domains (Art. 24)"))</h2><ul class="tiles">\(tiles)</ul>
        <div class="charts"><section><h2>\(lang.t("最新开放", "Newest"))</h2>\(newest)</section>
        <section><h2>\(lang.t("下载最多", "Most used"))</h2><ol>\(popularItems)</ol></section></div>
        """)
    }

    /// Datasets by downloads (the audited `opendata.download` events).
    func mostUsed(limit: Int) async throws -> [(CatalogEntry, Int)] {
        let rows = try await store.database.read { session in
            try await session.query("""
                SELECT object_id, COUNT(*) AS n FROM audit_events WHERE action = 'opendata.download' AND object_id IS NOT NULL
                GROUP BY object_id ORDER BY n DESC LIMIT \(limit)
                """)
        }
        var result: [(CatalogEntry, Int)] = []
        for row in rows {
            if let entry = try await store.catalog.findPublished(try row.string("object_id"), in: .open) { result.append((entry, try row.int("n"))) }
        }
        return result
    }

    func resultItem(_ entry: CatalogEntry, _ lang: Language) -> HTML {
        let title = lang.english ? entry.titleEN ?? entry.title : entry.title
        let updated = (entry.dataUpdatedAt ?? entry.publishedAt).map { CivilDay(instant: $0).description } ?? "—"
        let conditional: HTML = entry.openType == .conditional ? "<span class=\"badge\">\(lang.t("有条件开放", "conditional"))</span>" : ""
        return """
        <div class="result"><h3><a href="\(lang.link("/datasets/\(entry.resourceCode)"))">\(title)</a></h3>
        <div class="meta"><span class="badge">\(lang.t(entry.domain.labelZH, Self.english(entry.domain.rawValue)))</span>\(conditional)\(lang.t(entry.updateFrequency.labelZH, Self.english(entry.updateFrequency.rawValue))) · \(lang.t("更新于", "updated")) \(updated) · \(entry.formats.joined(separator: " "))</div>
        <p>\(String(entry.summary.prefix(160)))</p></div>
        """
    }

    // MARK: Search

    func search(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let lang = Language(request)
        var query = try CatalogAPI.query(request, catalog: .open)
        query.limit = 20
        let pageNumber = min(max(Int(request.uri.queryParameters["page"] ?? "") ?? 1, 1), 5_000)
        query.offset = (pageNumber - 1) * query.limit
        let result = try await store.catalog.list(query)
        let organizations = Dictionary(uniqueKeysWithValues: try await store.organizations.list().map { ($0.id, $0) })
        let current = request.uri.queryParameters.map { (String($0.key), String($0.value)) }.filter { $0.0 != "page" && $0.0 != "lang" }
        func facet(_ key: String, _ title: String, label: (String) -> String) -> HTML {
            let counts = (result.facets[key] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(12)
            guard !counts.isEmpty else { return "" }
            let parameter = key == "provider_id" ? "provider_id" : key
            let items: [HTML] = counts.map { value, count in
                let selected = current.contains { $0.0 == parameter && $0.1 == value }
                let parameters = selected ? current.filter { $0.0 != parameter } : current.filter { $0.0 != parameter } + [(parameter, value)]
                return "<li><a class=\"\(selected ? "on" : "")\" href=\"\(lang.link("/datasets", parameters))\"\(HTML(raw: selected ? " aria-current=\"true\"" : ""))>\(label(value))</a> (\(count))</li>"
            }
            return "<h3>\(title)</h3><ul>\(items)</ul>"
        }
        let facets: [HTML] = [
            facet("domain", lang.t("领域", "Domain")) { value in Domain(rawValue: value).map { lang.t($0.labelZH, Self.english($0.rawValue)) } ?? value },
            facet("provider_id", lang.t("提供单位", "Provider")) { value in organizations[value].map { lang.english ? $0.nameEN ?? $0.nameZH : $0.nameZH } ?? value },
            facet("format", lang.t("格式", "Format")) { $0 },
            facet("update_frequency", lang.t("更新频率", "Update frequency")) { value in UpdateFrequency(rawValue: value).map { lang.t($0.labelZH, Self.english($0.rawValue)) } ?? value },
            facet("open_type", lang.t("开放类型", "Open type")) { value in OpenType(rawValue: value).map { lang.t($0.labelZH, Self.english($0.rawValue)) } ?? value },
        ]
        let sorts: [(String, String)] = [("-published", lang.t("最新发布", "Newest")), ("title", lang.t("名称", "Title")), ("-modified", lang.t("最近更新", "Recently updated"))]
        let currentSort = request.uri.queryParameters["sort"].map(String.init) ?? "-published"
        let sortLinks: [HTML] = sorts.map { value, label in
            value == currentSort ? "<strong>\(label)</strong>" : "<a href=\"\(lang.link("/datasets", current.filter { $0.0 != "sort" } + [("sort", value)]))\">\(label)</a>"
        }
        let pages = max(1, (result.total + query.limit - 1) / query.limit)
        var pager: [HTML] = []
        if pageNumber > 1 { pager.append("<a rel=\"prev\" href=\"\(lang.link("/datasets", current + [("page", String(pageNumber - 1))]))\">\(lang.t("上一页", "Previous"))</a>") }
        pager.append("<span>\(pageNumber) / \(pages)</span>")
        if pageNumber < pages { pager.append("<a rel=\"next\" href=\"\(lang.link("/datasets", current + [("page", String(pageNumber + 1))]))\">\(lang.t("下一页", "Next"))</a>") }
        let text = request.uri.queryParameters["q"].map(String.init) ?? ""
        return page(lang.t("数据目录", "Datasets"), lang, request: request, identity: context.identity, """
        <h1>\(lang.t("数据目录", "Datasets"))</h1>
        <form class="search" method="get" action="/datasets" role="search"><label for="q">\(lang.t("搜索", "Search"))</label><input id="q" name="q" value="\(text)">\
        \(lang.english ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")<button type="submit">\(lang.t("搜索", "Search"))</button></form>
        <div class="layout"><aside class="facets" aria-label="\(lang.t("筛选", "Filters"))">\(facets)</aside>
        <section aria-label="\(lang.t("结果", "Results"))"><p>\(lang.t("共 \(result.total) 个数据集", "\(result.total) datasets")) · \(lang.t("排序", "Sort")): \(HTML(raw: sortLinks.map(\.text).joined(separator: " · ")))</p>
        \(result.entries.map { resultItem($0, lang) })<nav class="pager" aria-label="\(lang.t("分页", "Pages"))">\(pager)</nav></section></div>
        """)
    }

    // MARK: Dataset

    func dataset(_ request: Request, _ context: HaiheRequestContext) async throws -> HTML {
        let lang = Language(request)
        let entry = try await openData.openEntry(context)
        let provider = try await store.organizations.find(id: entry.providerID)
        let title = lang.english ? entry.titleEN ?? entry.title : entry.title
        let history = try await store.datasets.history(entryID: entry.entryID).filter { $0.status == .published || $0.status == .superseded }
        var sections: [HTML] = []
        let readable = try? await openData.readable(entry, userID: context.identity?.user.id)
        var profile: DatasetProfile?
        if let readable { profile = try await store.datasets.profile(readable.version, fields: readable.fields) }
        let byName = Dictionary((profile?.fields ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        let fieldRows: [HTML] = entry.fields.map { field in
            let p = byName[field.name]
            let range = p.map { ($0.minimum ?? "") + ($0.maximum.map { " – " + $0 } ?? "") } ?? ""
            return """
            <tr><td>\(field.labelZH)<br><code>\(field.name)</code></td><td>\(lang.t(field.type.labelZH, field.type.rawValue))</td><td>\(field.unit ?? "")</td><td>\(field.description ?? "")</td>\
            <td>\(p.map { String($0.nulls) } ?? "")</td><td>\(p.map { String($0.distinct) } ?? "")</td><td>\(range)</td></tr>
            """
        }
        sections.append("""
        <h2>\(lang.t("数据项说明", "Fields (interpretation, Art. 25)"))</h2><div class="scroll"><table><thead><tr><th>\(lang.t("名称", "Field"))</th><th>\(lang.t("类型", "Type"))</th>\
        <th>\(lang.t("单位", "Unit"))</th><th>\(lang.t("说明", "Description"))</th><th>\(lang.t("空值", "Nulls"))</th><th>\(lang.t("不同值", "Distinct"))</th>\
        <th>\(lang.t("范围", "Range"))</th></tr></thead><tbody>\(fieldRows)</tbody></table></div>
        """)

        if let readable, let profile {
            sections.append(charts(profile, fields: readable.fields, lang))
            sections.append(try await preview(request, readable: readable, lang))
            let base = "/api/v1/datasets/\(entry.resourceCode)"
            // Conditionally open data is read with the approved applicant's key: the page says until when, and on what terms.
            var key = ""
            if let grant = readable.grant {
                let until = grant.accessUntil.map { CivilDay(instant: $0).description } ?? ""
                let terms: HTML = grant.terms.map { lang.english ? " Terms: \($0)" as HTML : "条件：\($0)" as HTML } ?? ""
                sections.append("""
                <p class="notice" role="status">\(lang.t("您的申请已获同意，有效期至 \(until)。", "Your application is approved until \(until).")) \(terms) \
                <a href="/console/applications">\(lang.t("我的申请", "My applications"))</a></p>
                """)
                key = " -H 'Authorization: Bearer \(lang.t("您的访问令牌", "YOUR_API_KEY"))'"
            }
            sections.append("""
            <h2>\(lang.t("下载", "Download"))</h2><p><a href="\(base)/download.csv">CSV</a> · <a href="\(base)/download.json">JSON</a> · <a href="\(base)/download.xml">XML</a> · \
            <a href="\(base)/datapackage.json">Data Package</a></p>
            <h2>\(lang.t("接口示例", "API examples"))</h2>
            <pre>curl\(key) '\(CKANAPI.baseURL(request))\(base)/rows?limit=10'
            curl\(key) '\(CKANAPI.baseURL(request))\(base)/rows?\(readable.fields.first.map { "sort=-\($0.name)&" } ?? "")select=\(readable.fields.prefix(3).map(\.name).joined(separator: ","))'
            curl\(key) '\(CKANAPI.baseURL(request))/api/3/action/datastore_search?resource_id=\(entry.entryID)-csv&amp;limit=5'</pre>
            """)
        } else if entry.openType == .conditional {
            sections.append(applyBox(entry, request: request, context: context, lang))
        }
        let versions: [HTML] = history.map { v in
            "<tr><td>\(v.version)</td><td>\(v.publishedAt.map { CivilDay(instant: $0).description } ?? "")</td><td>\(v.rowsAccepted)</td><td>\(v.status == .published ? lang.t("现行", "current") : lang.t("历史", "earlier"))</td></tr>"
        }
        sections.append(try await feedbackSection(entry, request: request, context: context, lang))
        sections.append("<h2>\(lang.t("更新历史", "Version history"))</h2><table><thead><tr><th>\(lang.t("版本", "Version"))</th><th>\(lang.t("发布日期", "Published"))</th><th>\(lang.t("行数", "Rows"))</th><th></th></tr></thead><tbody>\(versions)</tbody></table>")

        let updated = (entry.dataUpdatedAt ?? entry.publishedAt).map { CivilDay(instant: $0).description } ?? "—"
        return page(title, lang, request: request, identity: context.identity, """
        <p class="meta"><a href="\(lang.link("/datasets"))">\(lang.t("数据目录", "Datasets"))</a> › \(lang.t(entry.domain.labelZH, Self.english(entry.domain.rawValue)))</p>
        <h1>\(title)</h1><p>\(entry.summary)</p>
        <table><tbody>
        <tr><th scope="row">\(lang.t("提供单位", "Provider"))</th><td>\(provider.map { lang.english ? $0.nameEN ?? $0.nameZH : $0.nameZH } ?? entry.providerID)</td></tr>
        <tr><th scope="row">\(lang.t("资源代码", "Resource code"))</th><td><code>\(entry.resourceCode)</code></td></tr>
        <tr><th scope="row">\(lang.t("更新频率", "Update frequency"))</th><td>\(lang.t(entry.updateFrequency.labelZH, Self.english(entry.updateFrequency.rawValue))) · \(lang.t("最近更新", "last updated")) \(updated)</td></tr>
        <tr><th scope="row">\(lang.t("开放类型", "Open type"))</th><td>\(lang.t(entry.openType.labelZH, Self.english(entry.openType.rawValue)))\(entry.openConditions.map { " · " + $0 } ?? "")</td></tr>
        <tr><th scope="row">\(lang.t("许可", "Licence"))</th><td>CC BY 4.0\(entry.usageRequirements.map { " · " + $0 } ?? "")</td></tr>
        <tr><th scope="row">\(lang.t("关键词", "Keywords"))</th><td>\(entry.keywords.joined(separator: "、"))</td></tr>
        </tbody></table>
        \(sections)
        """)
    }

    /// Up to three charts, at least two where the data has them (Art. 25 interpretation): the first category field's
    /// distribution, the first number's histogram and rows per month of the first date spanning several months; when
    /// fewer than two of those exist, the next category or number fills in.
    func charts(_ profile: DatasetProfile, fields: [FieldDefinition], _ lang: Language) -> HTML {
        let labels = Dictionary(fields.map { ($0.name, $0.labelZH) }, uniquingKeysWith: { a, _ in a })
        let categories = profile.fields.filter { !$0.top.isEmpty }
        let numbers = profile.fields.filter { !$0.histogram.isEmpty }
        func byCategory(_ field: DatasetProfile.Field) -> HTML {
            Charts.bars(title: lang.t("按\(labels[field.name] ?? field.name)分布", "Rows by \(field.name)"), items: field.top.map { ($0.value, $0.count) })
        }
        func histogram(_ field: DatasetProfile.Field) -> HTML {
            Charts.bars(title: lang.t("\(labels[field.name] ?? field.name)分布", "Distribution of \(field.name)"),
                        items: field.histogram.map { (Self.number($0.lower) + "–" + Self.number($0.upper), $0.count) })
        }
        var figures: [HTML] = []
        figures += categories.prefix(1).map(byCategory)
        figures += numbers.prefix(1).map(histogram)
        if let dates = profile.fields.first(where: { $0.months.count > 1 }) {
            figures.append(Charts.columns(title: lang.t("按月份（\(labels[dates.name] ?? dates.name)）", "Rows per month (\(dates.name))"),
                                          items: dates.months.map { ($0.value, $0.count) }))
        }
        if figures.count < 2 { figures += categories.dropFirst().prefix(2 - figures.count).map(byCategory) }
        if figures.count < 2 { figures += numbers.dropFirst().prefix(2 - figures.count).map(histogram) }
        guard !figures.isEmpty else { return "" }
        return "<h2>\(lang.t("数据概况", "Profile")) · \(profile.rows) \(lang.t("行", "rows"))</h2><div class=\"charts\">\(figures)</div>"
    }

    /// A code as English words on English pages: `enterprise_registration` → "Enterprise registration"; open types
    /// in the words the portal uses for them.
    static func english(_ code: String) -> String {
        switch code {
        case "unconditional": return "Open to all"
        case "conditional": return "Open on conditions"
        case "real_time": return "Real time"
        default:
            let words = code.replacingOccurrences(of: "_", with: " ")
            return words.prefix(1).uppercased() + words.dropFirst()
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int64(value)) : String(format: "%.1f", value)
    }

    /// The first rows, with a filter (field, condition, value) and a sort, as GET forms: no script needed.
    func preview(_ request: Request, readable: OpenDataAPI.Readable, _ lang: Language) async throws -> HTML {
        // Read as a form: a GET form sends a space as "+".
        let form = FormFields(request.uri.query ?? "")
        var parameters: [(String, String)] = [("limit", "20")]
        let field = form["field"] ?? ""
        let op = form["op"] ?? "eq"
        let value = form["value"] ?? ""
        let sort = form["sort"] ?? ""
        if !field.isEmpty, !value.isEmpty { parameters.append((op == "eq" ? field : "\(field)__\(op)", value)) }
        if !sort.isEmpty { parameters.append(("sort", sort)) }
        let columns = readable.fields.map(\.name)
        var message: HTML = ""
        var page = DatasetStore.Page(columns: columns, rows: [], total: 0)
        do {
            page = try await store.datasets.page(readable.version, fields: readable.fields, visible: columns,
                                                 query: try DatasetQuery(parameters: parameters, fields: readable.fields))
        } catch let error as HaiheError {
            message = "<p class=\"notice\" role=\"alert\">\(lang.english ? error.messageEN : error.messageZH)</p>"
        }
        let labels = Dictionary(readable.fields.map { ($0.name, $0.labelZH) }, uniquingKeysWith: { a, _ in a })
        let head: [HTML] = page.columns.map { "<th scope=\"col\">\(labels[$0] ?? $0)</th>" }
        let body: [HTML] = page.rows.map { row in "<tr>\(row.map { "<td>\(SharedData.csvText($0))</td>" as HTML })</tr>" }
        let fieldOptions: [HTML] = columns.map { "<option value=\"\($0)\"\($0 == field ? " selected" : "")>\(labels[$0] ?? $0)</option>" }
        let operators: [(String, String)] = [("eq", "="), ("ne", "≠"), ("gt", ">"), ("gte", "≥"), ("lt", "<"), ("lte", "≤"), ("contains", lang.t("包含", "contains")), ("prefix", lang.t("开头是", "starts with"))]
        let opOptions: [HTML] = operators.map { "<option value=\"\($0.0)\"\($0.0 == op ? " selected" : "")>\($0.1)</option>" }
        let sortOptions: [HTML] = [("", lang.t("原始顺序", "Original order"))].map { "<option value=\"\($0.0)\">\($0.1)</option>" as HTML }
            + columns.flatMap { name -> [HTML] in
                [("\(name)", "\(labels[name] ?? name) ↑"), ("-\(name)", "\(labels[name] ?? name) ↓")].map { "<option value=\"\($0.0)\"\($0.0 == sort ? " selected" : "")>\($0.1)</option>" }
            }
        return """
        <h2>\(lang.t("数据预览", "Preview"))</h2>
        <form class="inline-filter" method="get"><div><label for="field">\(lang.t("数据项", "Field"))</label><select id="field" name="field">\(fieldOptions)</select></div>
        <div><label for="op">\(lang.t("条件", "Condition"))</label><select id="op" name="op">\(opOptions)</select></div>
        <div><label for="value">\(lang.t("值", "Value"))</label><input id="value" name="value" value="\(value)"></div>
        <div><label for="sort">\(lang.t("排序", "Sort"))</label><select id="sort" name="sort">\(sortOptions)</select></div>
        \(lang.english ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")<button type="submit">\(lang.t("筛选", "Filter"))</button></form>
        \(message)<p class="meta">\(lang.t("共 \(page.total) 行，显示前 \(page.rows.count) 行", "\(page.total) rows; the first \(page.rows.count) shown"))</p>
        <div class="scroll"><table><caption class="meta">\(lang.t("预览", "Preview"))</caption><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table></div>
        """
    }

    func applyBox(_ entry: CatalogEntry, request: Request, context: HaiheRequestContext, _ lang: Language) -> HTML {
        let applied: HTML = request.uri.queryParameters["applied"] == "1"
            ? "<p class=\"notice\" role=\"status\">\(lang.t("申请已受理，提供单位将在两个工作日内答复。", "Your application is accepted; the provider answers within two working days."))</p>" : ""
        guard let identity = context.identity else {
            return "<h2>\(lang.t("申请获取", "Apply"))</h2><p class=\"notice\">\(lang.t("该数据集为有条件开放，请登录后申请。", "This dataset is open on conditions: sign in to apply.")) <a href=\"/login?next=/datasets/\(entry.resourceCode)\">\(lang.t("登录", "Sign in"))</a></p>"
        }
        return """
        <h2>\(lang.t("申请获取（两个工作日内答复）", "Apply (answered within two working days)"))</h2>\(applied)
        <form method="post" action="/datasets/\(entry.resourceCode)/apply"><input type="hidden" name="_csrf" value="\(identity.csrfToken ?? "")">
        <label for="identity">\(lang.t("公民身份号码或统一社会信用代码", "Resident ID number or unified social credit code"))</label><input id="identity" name="identity" required>
        <label for="purpose">\(lang.t("用途", "Purpose"))</label><input id="purpose" name="purpose" required>
        <label for="intended_use">\(lang.t("使用方式", "Intended use"))</label><input id="intended_use" name="intended_use" required>
        <p><button type="submit">\(lang.t("提交申请", "Apply"))</button> <a href="/console/applications">\(lang.t("我的申请", "My applications"))</a></p></form>
        """
    }
}
