import Foundation
import HaiheCore
import HaiheStore
import Hummingbird
import HTTPTypes

/// 数据开放 API (Art. 20–25): the open catalog's datasets, their schema, profile and rows, whole-file downloads in
/// CSV, JSON and XML, and a Frictionless Data Package — anonymous for unconditionally open data, under an approved
/// application for conditionally open data, and never anything of a not-open entry.
struct OpenDataAPI: Sendable {
    let store: Store
    let `guard`: Guard
    let clock: any PlatformClock
    let cache: OpenDataCache

    /// A dataset the caller may read, with the version in force and the fields it was loaded with.
    struct Readable: Sendable {
        var entry: CatalogEntry
        var version: DatasetVersion
        var fields: [FieldDefinition]
        /// For conditionally open data, the caller's approval it is read under.
        var grant: OpenApplication? = nil
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.route(.get, "/api/v1/datasets", .openDataRead, guard: `guard`) { request, context -> Response in
            let page = try await store.catalog.list(try CatalogAPI.query(request, catalog: .open))
            let items: [JSONValue] = page.entries.map { entry in Self.summary(entry) }
            let facets: [String: JSONValue] = page.facets.mapValues { counts in
                .object(counts.mapValues { .integer(Int64($0)) })
            }
            return try Self.json(JSONValue.object(["items": .array(items), "total": .integer(Int64(page.total)), "facets": .object(facets)]), request: request)
        }

        router.route(.get, "/api/v1/datasets/{id}", .openDataRead, guard: `guard`) { request, context -> Response in
            let entry = try await openEntry(context)
            let history = try await store.datasets.history(entryID: entry.entryID).filter { $0.status == .published || $0.status == .superseded }
            var document = Self.summary(entry, fields: true)
            if case .object(var members) = document {
                members["versions"] = .array(history.map { version in
                    .object(["version": .integer(Int64(version.version)), "id": .text(version.id), "status": .text(version.status.rawValue),
                             "rows": .integer(Int64(version.rowsAccepted)), "published_at": version.publishedAt.map { .text(Timestamp.format($0)) } ?? .null])
                })
                members["access"] = .text(try await accessNote(entry, context))
                document = .object(members)
            }
            // The document says what this caller may do (`access`), so it is not shared between callers when that varies.
            return try Self.json(document, request: request, lastModified: entry.dataUpdatedAt ?? entry.publishedAt, shared: entry.openType == .unconditional)
        }

        router.route(.get, "/api/v1/datasets/{id}/profile", .openDataRead, guard: `guard`) { request, context -> Response in
            let readable = try await readable(context)
            let profile = try await store.datasets.profile(readable.version, fields: readable.fields)
            return try Self.json(profile, request: request, etag: "profile-\(readable.version.id)", lastModified: readable.version.publishedAt, snakeCase: true,
                                 shared: readable.entry.openType == .unconditional)
        }

        router.route(.get, "/api/v1/datasets/{id}/rows", .openDataRead, guard: `guard`) { request, context -> Response in
            let readable = try await readable(context)
            return try await keptAnswer(request, readable, kind: "rows", parse: {
                let query = try DatasetQuery(parameters: SharingAPI.parameters(request), fields: readable.fields)
                let includeTotal = request.uri.queryParameters["include_total"] != "false"
                return ((query, includeTotal), "\(includeTotal)|\(query.canonical)")
            }, compute: { question in
                let (query, includeTotal) = question
                let page = try await store.datasets.page(readable.version, fields: readable.fields, visible: readable.fields.map(\.name), query: query,
                                                         countTotal: includeTotal)
                var members: [String: JSONValue] = [
                    "dataset": .text(readable.entry.entryID), "version": .integer(Int64(readable.version.version)),
                    "fields": .array(page.columns.map { .text($0) }),
                    "rows": .array(page.rows.map { values in .object(Dictionary(zip(page.columns, values.map(JSONValue.init)), uniquingKeysWith: { a, _ in a })) }),
                    "limit": .integer(Int64(query.limit)), "next": page.next.map { .text($0) } ?? .null,
                ]
                if includeTotal { members["total"] = .integer(Int64(page.total)) }
                return try Self.encode(JSONValue.object(members))
            })
        }

