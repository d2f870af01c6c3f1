import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The CKAN Action API (version 3) over the open catalog (开放目录), so that CKAN clients such as
/// `ckanapi` and existing harvesters read Haihe unchanged. Only published entries whose open type is not
/// "not open" ever appear here. Responses use CKAN's envelope: `{"help", "success", "result"}` or
/// `{"help", "success": false, "error": {"__type", "message"}}`.
struct CKANAPI: Sendable {
    let store: Store
    /// Who may read a dataset's rows is decided once, by the public data API.
    let openData: OpenDataAPI

    /// An action's error in CKAN's shape (`__type` and `message`), the message in Chinese and English like every error.
    struct Failure: Error {
        let type: String
        let message: String
        let status: HTTPResponse.Status

        init(type: String, zh: String, en: String, status: HTTPResponse.Status) {
            self.init(type: type, message: "\(zh) / \(en)", status: status)
        }

        /// From a platform error, whose message is already in both languages.
        init(type: String, message: String, status: HTTPResponse.Status) {
            self.type = type
            self.message = message
            self.status = status
        }

        static let notFound = Failure(type: "Not Found Error", zh: "未找到", en: "Not found", status: .notFound)
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        // CKAN serves actions both with and without the API version in the path; clients use either.
        for (path, method) in [("/api/3/action/{name}", HTTPRequest.Method.get), ("/api/3/action/{name}", .post),
                               ("/api/action/{name}", .get), ("/api/action/{name}", .post)] {
            router.on(RouterPath(path), method: method) { request, context -> Response in
                let name = try context.parameters.require("name")
                let help = "/api/3/action/help_show?name=\(name)"
                do {
                    let params = try await Self.parameters(request, context)
                    let result = try await dispatch(name, params, baseURL: Self.baseURL(request), context: context)
                    // Answers to a caller with a key may hold data under an approval: no shared cache keeps them.
                    return Self.envelope(["help": help, "success": true, "result": result], status: .ok, personal: context.identity != nil)
                } catch let failure as Failure {
                    return Self.envelope(["help": help, "success": false, "error": ["__type": failure.type, "message": failure.message]], status: failure.status)
                } catch let error as HaiheError {
                    let type = error.kind == .forbidden || error.kind == .unauthenticated ? "Authorization Error" : "Validation Error"
                    return Self.envelope(["help": help, "success": false, "error": ["__type": type, "message": error.message]],
                                         status: error.kind.status)
                }
            }
        }
        router.get("/api/3") { _, _ -> Response in Self.envelope(["version": 3], status: .ok) }
    }

