import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// JSON API of catalog management (目录管理): writing entries, the regulator's confirmation, the three
/// city catalogs with facets and search, legal-basis filings, and duplicate-collection warnings.
struct CatalogAPI: Sendable {
    let store: Store
    let `guard`: Guard

    // MARK: Bodies (snake_case on the wire)

    struct FieldInput: Decodable {
        var name: String
        var labelZh: String
        var type: FieldType
        var unit: String?
        var description: String?
        var required: Bool?
        var uniqueKey: Bool?
        var allowedValues: [String]?
        var pattern: String?
        var standardCode: String?
        var personalInformation: Bool?
        var identifier: IdentifierKind?
        var minimum: String?
        var maximum: String?
        var minLength: Int?
        var maxLength: Int?

        var definition: FieldDefinition {
            FieldDefinition(name: name, labelZH: labelZh, type: type, unit: unit, description: description, required: required ?? false,
                            uniqueKey: uniqueKey ?? false, allowedValues: allowedValues, pattern: pattern, standardCode: standardCode,
                            personalInformation: personalInformation ?? false, identifier: identifier, minimum: minimum, maximum: maximum,
                            minLength: minLength, maxLength: maxLength)
        }
    }

    struct EntryInput: Decodable {
        var resourceCode: String
        var title: String
        var titleEn: String?
        var summary: String
        var resourceType: ResourceType?
        var domain: Domain
        var subject: String?
        var keywords: [String]?
        var formats: [String]?
        var fields: [FieldInput]
        var updateFrequency: UpdateFrequency
        var updateDeadlineDays: Int?
        var shareType: ShareType
        var shareConditions: String?
        var shareMethods: [AccessMethod]?
        var openType: OpenType
        var openConditions: String?
        var openMethods: [AccessMethod]?
        var usageRequirements: String?
        var securityGrade: SecurityGrade?
        var contact: IdentityAPI.ContactBody?
        var legalBasis: LegalBasis?
        var relatedResourceCodes: [String]?

        func entry(providerID: String) -> CatalogEntry {
            CatalogEntry(resourceCode: resourceCode, title: title, titleEN: titleEn, summary: summary, providerID: providerID,
                         resourceType: resourceType ?? .departmental, domain: domain, subject: subject, keywords: keywords ?? [],
                         formats: formats ?? ["CSV"], fields: fields.map(\.definition), updateFrequency: updateFrequency,
                         updateDeadlineDays: updateDeadlineDays, shareType: shareType, shareConditions: shareConditions,
                         shareMethods: shareMethods ?? [.api], openType: openType, openConditions: openConditions,
                         openMethods: openMethods ?? [.api, .fileDownload], usageRequirements: usageRequirements,
                         securityGrade: securityGrade ?? .internalUse, contact: contact.map { Contact(name: $0.name, phone: $0.phone, email: $0.email) },
                         legalBasis: legalBasis, relatedResourceCodes: relatedResourceCodes ?? [])
        }
    }

    struct TransitionInput: Decodable {
        var comment: String?
    }

    struct FieldsInput: Decodable {
        var fields: [FieldInput]
    }

    struct Written: ResponseEncodable {
        var entry: CatalogEntry
        var duplicateWarnings: [DuplicateWarning]
    }

    struct Listing: ResponseEncodable {
        var catalog: String?
        var total: Int
        var limit: Int
        var offset: Int
        var items: [CatalogEntry]
        var facets: [String: [String: Int]]
    }

    struct Review: ResponseEncodable {
        var entry: CatalogEntry
        /// The version in force that this one would replace, when there is one.
        var previous: CatalogEntry?
        /// Top-level properties that differ from the version in force.
        var changes: [String]
    }

    struct Warnings: ResponseEncodable {
        var duplicateWarnings: [DuplicateWarning]
    }

    struct Filings: ResponseEncodable {
        var items: [LegalBasisFiling]
    }

    struct History: ResponseEncodable {
        var items: [CatalogEntry]
    }

    // MARK: Routes

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.route(.get, "/api/v1/catalogs/{catalog}", .catalogBrowse, guard: `guard`) { request, context -> Response in
            let name = try context.parameters.require("catalog")
            if name.hasSuffix(".csv"), let catalog = CityCatalog(rawValue: String(name.dropLast(4))) {
                return try await csv(try await store.catalog.all(try Self.query(request, catalog: catalog)), catalog: catalog)
            }
            guard let catalog = CityCatalog(rawValue: name) else {
                throw HaiheError.notFound("catalog", zh: "目录", id: name)
            }
            let query = try Self.query(request, catalog: catalog)
            let page = try await store.catalog.list(query)
            return try jsonResponse(Listing(catalog: catalog.rawValue, total: page.total, limit: query.limit, offset: query.offset,
                                            items: page.entries, facets: page.facets), context: context)
        }