        // Counts per value of one field (filters apply): the facets of a dataset's rows.
        router.route(.get, "/api/v1/datasets/{id}/facets", .openDataRead, guard: `guard`) { request, context -> Response in
            let readable = try await readable(context)
            return try await keptAnswer(request, readable, kind: "facets", parse: {
                guard let field = request.uri.queryParameters["field"].map(String.init) else {
                    throw HaiheError.invalid("query.field", zh: "请用 field 指定信息项", en: "Name the field with field=")
                }
                let query = try DatasetQuery(parameters: SharingAPI.parameters(request).filter { $0.0 != "field" }, fields: readable.fields)
                return ((field, query), "\(field)|\(query.canonical)")
            }, compute: { question in
                let (field, query) = question
                let counts = try await store.datasets.facet(readable.version, fields: readable.fields, field: field, query: query)
                return try Self.encode(JSONValue.object([
                    "dataset": .text(readable.entry.entryID), "version": .integer(Int64(readable.version.version)), "field": .text(field),
                    "values": .array(counts.map { .object(["value": JSONValue($0.value), "count": .integer(Int64($0.count))]) }),
                ]))
            })
        }

        // download.csv, download.json, download.xml and datapackage.json.
        router.route(.get, "/api/v1/datasets/{id}/{file}", .openDataRead, guard: `guard`) { request, context -> Response in
            let file = try context.parameters.require("file")
            let readable = try await readable(context)
            switch file {
            case "datapackage.json":
                return try Self.json(Self.dataPackage(readable, baseURL: CKANAPI.baseURL(request)), request: request,
                                     lastModified: readable.version.publishedAt, shared: readable.entry.openType == .unconditional)
            case "download.csv", "download.json", "download.xml":
                let format = String(file.dropFirst("download.".count))
                let query = try DatasetQuery(parameters: SharingAPI.parameters(request), fields: readable.fields)
                let etag = "\(format)-\(readable.version.id)-\(Self.digest(query.canonical))"
                if let notModified = Self.notModified(request, etag: etag, lastModified: readable.version.publishedAt) { return notModified }
                // HEAD runs this handler too (the router answers it from GET) but sends no data: not a download.
                if request.method == .head { return download(readable, query: query, format: format, etag: etag) }
                try await store.audit.record(context.auditDraft("opendata.download", objectType: "dataset", objectID: readable.entry.entryID,
                                                                detail: ["format": format, "version": String(readable.version.version), "query": query.canonical]))
                return download(readable, query: query, format: format, etag: etag)
            default:
                throw HaiheError.notFound("file", zh: "文件", id: file)
            }
        }
    }

    struct ApplicationBody: Decodable {
        var identity: String?
        var purpose: String?
        var intendedUse: String?
    }

    struct AnswerBody: Decodable {
        var terms: String?
        var until: String?
        var reason: String?
        var basis: String?
    }

    struct ApplicationView: ResponseEncodable {
        var application: OpenApplication
        var overdue: Bool
        var workingDaysLeft: Int?
    }

    struct ApplicationList: ResponseEncodable {
        var items: [ApplicationView]
    }