    /// Resource links must be absolute for CKAN clients; they are built from the address the client used.
    static func baseURL(_ request: Request) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        return "\(request.head.scheme ?? "http")://\(host)"
    }

    func dispatch(_ name: String, _ params: [String: Any], baseURL: String, context: HaiheRequestContext) async throws -> Any {
        switch name {
        case "datastore_search":
            // Rows are read under the policy like /api/v1's (a key without the read scope reads nothing here either).
            try await openData.guard.require(.openDataRead, context)
            return try await datastoreSearch(params, baseURL: baseURL, userID: context.identity?.user.id)
        case "status_show":
            return ["ckan_version": "2.10.0", "site_title": "海河 Haihe 天津市政务数据开放平台", "site_description": "Tianjin open government data",
                    "site_url": "", "locale_default": "zh_Hans_CN", "extensions": ["haihe"]] as [String: Any]
        case "package_list":
            let offset = max(Self.int(params["offset"]) ?? 0, 0)
            let limit = Self.int(params["limit"]).map { max($0, 0) }
            return try await store.catalog.resourceCodes(in: .open, limit: limit, offset: offset).map { $0.lowercased() }
        case "package_show":
            guard let id = params["id"] as? String ?? params["name_or_id"] as? String else { throw Self.missing("id") }
            guard let entry = try await findOpen(id) else { throw Failure.notFound }
            return try await package(entry, organizations: organizationMap(), baseURL: baseURL)
        case "package_search":
            return try await search(params, baseURL: baseURL)
        case "organization_list":
            let all = params["all_fields"].map(Self.bool) ?? false
            let organizations = try await publishingOrganizations()
            return all ? organizations.map { Self.organization($0.0, count: $0.1) } : organizations.map { Self.organizationName($0.0) }
        case "organization_show":
            guard let id = params["id"] as? String else { throw Self.missing("id") }
            let organizations = try await publishingOrganizations()
            guard let (organization, count) = organizations.first(where: { $0.0.id == id || Self.organizationName($0.0) == id }) else {
                throw Failure.notFound
            }
            var result = Self.organization(organization, count: count)
            if params["include_datasets"].map(Self.bool) ?? false {
                let names = try await organizationMap()
                var packages: [Any] = []
                var query = CatalogQuery(catalog: .open, providerID: organization.id, sort: CatalogSort(.code, descending: false), limit: 500)
                while true {
                    let page = try await store.catalog.list(query)
                    for entry in page.entries { packages.append(try await package(entry, organizations: names, baseURL: baseURL)) }
                    if page.entries.count < query.limit || packages.count >= 1_000 { break }
                    query.offset += query.limit
                }
                result["packages"] = packages
            }
            return result
        case "tag_list":
            let query = (params["query"] as? String)?.lowercased()
            return try await openFacets()["keyword", default: [:]].keys.filter { query == nil || $0.lowercased().contains(query!) }.sorted()
        case "group_list":
            return try await openFacets()["domain", default: [:]].keys.sorted()
        default:
            throw Failure(type: "Not Found Error", zh: "不支持的操作：\(name)", en: "Action name not known: \(name)", status: .badRequest)
        }
    }

    // MARK: package_search

    func search(_ params: [String: Any], baseURL: String) async throws -> [String: Any] {
        let organizations = try await organizationMap()
        var query = CatalogQuery(catalog: .open)
        if let q = (params["q"] as? String)?.trimmingCharacters(in: .whitespaces), !q.isEmpty, q != "*:*" { query.text = q }
        var matchesNothing = false
        for (field, value) in Self.filterQuery(params["fq"] as? String ?? "") {
            switch field {
            case "organization", "owner_org":
                let organization = organizations.values.first { Self.organizationName($0) == value || $0.id == value }
                if let organization { query.providerID = organization.id } else { matchesNothing = true }
            case "tags": query.keyword = value
            case "res_format": query.format = value
            case "groups": if let domain = Domain(rawValue: value) { query.domain = domain } else { matchesNothing = true }
            case "name": query.resourceCode = value
            default: break
            }
        }
        let sort = (params["sort"] as? String ?? "score desc, metadata_modified desc").lowercased()
        let descending = sort.split(separator: ",").first.map { $0.contains("desc") } ?? true
        if sort.hasPrefix("title") {
            query.sort = CatalogSort(.title, descending: descending)
        } else if sort.hasPrefix("metadata_created") {
            query.sort = CatalogSort(.created, descending: descending)
        } else if sort.hasPrefix("name") {
            query.sort = CatalogSort(.code, descending: descending)
        } else {
            // CKAN's default is relevance, then last modified; Haihe ranks by last modified.
            query.sort = CatalogSort(.modified, descending: sort.hasPrefix("metadata_modified") ? descending : true)
        }
        let rows = min(max(Self.int(params["rows"]) ?? 10, 0), 1000)
        query.offset = max(Self.int(params["start"]) ?? 0, 0)
        query.limit = max(1, min(rows, 500))
        var page = matchesNothing ? CatalogPage(entries: [], total: 0, facets: [:]) : try await store.catalog.list(query)
        var entries = page.entries
        while !matchesNothing, entries.count < rows, page.entries.count == query.limit {
            query.offset += query.limit
            page = try await store.catalog.list(query)
            entries += page.entries
        }
        var results: [Any] = []
        for entry in entries.prefix(rows) { results.append(try await package(entry, organizations: organizations, baseURL: baseURL)) }

        var facetFields: [String] = []
        if let text = params["facet.field"] as? String, let data = text.data(using: .utf8) {
            facetFields = (try? JSONSerialization.jsonObject(with: data) as? [String]) ?? [text]
        } else if let list = params["facet.field"] as? [String] {
            facetFields = list
        }
        let facetLimit = Self.int(params["facet.limit"]) ?? 50
        var facets: [String: Any] = [:]
        var searchFacets: [String: Any] = [:]
        for field in facetFields {
            var counts: [String: Int] = [:]
            var titles: [String: String] = [:]
            switch field {
            case "organization":
                for (id, count) in page.facets["provider_id", default: [:]] {
                    guard let organization = organizations[id] else { continue }
                    counts[Self.organizationName(organization)] = count
                    titles[Self.organizationName(organization)] = organization.nameZH
                }
            case "tags": counts = page.facets["keyword"] ?? [:]
            case "res_format": counts = page.facets["format"] ?? [:]
            case "groups":
                counts = page.facets["domain"] ?? [:]
                for key in counts.keys { titles[key] = Domain(rawValue: key)?.labelZH }
            case "license_id": if page.total > 0 { counts["cc-by-4.0"] = page.total }
            default: break
            }
            let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(facetLimit < 0 ? Int.max : facetLimit)
            facets[field] = Dictionary(uniqueKeysWithValues: top.map { ($0.key, $0.value) })
            searchFacets[field] = ["title": field, "items": top.map { ["name": $0.key, "display_name": titles[$0.key] ?? $0.key, "count": $0.value] }]
        }
        return ["count": page.total, "sort": sort, "results": results, "facets": facets, "search_facets": searchFacets]
    }

    /// `fq` in the forms CKAN clients send: `organization:name tags:"a b" +res_format:CSV`, joined by spaces or AND.
    static func filterQuery(_ fq: String) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var rest = Substring(fq)
        while let colon = rest.firstIndex(of: ":") {
            let key = rest[..<colon].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "AND ", with: "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "+ "))
            var after = rest[rest.index(after: colon)...]
            let value: String
            if after.first == "\"" {
                after = after.dropFirst()
                let end = after.firstIndex(of: "\"") ?? after.endIndex
                value = String(after[..<end])
                rest = end < after.endIndex ? after[after.index(after: end)...] : ""
            } else {
                let end = after.firstIndex(of: " ") ?? after.endIndex
                value = String(after[..<end])
                rest = after[end...]
            }
            pairs.append((key, value))
        }
        return pairs
    }

    // MARK: Mapping

    /// Every entry of the open catalog (the DCAT catalog document lists them all).
    func allOpen() async throws -> [CatalogEntry] {
        try await store.catalog.all(CatalogQuery(catalog: .open, sort: CatalogSort(.code, descending: false)))
    }

    /// Facet counts over the whole open catalog (tags, groups, organisations) without reading any entry.
    func openFacets() async throws -> [String: [String: Int]] {
        try await store.catalog.list(CatalogQuery(catalog: .open, limit: 1)).facets
    }

    func findOpen(_ idOrName: String) async throws -> CatalogEntry? {
        try await store.catalog.findPublished(idOrName, in: .open)
    }

    func organizationMap() async throws -> [String: Organization] {
        Dictionary(uniqueKeysWithValues: try await store.organizations.list().map { ($0.id, $0) })
    }

    func publishingOrganizations() async throws -> [(Organization, Int)] {
        let counts = try await openFacets()["provider_id", default: [:]]
        return try await store.organizations.list().compactMap { organization in counts[organization.id].map { (organization, $0) } }
    }

    /// CKAN package names are lower-case, URL-safe and stable: the resource code.
    static func packageName(_ entry: CatalogEntry) -> String { entry.resourceCode.lowercased() }

    static func organizationName(_ organization: Organization) -> String {
        (organization.creditCode ?? organization.id).lowercased()
    }

    static func organization(_ organization: Organization, count: Int) -> [String: Any] {
        ["id": organization.id, "name": organizationName(organization), "title": organization.nameZH, "display_name": organization.nameZH,
         "description": organization.nameEN ?? "", "type": "organization", "state": "active", "is_organization": true,
         "approval_status": "approved", "package_count": count, "created": Timestamp.format(organization.createdAt), "image_url": ""]
    }

    func package(_ entry: CatalogEntry, organizations: [String: Organization], baseURL: String) async throws -> [String: Any] {
        let organization = organizations[entry.providerID]
        let resources: [[String: Any]] = entry.formats.enumerated().map { index, format in
            ["id": "\(entry.entryID)-\(format.lowercased())", "package_id": entry.entryID, "name": "\(entry.title)（\(format)）", "format": format,
             "url": "\(baseURL)/api/v1/datasets/\(entry.entryID)/download.\(format.lowercased())", "description": entry.summary,
             "datastore_active": format.uppercased() == "CSV", "position": index, "state": "active",
             "created": Timestamp.format(entry.publishedAt ?? entry.createdAt), "last_modified": (entry.dataUpdatedAt.map(Timestamp.format) as Any?) ?? NSNull(),
             "mimetype": Self.mimeType(format)]
        }
        let extras: [[String: String]] = [
            ["key": "resource_code", "value": entry.resourceCode], ["key": "share_type", "value": entry.shareType.rawValue],
            ["key": "open_type", "value": entry.openType.rawValue], ["key": "update_frequency", "value": entry.updateFrequency.rawValue],
            ["key": "domain", "value": entry.domain.rawValue], ["key": "resource_type", "value": entry.resourceType.rawValue],
            ["key": "version", "value": String(entry.version)],
        ] + (entry.openConditions.map { [["key": "open_conditions", "value": $0]] } ?? [])
        return [
            "id": entry.entryID, "name": Self.packageName(entry), "title": entry.title, "notes": entry.summary, "type": "dataset",
            "state": "active", "private": false, "version": String(entry.version), "url": "", "isopen": entry.openType == .unconditional,
            "license_id": "cc-by-4.0", "license_title": "Creative Commons Attribution 4.0",
            "author": organization?.nameZH ?? "", "maintainer": entry.contact?.name ?? organization?.contact?.name ?? "",
            "maintainer_email": entry.contact?.email ?? organization?.contact?.email ?? NSNull(),
            "metadata_created": Timestamp.format(entry.createdAt), "metadata_modified": Timestamp.format(entry.updatedAt),
            "owner_org": entry.providerID,
            "organization": organization.map { Self.organization($0, count: 0) } ?? NSNull(),
            "tags": entry.keywords.map { ["name": $0, "display_name": $0, "state": "active"] }, "num_tags": entry.keywords.count,
            "groups": [["name": entry.domain.rawValue, "title": entry.domain.labelZH, "display_name": entry.domain.labelZH]],
            "resources": resources, "num_resources": resources.count, "extras": extras,
        ]
    }

    /// CKAN DataStore's search over a dataset's rows in force (`resource_id` is the CSV resource's id, as `package_show`
    /// lists it, or the dataset's id or code): `filters` (exact values), `q`, `fields`, `sort`, `limit`, `offset`,
    /// `include_total`, answered in CKAN's shape. Conditionally open data only to the holder of an approved application.
    func datastoreSearch(_ params: [String: Any], baseURL: String, userID: String?) async throws -> [String: Any] {
        guard let resourceID = params["resource_id"] as? String ?? params["id"] as? String else { throw Self.missing("resource_id") }
        let datasetID = resourceID.hasSuffix("-csv") ? String(resourceID.dropLast(4)) : resourceID
        let notFound = Failure(type: "Not Found Error", zh: "未找到资源“\(resourceID)”", en: "Resource \"\(resourceID)\" was not found.", status: .notFound)
        guard let entry = try await findOpen(datasetID) else { throw notFound }
        // Conditionally open data is read here exactly as through /api/v1: by the holder of an approved application in force.
        let readable: OpenDataAPI.Readable
        do {
            readable = try await openData.readable(entry, userID: userID)
        } catch let error as HaiheError where error.kind == .forbidden {
            throw Failure(type: "Authorization Error", message: error.message, status: .forbidden)
        } catch let error as HaiheError where error.kind == .notFound {
            throw notFound  // no data published yet
        }
        let (version, fields) = (readable.version, readable.fields)
        var parameters: [(String, String)] = []
        var filters: [String: Any] = [:]
        if let text = params["filters"] as? String, !text.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw Failure(type: "Validation Error", zh: "filters 须为 JSON 对象", en: "filters: must be a JSON object", status: .conflict)
            }
            filters = object
        } else if let object = params["filters"] as? [String: Any] {
            filters = object
        }
        let known = Set(fields.map(\.name))
        for (field, value) in filters.sorted(by: { $0.key < $1.key }) {
            // Filter keys are field names, nothing else (not query words such as cursor or sort, not operators).
            guard known.contains(field) else {
                throw Failure(type: "Validation Error", zh: "filters：“\(field)”不是该资源的字段", en: "filters: \"\(field)\" is not a field of this resource", status: .conflict)
            }
            if let list = value as? [Any] {
                parameters.append(("\(field)__in", list.map { BatchReader.text(of: $0) }.joined(separator: ",")))
            } else {
                parameters.append((field, BatchReader.text(of: value)))
            }
        }
        if let selected = params["fields"] {
            let names = (selected as? [String]) ?? (selected as? String)?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
            let kept = names.filter { $0 != "_id" }
            if !kept.isEmpty { parameters.append(("select", kept.joined(separator: ","))) }
        }
        if let sort = params["sort"] as? String, !sort.isEmpty {
            let keys = sort.split(separator: ",").map { part -> String in
                let words = part.split(separator: " ").map(String.init)
                let name = words.first?.replacingOccurrences(of: "\"", with: "") ?? ""
                return (words.count > 1 && words[1].lowercased() == "desc" ? "-" : "") + name
            }
            parameters.append(("sort", keys.joined(separator: ",")))
        }
        let limit = min(try Self.count(params, "limit") ?? 100, DatasetQuery.maximumLimit)
        let offset = try Self.count(params, "offset") ?? 0
        guard offset <= DatasetQuery.maximumOffset else {
            throw Failure(type: "Validation Error", zh: "offset 不能超过 \(DatasetQuery.maximumOffset)", en: "offset: must be at most \(DatasetQuery.maximumOffset)", status: .conflict)
        }
        if let q = params["q"] as? String, q.count > 200 {
            throw Failure(type: "Validation Error", zh: "q 最长200字符", en: "q: at most 200 characters", status: .conflict)
        }
        parameters.append(("limit", String(max(limit, 1))))
        parameters.append(("offset", String(min(offset, DatasetQuery.maximumOffset))))
        var query: DatasetQuery
        do {
            query = try DatasetQuery(parameters: parameters, fields: fields)
        } catch let error as HaiheError {
            throw Failure(type: "Validation Error", message: error.message, status: .conflict)
        }
        if let q = params["q"] as? String, !q.isEmpty { query.search = q }
        let includeTotal = (params["include_total"] as? String).map { $0.lowercased() != "false" } ?? (params["include_total"] as? Bool ?? true)
        let page = try await store.datasets.page(version, fields: fields, visible: fields.map(\.name), query: query, countTotal: includeTotal)
        let types = Dictionary(fields.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        let records: [[String: Any]] = limit == 0 ? [] : page.rows.enumerated().map { index, values in
            // CKAN's _id names a row for good: the row's number in its version, not its place on this page.
            var record: [String: Any] = ["_id": page.rowNumbers.indices.contains(index) ? Int(page.rowNumbers[index]) : offset + index + 1]
            for (column, value) in zip(page.columns, values) {
                switch value {
                case .null, .blob: record[column] = NSNull()
                case .integer(let i): record[column] = types[column] == .boolean ? (i != 0) as Any : i as Any
                case .real(let d): record[column] = d
                case .text(let t): record[column] = t
                }
            }
            return record
        }
        // The links repeat the question (filters, q, fields, sort, limit) so that a client following `next` reads on.
        var asked: [(String, String)] = [("resource_id", resourceID)]
        if !filters.isEmpty, let data = try? JSONSerialization.data(withJSONObject: filters, options: [.sortedKeys]) {
            asked.append(("filters", String(decoding: data, as: UTF8.self)))
        }
        if let q = params["q"] as? String, !q.isEmpty { asked.append(("q", q)) }
        if let selected = params["fields"] {
            asked.append(("fields", (selected as? [String])?.joined(separator: ",") ?? BatchReader.text(of: selected)))
        }
        if let sort = params["sort"] as? String, !sort.isEmpty { asked.append(("sort", sort)) }
        if params["limit"] != nil { asked.append(("limit", String(limit))) }
        if !includeTotal { asked.append(("include_total", "false")) }
        let start = "/api/3/action/datastore_search?" + asked.map { "\($0)=\(Self.queryEscaped($1))" }.joined(separator: "&")
        var result: [String: Any] = [
            "resource_id": resourceID, "records_format": "objects", "limit": limit, "include_total": includeTotal,
            "fields": [["id": "_id", "type": "int"]] + page.columns.map { ["id": $0, "type": Self.datastoreType(types[$0] ?? .text)] },
            "records": records, "_links": ["start": start, "next": "\(start)&offset=\(offset + limit)"],
        ]
        if offset > 0 { result["offset"] = offset }
        if includeTotal { result["total"] = page.total; result["total_was_estimated"] = false }
        if let q = params["q"] as? String, !q.isEmpty { result["q"] = q }
        if !filters.isEmpty { result["filters"] = filters }
        return result
    }

    static func datastoreType(_ type: FieldType) -> String {
        switch type {
        case .integer: "int"
        case .decimal: "numeric"
        case .text: "text"
        case .date: "date"
        case .datetime: "timestamp"
        case .boolean: "bool"
        }
    }

    // MARK: Plumbing

    static func parameters(_ request: Request, _ context: HaiheRequestContext) async throws -> [String: Any] {
        var params: [String: Any] = [:]
        for (key, value) in request.uri.queryParameters { params[String(key)] = String(value) }
        if request.method == .post {
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            if body.readableBytes > 0 {
                if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                    for (key, value) in FormFields(String(buffer: body)).pairs { params[key] = value }
                } else if let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] {
                    params.merge(object) { _, new in new }
                } else {
                    throw Failure(type: "Validation Error", zh: "请求体不是有效的 JSON", en: "Request body is not valid JSON", status: .badRequest)
                }
            }
        }
        return params
    }

    static func queryEscaped(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    static func envelope(_ object: [String: Any], status: HTTPResponse.Status, personal: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if personal {
            headers[.cacheControl] = "private, no-store"
            headers[.vary] = "Authorization, X-CKAN-API-Key, Cookie"
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func mimeType(_ format: String) -> Any {
        switch format.uppercased() {
        case "CSV": "text/csv"
        case "JSON": "application/json"
        case "XML": "application/xml"
        default: NSNull()
        }
    }

    static func missing(_ name: String) -> Failure {
        Failure(type: "Validation Error", zh: "缺少参数：\(name)", en: "Missing value: \(name)", status: .conflict)
    }

    static func int(_ value: Any?) -> Int? {
        if let i = value as? Int { return i }
        if let s = value as? String { return Int(s) }
        return nil
    }

    /// A limit or offset: absent, or a whole number of zero or more (CKAN answers "Invalid integer" to anything else).
    static func count(_ params: [String: Any], _ name: String) throws -> Int? {
        guard let value = params[name] else { return nil }
        guard let number = int(value), number >= 0 else {
            throw Failure(type: "Validation Error", zh: "\(name) 须为非负整数", en: "\(name): must be a whole number of zero or more", status: .conflict)
        }
        return number
    }

    static func bool(_ value: Any) -> Bool {
        if let b = value as? Bool { return b }
        return ["true", "1", "yes", "True"].contains(value as? String ?? "")
    }
}