        router.route(.get, "/api/v1/catalog/entries", .catalogRead, guard: `guard`) { request, context -> Listing in
            var query = try Self.query(request, catalog: nil)
            let subject = context.identity!.subject
            // Providers see their own organisation's working list; the policy says so, the route applies it.
            if AccessPolicy.decide(subject, .catalogRead, on: PolicyObject(organizationID: "another organisation")) != .allow {
                if let asked = query.providerID, asked != subject.organizationID {
                    try await `guard`.require(.catalogRead, on: PolicyObject(organizationID: asked), context)
                }
                query.providerID = subject.organizationID
            }
            if let statuses = request.uri.queryParameters["status"] {
                query.statuses = try statuses.split(separator: ",").map { value in
                    guard let status = EntryStatus(rawValue: String(value)) else {
                        throw HaiheError.invalid("catalog.status", zh: "未知的状态 \(value)", en: "Unknown status \(value)")
                    }
                    return status
                }
            }
            let page = try await store.catalog.list(query)
            return Listing(catalog: nil, total: page.total, limit: query.limit, offset: query.offset, items: page.entries, facets: page.facets)
        }

        router.route(.post, "/api/v1/catalog/entries", .catalogWrite, guard: `guard`) { request, context -> EditedResponse<Written> in
            let input = try await Self.decodeSnake(EntryInput.self, request, context)
            let entry = input.entry(providerID: context.identity!.user.organizationID)
            let warnings = try await store.catalog.create(entry, audit: context.auditDraft(.catalogWrite, detail: ["operation": "create"]))
            return EditedResponse(status: .created, response: Written(entry: entry, duplicateWarnings: warnings))
        }

        router.get("/api/v1/catalog/entries/{id}") { request, context -> CatalogEntry in
            let entry = try await visibleEntry(context)
            try await store.audit.record(context.auditDraft(entry.status == .published ? .catalogBrowse : .catalogRead, objectID: entry.id,
                                                            detail: ["path": request.uri.path]))
            return entry
        }

        router.get("/api/v1/catalog/entries/{id}/history") { request, context -> History in
            let entry = try await visibleEntry(context)
            var versions = try await store.catalog.history(entryID: entry.entryID)
            let mayReadDrafts = AccessPolicy.decide(context.identity?.subject, .catalogRead, on: PolicyObject(organizationID: entry.providerID)).isAllowed
            if !mayReadDrafts { versions = versions.filter { [.published, .superseded, .retired].contains($0.status) } }
            try await store.audit.record(context.auditDraft(.catalogBrowse, objectID: entry.entryID, detail: ["path": request.uri.path]))
            return History(items: versions)
        }

        router.route(.put, "/api/v1/catalog/entries/{id}", .catalogWrite, guard: `guard`) { request, context -> Written in
            let current = try await ownedEntry(context, .catalogWrite)
            var entry = try await Self.decodeSnake(EntryInput.self, request, context).entry(providerID: current.providerID)
            entry.id = current.id
            entry.entryID = current.entryID
            let warnings = try await store.catalog.update(entry, audit: context.auditDraft(.catalogWrite, detail: ["operation": "update"]))
            return Written(entry: try await store.catalog.find(id: current.id)!, duplicateWarnings: warnings)
        }

        for transition in CatalogRules.Transition.allCases {
            let action: Action = (transition == .confirm || transition == .return) ? .catalogReview : .catalogWrite
            router.route(.post, RouterPath("/api/v1/catalog/entries/{id}/\(transition.rawValue)"), action, guard: `guard`) { request, context -> CatalogEntry in
                let current = try await ownedEntry(context, action)
                let body = request.headers[.contentLength] == "0" ? TransitionInput() : ((try? await decode(TransitionInput.self, request, context)) ?? TransitionInput())
                return try await store.catalog.apply(transition, to: current.id, comment: body.comment,
                                                     audit: context.auditDraft(action, detail: ["operation": transition.rawValue]))
            }
        }

        router.route(.post, "/api/v1/catalog/entries/{id}/revise", .catalogWrite, guard: `guard`) { _, context -> EditedResponse<CatalogEntry> in
            let current = try await ownedEntry(context, .catalogWrite)
            let draft = try await store.catalog.revise(current.id, audit: context.auditDraft(.catalogWrite, detail: ["operation": "revise"]))
            return EditedResponse(status: .created, response: draft)
        }

        router.route(.get, "/api/v1/catalog/review-queue", .catalogReview, guard: `guard`) { _, _ -> [Review] in
            let submitted = try await store.catalog.list(CatalogQuery(statuses: [.submitted], limit: 500)).entries
            var reviews: [Review] = []
            for entry in submitted {
                let previous = try await store.catalog.history(entryID: entry.entryID).first { $0.status == .published }
                reviews.append(Review(entry: entry, previous: previous, changes: previous.map { Self.changes(from: $0, to: entry) } ?? []))
            }
            return reviews
        }

        router.route(.get, "/api/v1/catalog/filings", .catalogFilings, guard: `guard`) { _, _ -> Filings in
            Filings(items: try await store.catalog.filings())
        }