    /// Conditional open data (Art. 23): apply, see "my applications", the provider's inbox and answers.
    func addApplicationRoutes(to router: Router<HaiheRequestContext>) {
        router.route(.post, "/api/v1/datasets/{id}/applications", .openDataApply, guard: `guard`) { request, context -> Response in
            let user = try await `guard`.user(.openDataApply, context)
            let entry = try await openEntry(context)
            let body = try await decode(ApplicationBody.self, request, context, keys: .convertFromSnakeCase)
            let application = try await store.openApplications.submit(entry: entry, applicant: user, identity: body.identity ?? "", purpose: body.purpose ?? "",
                                                                      intendedUse: body.intendedUse ?? "", audit: context.auditDraft(.openDataApply), at: clock.now())
            return try jsonResponse(try await view(application), status: .created, context: context)
        }

        router.route(.get, "/api/v1/me/applications", .openDataApplications, guard: `guard`) { _, context -> ApplicationList in
            let subject = try await `guard`.subject(.openDataApplications, context)
            return ApplicationList(items: try await views(try await store.openApplications.list(applicantUserID: subject.userID)))
        }

        router.route(.get, "/api/v1/open-applications", .openDataApplications, guard: `guard`) { _, context -> ApplicationList in
            guard let received = try await received(context) else {
                throw HaiheError(.forbidden, code: "auth.forbidden", zh: "仅数据提供单位可查看收到的开放申请", en: "Only providers see the applications they received")
            }
            return ApplicationList(items: try await views(received.applications))
        }

        router.route(.post, "/api/v1/open-applications/{id}/approve", .openDataAnswer, guard: `guard`) { request, context -> Response in
            let body = try await decode(AnswerBody.self, request, context, keys: .convertFromSnakeCase)
            return try jsonResponse(try await view(try await approve(try context.parameters.require("id"), until: body.until, terms: body.terms, context)), context: context)
        }

        router.route(.post, "/api/v1/open-applications/{id}/refuse", .openDataAnswer, guard: `guard`) { request, context -> Response in
            let body = try await decode(AnswerBody.self, request, context, keys: .convertFromSnakeCase)
            return try jsonResponse(try await view(try await refuse(try context.parameters.require("id"), reason: body.reason, basis: body.basis, context)), context: context)
        }

        router.route(.post, "/api/v1/open-applications/{id}/withdraw", .openDataApply, guard: `guard`) { _, context -> Response in
            try jsonResponse(try await view(try await withdraw(try context.parameters.require("id"), context)), context: context)
        }
    }

    // The steps of an application, shared by the API and the console pages.

    /// The applications a provider received, or all of them for the regulator and auditors (`all`), identity numbers
    /// masked; nil for anyone else (a citizen has only "my applications").
    func received(_ context: HaiheRequestContext) async throws -> (applications: [OpenApplication], all: Bool)? {
        let subject = try await `guard`.subject(.openDataApplications, context)
        if AccessPolicy.decide(subject, .openDataApplications, on: SharingAPI.everyOrganization).isAllowed {
            return (try await store.openApplications.list().map(\.masked), true)
        }
        guard subject.roles.contains(.provider) else { return nil }
        return (try await store.openApplications.list(providerID: subject.organizationID).map(\.masked), false)
    }

    /// Approval with the end of the period (a date or instant, required) and optional terms; answered masked.
    func approve(_ id: String, until text: String?, terms: String?, _ context: HaiheRequestContext) async throws -> OpenApplication {
        let application = try await ownApplication(id, context, .openDataAnswer, provider: true)
        guard let until = try SharingAPI.instant(text, field: "until", endOfDay: true) else {
            throw HaiheError.invalid("opendata.until", zh: "请给出开放期限 until", en: "Give the end of the period (until)")
        }
        return try await store.openApplications.answer(application.id, .approve(terms: terms ?? "", until: until),
                                                       audit: context.auditDraft(.openDataAnswer), at: clock.now()).masked
    }

    /// Refusal, which needs a reason and a basis (Art. 23); answered masked.
    func refuse(_ id: String, reason: String?, basis: String?, _ context: HaiheRequestContext) async throws -> OpenApplication {
        let application = try await ownApplication(id, context, .openDataAnswer, provider: true)
        return try await store.openApplications.answer(application.id, .refuse(reason: reason ?? "", basis: basis ?? ""),
                                                       audit: context.auditDraft(.openDataAnswer), at: clock.now()).masked
    }

    /// The applicant takes back a pending application.
    func withdraw(_ id: String, _ context: HaiheRequestContext) async throws -> OpenApplication {
        let application = try await ownApplication(id, context, .openDataApply, provider: false)
        return try await store.openApplications.withdraw(application.id, audit: context.auditDraft(.openDataApply), at: clock.now())
    }

    /// The application named in the path: the provider's organisation answers it, the applicant withdraws it.
    func ownApplication(_ id: String, _ context: HaiheRequestContext, _ action: Action, provider: Bool) async throws -> OpenApplication {
        guard let application = try await store.openApplications.application(id: id) else {
            throw HaiheError.notFound("open_application", zh: "开放申请", id: id)
        }
        let object = provider ? PolicyObject(organizationID: application.providerID) : PolicyObject(userID: application.applicantUserID)
        try await `guard`.require(action, on: object, context)
        return application
    }

    func view(_ application: OpenApplication) async throws -> ApplicationView {
        let now = clock.now()
        let calendar = try await store.calendar.calendar()
        return ApplicationView(application: application, overdue: application.isOverdue(at: now),
                               workingDaysLeft: application.status == .pending ? calendar.workingDaysLeft(at: now, until: application.deadline) : nil)
    }

    func views(_ applications: [OpenApplication]) async throws -> [ApplicationView] {
        var result: [ApplicationView] = []
        for application in applications { result.append(try await view(application)) }
        return result
    }

    /// A question about one published version has one answer, since the version never changes. For data open to all
    /// it is kept in memory once computed and found again by the question's canonical form, or — without parsing —
    /// by the exact spelling of an earlier request; a client holding it gets 304. Data under an approval is computed
    /// for each caller and kept by no one.
    func keptAnswer<Question>(_ request: Request, _ readable: Readable, kind: String, parse: () throws -> (Question, String),
                              compute: (Question) async throws -> [UInt8]) async throws -> Response {
        let shared = readable.entry.openType == .unconditional
        let published = readable.version.publishedAt
        let spelling = "\(kind)|\(readable.version.id)|\(request.uri.query ?? "")"
        if shared, let answer = cache.answer(spelled: spelling) {
            return Self.notModified(request, etag: answer.etag, lastModified: published) ?? Self.respond(answer.body, etag: answer.etag, lastModified: published)
        }
        let (question, canonical) = try parse()
        let etag = "\(kind)-\(readable.version.id)-\(Self.digest(canonical))"
        if let notModified = Self.notModified(request, etag: etag, lastModified: published) { return notModified }
        let key = "\(kind)|\(readable.version.id)|\(canonical)"
        if shared, let answer = cache.answer(key) {
            cache.remember(spelling: spelling, for: key)
            return Self.respond(answer.body, etag: answer.etag, lastModified: published)
        }
        let body = try await compute(question)
        if shared {
            cache.store(key, .init(body: body, etag: etag))
            cache.remember(spelling: spelling, for: key)
        }
        return Self.respond(body, etag: etag, lastModified: published, shared: shared)
    }

    // MARK: Access

    /// The entry, if it is in the open catalog; a not-open entry does not exist as far as the public can tell.
    func openEntry(_ context: HaiheRequestContext) async throws -> CatalogEntry {
        let id = try context.parameters.require("id")
        guard let entry = try await store.catalog.findPublished(id, in: .open) else {
            throw HaiheError.notFound("dataset", zh: "开放数据集", id: id)
        }
        return entry
    }

    /// The entry's data, when the caller may read it: anyone for unconditional open data; for conditional open data
    /// the holder of an approved application that is still in force (Art. 23).
    func readable(_ context: HaiheRequestContext) async throws -> Readable {
        let reference = try context.parameters.require("id")
        let now = Date()
        let commits = store.database.commits
        if let cached = cache.resolved(reference, at: now, commits: commits) { return cached }
        let readable = try await readable(try await openEntry(context), userID: context.identity?.user.id)
        // Only data open to all is resolved once for everyone; conditional access depends on who asks.
        if readable.entry.openType == .unconditional { cache.remember(reference, readable, at: now, commits: commits) }
        return readable
    }