        router.route(.post, "/api/v1/catalog/duplicate-check", .catalogWrite, guard: `guard`) { request, context -> Warnings in
            let input = try await Self.decodeSnake(FieldsInput.self, request, context)
            return Warnings(duplicateWarnings: try await store.catalog.duplicateWarnings(fields: input.fields.map(\.definition),
                                                                                       providerID: context.identity!.user.organizationID))
        }
    }

    /// An entry the caller may see: published ones for every catalog user, others per `catalog.read`.
    func visibleEntry(_ context: HaiheRequestContext) async throws -> CatalogEntry {
        let id = try context.parameters.require("id")
        guard let entry = try await store.catalog.find(id: id) else { throw HaiheError.notFound("catalog_entry", zh: "目录", id: id) }
        if [.published, .superseded, .retired].contains(entry.status) {
            try await `guard`.require(.catalogBrowse, context)
        } else {
            try await `guard`.require(.catalogRead, on: PolicyObject(organizationID: entry.providerID), context)
        }
        return entry
    }

    /// An entry the caller may act on with `action`, checked against the entry's provider.
    func ownedEntry(_ context: HaiheRequestContext, _ action: Action) async throws -> CatalogEntry {
        let id = try context.parameters.require("id")
        guard let entry = try await store.catalog.find(id: id) else { throw HaiheError.notFound("catalog_entry", zh: "目录", id: id) }
        try await `guard`.require(action, on: PolicyObject(organizationID: entry.providerID), context)
        return entry
    }

    func csv(_ entries: [CatalogEntry], catalog: CityCatalog) async throws -> Response {
        let names = Dictionary(uniqueKeysWithValues: try await store.organizations.list().map { ($0.id, $0.nameZH) })
        var text = "\u{FEFF}资源代码 resource_code,名称 title,提供方 provider,领域 domain,资源类型 resource_type,共享类型 share_type,开放类型 open_type,更新周期 update_frequency,格式 formats,信息项 fields,发布日期 published_at,版本 version,id\r\n"
        for e in entries {
            let row = [e.resourceCode, e.title, names[e.providerID] ?? e.providerID, e.domain.labelZH, e.resourceType.labelZH, e.shareType.labelZH,
                       e.openType.labelZH, e.updateFrequency.labelZH, e.formats.joined(separator: "/"), e.fields.map(\.labelZH).joined(separator: "、"),
                       e.publishedAt.map(Timestamp.format) ?? "", String(e.version), e.id]
            text += row.map(AuditAPI.csvField).joined(separator: ",") + "\r\n"
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"haihe-\(catalog.rawValue)-catalog.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func query(_ request: Request, catalog: CityCatalog?) throws -> CatalogQuery {
        let q = request.uri.queryParameters
        func text(_ name: String) -> String? { q[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        func parse<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
            guard let value = text(name) else { return nil }
            guard let parsed = T(rawValue: value) else {
                throw HaiheError.invalid("catalog.filter", zh: "筛选条件 \(name) 的取值 \(value) 无效", en: "Filter \(name) has no value \(value)")
            }
            return parsed
        }
        var sort: CatalogSort?
        if let value = text("sort") {
            // `title` ascending, `-published` descending (the JSON:API convention).
            guard let key = CatalogSort.Key(rawValue: value.hasPrefix("-") ? String(value.dropFirst()) : value) else {
                throw HaiheError.invalid("catalog.sort", zh: "排序方式 \(value) 无效", en: "Sort \(value) is not one of \(CatalogSort.Key.allCases.map(\.rawValue))")
            }
            sort = CatalogSort(key, descending: value.hasPrefix("-"))
        }
        return CatalogQuery(catalog: catalog, providerID: text("provider_id"), divisionCode: text("division"), domain: try parse("domain", Domain.self),
                            shareType: try parse("share_type", ShareType.self), openType: try parse("open_type", OpenType.self),
                            format: text("format"), updateFrequency: try parse("update_frequency", UpdateFrequency.self), keyword: text("keyword"),
                            text: text("q"), sort: sort,
                            limit: min(max(Int(text("limit") ?? "") ?? 20, 1), 500), offset: min(max(Int(text("offset") ?? "") ?? 0, 0), 100_000_000))
    }

    /// Which top-level properties differ between two versions, for the regulator's review.
    static func changes(from old: CatalogEntry, to new: CatalogEntry) -> [String] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        guard let a = try? JSONSerialization.jsonObject(with: encoder.encode(old)) as? [String: Any],
              let b = try? JSONSerialization.jsonObject(with: encoder.encode(new)) as? [String: Any] else { return [] }
        let ignored: Set<String> = ["id", "version", "status", "created_at", "updated_at", "submitted_at", "confirmed_at", "published_at", "review_comment", "data_updated_at"]
        return Set(a.keys).union(b.keys).subtracting(ignored).filter { key in
            !NSDictionary(dictionary: [key: a[key] ?? NSNull()]).isEqual(to: [key: b[key] ?? NSNull()])
        }.sorted()
    }

    static func decodeSnake<T: Decodable>(_ type: T.Type, _ request: Request, _ context: HaiheRequestContext) async throws -> T {
        try await decode(type, request, context, keys: .convertFromSnakeCase)
    }
}