    func readable(_ entry: CatalogEntry, userID: String?) async throws -> Readable {
        var grant: OpenApplication?
        if entry.openType == .conditional {
            let applications = try await store.openApplications.approved(entryID: entry.entryID, applicantUserID: userID ?? "")
            grant = try OpenDataPolicy.checkConditional(entry, applications: applications, at: clock.now())
        }
        guard let version = try await store.datasets.current(entryID: entry.entryID) else {
            throw HaiheError(.notFound, code: "dataset_version.not_found", zh: "该数据集尚未发布数据：\(entry.resourceCode)",
                             en: "This dataset has no published data yet: \(entry.resourceCode)")
        }
        let fields = try await store.catalog.find(id: version.catalogVersionID)?.fields ?? entry.fields
        return Readable(entry: entry, version: version, fields: fields, grant: grant)
    }

    func accessNote(_ entry: CatalogEntry, _ context: HaiheRequestContext) async throws -> String {
        guard entry.openType == .conditional else { return "open" }
        let applications = try await store.openApplications.approved(entryID: entry.entryID, applicantUserID: context.identity?.user.id ?? "")
        return (try? OpenDataPolicy.checkConditional(entry, applications: applications, at: clock.now())) != nil ? "approved" : "apply"
    }

    // MARK: Downloads

    /// The whole (filtered) version, streamed in batches: memory stays flat whatever the size.
    func download(_ readable: Readable, query: DatasetQuery, format: String, etag: String) -> Response {
        var headers = HTTPFields()
        let name = "\(readable.entry.resourceCode)-v\(readable.version.version)"
        headers[.contentType] = switch format {
        case "csv": "text/csv; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        default: "application/xml; charset=utf-8"
        }
        headers[.contentDisposition] = "attachment; filename=\"\(name).\(format)\""
        headers[.eTag] = "\"\(etag)\""
        headers[.accessControlAllowOrigin] = "*"
        Self.cacheHeaders(&headers, shared: readable.entry.openType == .unconditional)
        if let published = readable.version.publishedAt { headers[.lastModified] = Self.httpDate(published) }
        let columns = query.select ?? readable.fields.map(\.name)
        let store = self.store
        let body = ResponseBody { writer in
            var first = true
            let opening: String = switch format {
            case "csv": CSVField.line(columns) + "\n"
            case "json": "["
            default: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dataset id=\"\(Self.xml(readable.entry.entryID))\" code=\"\(Self.xml(readable.entry.resourceCode))\" version=\"\(readable.version.version)\">\n"
            }
            try await writer.write(ByteBuffer(string: opening))
            try await store.datasets.stream(readable.version, fields: readable.fields, columns: columns, query: query) { batch in
                var text = ""
                for row in batch {
                    switch format {
                    case "csv":
                        text += CSVField.line(row.map(SharedData.csvText)) + "\n"
                    case "json":
                        text += (first ? "\n" : ",\n") + Self.jsonObject(columns: columns, values: row)
                    default:
                        text += "  <row>" + zip(columns, row).map { column, value in
                            value == .null ? "<\(column)/>" : "<\(column)>\(Self.xml(SharedData.csvText(value)))</\(column)>"
                        }.joined() + "</row>\n"
                    }
                    first = false
                }
                try await writer.write(ByteBuffer(string: text))
            }
            let closing = format == "csv" ? "" : format == "json" ? "\n]\n" : "</dataset>\n"
            if !closing.isEmpty { try await writer.write(ByteBuffer(string: closing)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func jsonObject(columns: [String], values: [SQLValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let object = JSONValue.object(Dictionary(zip(columns, values.map(JSONValue.init)), uniquingKeysWith: { a, _ in a }))
        return String(decoding: (try? encoder.encode(object)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func xml(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // XML 1.0 forbids most control characters; they are dropped rather than breaking the document.
            case _ where c.value < 0x20 && c != "\n" && c != "\t" && c != "\r": continue
            case "\u{FFFE}", "\u{FFFF}": continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    // MARK: Documents

    static func summary(_ entry: CatalogEntry, fields: Bool = false) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .text(entry.entryID), "resource_code": .text(entry.resourceCode), "title": .text(entry.title),
            "title_en": entry.titleEN.map { .text($0) } ?? .null, "summary": .text(entry.summary), "provider_id": .text(entry.providerID),
            "domain": .text(entry.domain.rawValue), "keywords": .array(entry.keywords.map { .text($0) }), "formats": .array(entry.formats.map { .text($0) }),
            "update_frequency": .text(entry.updateFrequency.rawValue), "open_type": .text(entry.openType.rawValue),
            "open_conditions": entry.openConditions.map { .text($0) } ?? .null, "licence": .text("CC-BY-4.0"),
            "published_at": entry.publishedAt.map { .text(Timestamp.format($0)) } ?? .null,
            "data_updated_at": entry.dataUpdatedAt.map { .text(Timestamp.format($0)) } ?? .null,
        ]
        if fields {
            members["fields"] = .array(entry.fields.map { field in
                .object(["name": .text(field.name), "label_zh": .text(field.labelZH), "type": .text(field.type.rawValue),
                         "unit": field.unit.map { .text($0) } ?? .null, "description": field.description.map { .text($0) } ?? .null,
                         "required": .bool(field.required), "unique": .bool(field.uniqueKey),
                         "allowed_values": field.allowedValues.map { .array($0.map { .text($0) }) } ?? .null])
            })
            members["usage_requirements"] = entry.usageRequirements.map { .text($0) } ?? .null
        }
        return .object(members)
    }

    /// A Frictionless Data Package (v1) whose one resource is the CSV download, described by a Table Schema.
    static func dataPackage(_ readable: Readable, baseURL: String) -> JSONValue {
        let entry = readable.entry
        let schemaFields: [JSONValue] = readable.fields.map { field in
            var members: [String: JSONValue] = ["name": .text(field.name), "title": .text(field.labelZH), "type": .text(tableSchemaType(field.type))]
            if let description = field.description { members["description"] = .text(description) }
            var constraints: [String: JSONValue] = [:]
            if field.required { constraints["required"] = .integer(1) }
            if field.uniqueKey { constraints["unique"] = .integer(1) }
            if let allowed = field.allowedValues, !allowed.isEmpty { constraints["enum"] = .array(allowed.map { .text($0) }) }
            if !constraints.isEmpty {
                members["constraints"] = .object(constraints.mapValues { value in if case .integer(1) = value { return .bool(true) } else { return value } })
            }
            if field.type == .boolean { members["trueValues"] = .array([.text("1")]); members["falseValues"] = .array([.text("0")]) }
            return .object(members)
        }
        var schema: [String: JSONValue] = ["fields": .array(schemaFields)]
        if let key = readable.fields.first(where: \.uniqueKey) { schema["primaryKey"] = .array([.text(key.name)]) }
        return .object([
            "profile": .text("tabular-data-package"), "name": .text(entry.resourceCode.lowercased()), "id": .text(entry.entryID),
            "title": .text(entry.title), "description": .text(entry.summary), "version": .text("\(readable.version.version)"),
            "licenses": .array([.object(["name": .text("CC-BY-4.0"), "path": .text("https://creativecommons.org/licenses/by/4.0/"), "title": .text("Creative Commons Attribution 4.0")])]),
            "keywords": .array(entry.keywords.map { .text($0) }),
            "resources": .array([.object([
                "profile": .text("tabular-data-resource"), "name": .text(entry.resourceCode.lowercased().replacingOccurrences(of: "_", with: "-")),
                "path": .text("\(baseURL)/api/v1/datasets/\(entry.entryID)/download.csv"), "format": .text("csv"), "mediatype": .text("text/csv"),
                "encoding": .text("utf-8"), "schema": .object(schema),
            ])]),
        ])
    }

    static func tableSchemaType(_ type: FieldType) -> String {
        switch type {
        case .integer: "integer"
        case .decimal: "number"
        case .text: "string"
        case .date: "date"
        case .datetime: "datetime"
        case .boolean: "boolean"
        }
    }

    // MARK: HTTP plumbing

    /// `snakeCase` for Swift types (their camelCase properties); never for built documents, whose keys are data
    /// (field names, facet values such as "CSV") and must pass through unchanged.
    static func json(_ value: some Encodable, request: Request, etag: String? = nil, lastModified: Date? = nil, snakeCase: Bool = false,
                     shared: Bool = true) throws -> Response {
        let encoder = JSONEncoder()
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(value)
        let tag = etag ?? digest(String(decoding: body, as: UTF8.self))
        // Only the ETag decides here: these documents (metadata, data packages) change with the catalog entry and with
        // who asks, not only with the data's publication, so If-Modified-Since could keep a stale copy.
        if let notModified = notModified(request, etag: tag) { return notModified }
        return respond(Array(body), etag: tag, lastModified: lastModified, shared: shared)
    }

    static func encode(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Answers open to all may be kept by shared caches for a minute; answers that depend on who asks (conditionally
    /// open data under an approved application) must not be kept by anyone but the asker.
    static func cacheHeaders(_ headers: inout HTTPFields, shared: Bool) {
        headers[.cacheControl] = shared ? "public, max-age=60" : "private, no-store"
        if !shared { headers[.vary] = "Authorization, Cookie" }
    }

    static func respond(_ body: [UInt8], etag: String, lastModified: Date?, shared: Bool = true) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.eTag] = "\"\(etag)\""
        headers[.accessControlAllowOrigin] = "*"
        cacheHeaders(&headers, shared: shared)
        if let lastModified { headers[.lastModified] = httpDate(lastModified) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// 304 when the client already holds this representation.
    /// If-None-Match decides when it is sent; otherwise If-Modified-Since against the version's publication (RFC 9110 §13.2.2).
    static func notModified(_ request: Request, etag: String, lastModified: Date? = nil) -> Response? {
        guard let match = request.headers[.ifNoneMatch] else {
            guard let lastModified, let since = request.headers[.ifModifiedSince].flatMap(parseHTTPDate),
                  lastModified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970 else { return nil }
            return Response(status: .notModified, headers: [.eTag: "\"\(etag)\"", .lastModified: httpDate(lastModified), .accessControlAllowOrigin: "*"])
        }
        let tags = match.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") }
        guard tags.contains("\"\(etag)\"") || tags.contains("*") else { return nil }
        return Response(status: .notModified, headers: [.eTag: "\"\(etag)\"", .accessControlAllowOrigin: "*"])
    }

    /// An ETag needs to tell representations apart, not to resist forgery.
    static func digest(_ text: String) -> String { String(ShortHash.fnv1a(text), radix: 16) }

    /// RFC 9110's IMF-fixdate, formatted with the C library (a DateFormatter per answer costs more than the answer).
    static func httpDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"], months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// An IMF-fixdate as `httpDate` writes it (the only form RFC 9110 asks a server to send); anything else is ignored.
    static func parseHTTPDate(_ text: String) -> Date? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let words = text.split(separator: " ")
        guard words.count == 6, words[5] == "GMT", let day = Int32(words[1]), let month = months.firstIndex(of: String(words[2])),
              let year = Int32(words[3]) else { return nil }
        let clock = words[4].split(separator: ":").compactMap { Int32($0) }
        guard clock.count == 3 else { return nil }
        var parts = tm()
        (parts.tm_year, parts.tm_mon, parts.tm_mday) = (year - 1900, Int32(month), day)
        (parts.tm_hour, parts.tm_min, parts.tm_sec) = (clock[0], clock[1], clock[2])
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
