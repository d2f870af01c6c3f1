import Foundation
import HaiheCore

/// Which of the city's catalogs to browse (Art. 10: 政务数据目录、共享目录、开放目录).
public enum CityCatalog: String, Sendable, CaseIterable {
    /// 政务数据目录: every published entry.
    case government
    /// 共享目录: published entries whose share type is not "not shared".
    case sharing
    /// 开放目录: published entries whose open type is not "not open".
    case open

    public var labelZH: String {
        switch self {
        case .government: "政务数据目录"
        case .sharing: "共享目录"
        case .open: "开放目录"
        }
    }
}

extension CityCatalog {
    /// The SQL condition, after `status = 'published'`, that makes a published version a member of this catalog.
    var membership: String {
        switch self {
        case .government: ""
        case .sharing: " AND share_type <> 'not_shared'"
        case .open: " AND open_type <> 'not_open'"
        }
    }
}

/// What to list: a city catalog (published entries only) or the working list of versions.
public struct CatalogQuery: Sendable, Equatable {
    public var catalog: CityCatalog?
    public var statuses: [EntryStatus]?
    public var providerID: String?
    public var divisionCode: String?
    public var domain: Domain?
    public var shareType: ShareType?
    public var openType: OpenType?
    public var format: String?
    public var updateFrequency: UpdateFrequency?
    /// An exact keyword (CKAN's tags).
    public var keyword: String?
    public var resourceCode: String?
    /// Full text over title, summary, keywords, subject, field labels and the provider's name; Chinese or English.
    public var text: String?
    /// Nil: newest published first in a city catalog, last modified first in the working list.
    public var sort: CatalogSort?
    public var limit: Int
    public var offset: Int

    public init(catalog: CityCatalog? = nil, statuses: [EntryStatus]? = nil, providerID: String? = nil, divisionCode: String? = nil,
                domain: Domain? = nil, shareType: ShareType? = nil, openType: OpenType? = nil, format: String? = nil,
                updateFrequency: UpdateFrequency? = nil, keyword: String? = nil, resourceCode: String? = nil, text: String? = nil,
                sort: CatalogSort? = nil, limit: Int = 20, offset: Int = 0) {
        self.catalog = catalog
        self.statuses = statuses
        self.providerID = providerID
        self.divisionCode = divisionCode
        self.domain = domain
        self.shareType = shareType
        self.openType = openType
        self.format = format
        self.updateFrequency = updateFrequency
        self.keyword = keyword
        self.resourceCode = resourceCode
        self.text = text
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }
}

/// The order of a catalog listing; ties are broken by version id so pages never overlap.
public struct CatalogSort: Sendable, Equatable {
    public enum Key: String, Sendable, CaseIterable {
        case published, modified, created, title, code

        var column: String {
            switch self {
            case .published: "published_at"
            case .modified: "updated_at"
            case .created: "created_at"
            case .title: "title"
            case .code: "resource_code"
            }
        }
    }

    public var key: Key
    public var descending: Bool

    public init(_ key: Key, descending: Bool) {
        self.key = key
        self.descending = descending
    }
}

public struct CatalogPage: Sendable {
    public var entries: [CatalogEntry]
    public var total: Int
    /// Counts per value of domain, provider_id, share_type, open_type, update_frequency, format and keyword over the whole result.
    public var facets: [String: [String: Int]]

    public init(entries: [CatalogEntry], total: Int, facets: [String: [String: Int]]) {
        self.entries = entries
        self.total = total
        self.facets = facets
    }
}

/// A legal basis filed with the regulator when a conditional or "not" entry was submitted (备案, Art. 16).
public struct LegalBasisFiling: Sendable, Codable, Equatable {
    public var id: String
    public var entryID: String
    public var entryVersionID: String
    public var providerID: String
    public var shareType: ShareType
    public var openType: OpenType
    public var legalBasis: LegalBasis
    public var filedAt: Date
}

/// Catalog entries, their versions and lifecycle, the three city catalogs, and legal-basis filings.
public struct CatalogStore: Sendable {
    let database: any SQLDatabase
    /// Shared by every copy of this store value: one index per process and database.
    let index = PublishedCatalogIndex()

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text)) }
            return date
        }
        return d
    }()

    /// Stores a new entry (version 1, a draft) and returns the duplicate-collection warnings for its fields.
    public func create(_ entry: CatalogEntry, audit: AuditDraft) async throws -> [DuplicateWarning] {
        try CatalogRules.validate(entry)
        let warnings = try await duplicateWarnings(fields: entry.fields, providerID: entry.providerID)
        try await database.transaction { session in
            try await Self.checkCodeIsFree(entry, in: session)
            try await Self.insert(entry, in: session)
            try await AuditTrail.append(audit.about(entry.id, ["title": entry.title, "version": String(entry.version)]), in: session)
        }
        return warnings
    }

    /// Rewrites a version that is still editable (draft or returned).
    public func update(_ entry: CatalogEntry, audit: AuditDraft) async throws -> [DuplicateWarning] {
        try CatalogRules.validate(entry)
        let warnings = try await duplicateWarnings(fields: entry.fields, providerID: entry.providerID)
        try await database.transaction { session in
            let current = try await Self.lockedVersion(entry.id, in: session)
            guard current.status.isEditable else {
                throw HaiheError.conflict("catalog.not_editable", zh: "目录当前状态为“\(current.status.labelZH)”，不能修改；已发布的目录请先修订",
                                          en: "The entry is \(current.status.rawValue) and cannot be edited; revise a published entry instead")
            }
            var updated = entry
            updated.entryID = current.entryID
            updated.version = current.version
            updated.status = current.status
            updated.providerID = current.providerID
            updated.createdAt = current.createdAt
            updated.updatedAt = Date()
            // The body carries content only; lifecycle facts stay as they were.
            updated.reviewComment = current.reviewComment
            updated.submittedAt = current.submittedAt
            updated.confirmedAt = current.confirmedAt
            updated.publishedAt = current.publishedAt
            updated.dataUpdatedAt = current.dataUpdatedAt
            try await Self.checkCodeIsFree(updated, in: session)
            try await Self.insert(updated, in: session, replacing: true)
            try await AuditTrail.append(audit.about(entry.id, ["title": entry.title]), in: session)
        }
        return warnings
    }

    /// Moves a version through its lifecycle. Publishing supersedes the entry's previously published version;
    /// submitting a conditional or "not" entry files its legal basis with the regulator.
    @discardableResult
    public func apply(_ transition: CatalogRules.Transition, to versionID: String, comment: String? = nil, audit: AuditDraft,
                      at time: Date = Date()) async throws -> CatalogEntry {
        try await database.transaction { session in
            let current = try await Self.lockedVersion(versionID, in: session)
            if transition == .retire, let open = try await session.first(
                "SELECT id FROM catalog_entries WHERE entry_id = $1 AND status IN ('draft', 'submitted', 'returned', 'confirmed')", current.entryID) {
                throw HaiheError.conflict("catalog.revision_open", zh: "该目录有未完成的修订版本（\(try open.string("id"))），请先处理后再撤销",
                                          en: "The entry has an unfinished revision (\(try open.string("id"))); finish or discard it before retiring")
            }
            var next = try CatalogRules.apply(transition, to: current, comment: comment, at: time)
            if transition == .publish {
                for row in try await session.query("SELECT id FROM catalog_entries WHERE entry_id = $1 AND status = 'published'\(session.dialect.forUpdate)", current.entryID) {
                    var old = try await Self.lockedVersion(try row.string("id"), in: session)
                    // Data that kept arriving on the version in force counts for its successor.
                    if let arrived = old.dataUpdatedAt, arrived > (next.dataUpdatedAt ?? .distantPast) { next.dataUpdatedAt = arrived }
                    old.status = .superseded
                    old.updatedAt = time
                    try await Self.write(old, in: session)
                }
            }
            try await Self.write(next, in: session)
            if transition == .submit { try await Self.fileLegalBasis(next, in: session, at: time) }
            var detail = ["from": current.status.rawValue, "to": next.status.rawValue, "version": String(next.version)]
            if let comment { detail["comment"] = comment }
            try await AuditTrail.append(audit.about(versionID, detail), in: session, at: time)
            return next
        }
    }

    /// Opens a new draft version of a published entry; the published version stays in force meanwhile.
    public func revise(_ versionID: String, audit: AuditDraft, at time: Date = Date()) async throws -> CatalogEntry {
        try await database.transaction { session in
            let published = try await Self.lockedVersion(versionID, in: session)
            let pending = try await session.query(
                "SELECT id FROM catalog_entries WHERE entry_id = $1 AND status IN ('draft', 'submitted', 'returned', 'confirmed')", published.entryID)
            if let open = pending.first {
                throw HaiheError.conflict("catalog.revision_open", zh: "该目录已有未完成的修订版本（\(try open.string("id"))）",
                                          en: "The entry already has an unfinished revision (\(try open.string("id")))")
            }
            let draft = try CatalogRules.revise(published, at: time)
            try await Self.insert(draft, in: session)
            try await AuditTrail.append(audit.about(draft.id, ["revises": published.id, "version": String(draft.version)]), in: session, at: time)
            return draft
        }
    }

    public func find(id: String) async throws -> CatalogEntry? {
        try await database.read { try await $0.first("SELECT document FROM catalog_entries WHERE id = $1", id) }.map(Self.decode)
    }

    /// The version in force of an entry in a city catalog, by entry id, version id or resource code.
    public func findPublished(_ idOrCode: String, in catalog: CityCatalog) async throws -> CatalogEntry? {
        let membership = catalog.membership
        return try await database.read {
            try await $0.first("SELECT document FROM catalog_entries WHERE status = 'published'\(membership) AND (entry_id = $1 OR id = $1 OR resource_code = $1)", idOrCode)
        }.map(Self.decode)
    }

    /// Every version of an entry, newest first.
    public func history(entryID: String) async throws -> [CatalogEntry] {
        try await database.read { try await $0.query("SELECT document FROM catalog_entries WHERE entry_id = $1 ORDER BY version DESC", entryID) }
            .map(Self.decode)
    }

    public func filings(limit: Int = 200) async throws -> [LegalBasisFiling] {
        try await database.read {
            try await $0.query("SELECT * FROM legal_basis_filings ORDER BY filed_at DESC LIMIT \(max(1, min(limit, 1000)))")
        }.map { row in
            LegalBasisFiling(id: try row.string("id"), entryID: try row.string("entry_id"), entryVersionID: try row.string("entry_version_id"),
                             providerID: try row.string("provider_id"), shareType: ShareType(rawValue: try row.string("share_type")) ?? .conditional,
                             openType: OpenType(rawValue: try row.string("open_type")) ?? .conditional,
                             legalBasis: LegalBasis(name: try row.string("law_name"), article: try row.string("article"), note: row.optionalString("note")),
                             filedAt: try row.date("filed_at"))
        }
    }

    /// The published entries of every organisation but `providerID`, for duplicate detection.
    public func duplicateWarnings(fields: [FieldDefinition], providerID: String) async throws -> [DuplicateWarning] {
        let published = try await database.read {
            try await $0.query("SELECT document FROM catalog_entries WHERE status = 'published' AND provider_id <> $1", providerID)
        }.map(Self.decode)
        return DuplicateCollection.warnings(for: fields, providerID: providerID, against: published)
    }

    /// Lists entries with the total and facet counts over the whole result: a city catalog from the in-memory index of
    /// published versions, the working list (any status, for the console) from SQL.
    public func list(_ query: CatalogQuery) async throws -> CatalogPage {
        let limit = max(1, min(query.limit, 500)), offset = max(0, min(query.offset, 1_000_000))
        guard let catalog = query.catalog else { return try await listVersions(query, limit: limit, offset: offset) }
        try await refreshIndex()
        var providerIDs: Set<String>?
        if let provider = query.providerID { providerIDs = [provider] }
        if let division = query.divisionCode {
            let inDivision = Set(try await database.read {
                try await $0.query("SELECT id FROM organizations WHERE division_code = $1", division)
            }.map { try $0.string("id") })
            providerIDs = providerIDs.map { $0.intersection(inDivision) } ?? inDivision
        }
        let result = index.search(PublishedCatalogIndex.Query(
            catalog: catalog, providerIDs: providerIDs, domain: query.domain?.rawValue, shareType: query.shareType?.rawValue,
            openType: query.openType?.rawValue, updateFrequency: query.updateFrequency?.rawValue, format: query.format?.uppercased(),
            keyword: query.keyword, resourceCode: query.resourceCode, words: Self.searchWords(query.text),
            sort: query.sort ?? CatalogSort(.published, descending: true), limit: limit, offset: offset))
        return CatalogPage(entries: try await versions(result.versionIDs), total: result.total, facets: result.facets)
    }

    /// Every entry a query matches, read page by page (exports, the DCAT document, the demo).
    public func all(_ query: CatalogQuery) async throws -> [CatalogEntry] {
        var query = query
        query.limit = 500
        query.offset = 0
        var entries: [CatalogEntry] = []
        while true {
            let page = try await list(query)
            entries += page.entries
            if page.entries.count < query.limit { return entries }
            query.offset += query.limit
        }
    }

    /// The resource codes of a city catalog's entries in code order (CKAN's `package_list`), without reading the entries.
    public func resourceCodes(in catalog: CityCatalog, limit: Int?, offset: Int) async throws -> [String] {
        let membership = catalog.membership
        let bounds = (limit.map { " LIMIT \(min($0, 1_000_000))" } ?? " LIMIT 1000000") + " OFFSET \(min(offset, 1_000_000))"
        return try await database.read {
            try await $0.query("SELECT resource_code FROM catalog_entries WHERE status = 'published'\(membership) ORDER BY lower(resource_code), id\(bounds)")
        }.map { try $0.string("resource_code") }
    }

    /// The query text as the search matches it: lower-cased words, each a substring of the entry's search text.
    static func searchWords(_ text: String?) -> [String] {
        (text ?? "").lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// The given versions, in the given order.
    func versions(_ ids: [String]) async throws -> [CatalogEntry] {
        guard !ids.isEmpty else { return [] }
        let placeholders = ids.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let byID = Dictionary(uniqueKeysWithValues: try await database.read {
            try await $0.query("SELECT document FROM catalog_entries WHERE id IN (\(placeholders))", ids.map { SQLValue.text($0) })
        }.map(Self.decode).map { ($0.id, $0) })
        return ids.compactMap { byID[$0] }
    }

    /// Applies to the index every row written since it last looked (see `PublishedCatalogIndex`). Every catalog
    /// query does this first; the server also calls it once before listening, to build the index.
    public func refreshIndex() async throws {
        let seen = index.appliedSequence
        let rows = try await database.read { session -> [SQLRow] in
            guard let latest = try await session.scalarInt("SELECT value FROM catalog_sequence WHERE id = 1"), latest > seen else { return [] }
            return try await session.query("""
                SELECT id, change_seq, status, provider_id, resource_code, title, domain, share_type, open_type, update_frequency,
                       formats, keywords, search_text, published_at, created_at, updated_at, CASE WHEN keywords IS NULL THEN document END AS document
                FROM catalog_entries WHERE change_seq > $1
                """, seen)
        }
        guard !rows.isEmpty else { return }
        func millis(_ row: SQLRow, _ column: String) -> Int64 { row.optionalDate(column).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0 }
        index.apply(try rows.map { row in
            // Rows written before keywords had their own column carry them only in the document.
            let keywords = try row.optionalString("keywords").map(Self.splitKeywords) ?? Self.decode(row).keywords
            return PublishedCatalogIndex.Row(
                versionID: try row.string("id"), changeSequence: Int64(try row.int("change_seq")),
                isPublished: try row.string("status") == EntryStatus.published.rawValue, providerID: try row.string("provider_id"),
                resourceCode: try row.string("resource_code"), title: try row.string("title"), domain: try row.string("domain"),
                shareType: try row.string("share_type"), openType: try row.string("open_type"), updateFrequency: try row.string("update_frequency"),
                formats: try row.string("formats").split(separator: ",").map(String.init), keywords: keywords,
                searchText: try row.string("search_text"), publishedAt: millis(row, "published_at"), createdAt: millis(row, "created_at"),
                updatedAt: millis(row, "updated_at"))
        })
    }

    /// The working list of versions in any status (a department's own catalog, the review queue), straight from SQL.
    func listVersions(_ query: CatalogQuery, limit: Int, offset: Int) async throws -> CatalogPage {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        func bind(_ value: SQLValue) -> String { binds.append(value); return "$\(binds.count)" }
        if let statuses = query.statuses, !statuses.isEmpty {
            conditions.append("status IN (\(statuses.map { bind(.text($0.rawValue)) }.joined(separator: ", ")))")
        }
        if let provider = query.providerID { conditions.append("provider_id = \(bind(.text(provider)))") }
        if let division = query.divisionCode {
            conditions.append("provider_id IN (SELECT id FROM organizations WHERE division_code = \(bind(.text(division))))")
        }
        if let domain = query.domain { conditions.append("domain = \(bind(.text(domain.rawValue)))") }
        if let share = query.shareType { conditions.append("share_type = \(bind(.text(share.rawValue)))") }
        if let open = query.openType { conditions.append("open_type = \(bind(.text(open.rawValue)))") }
        if let frequency = query.updateFrequency { conditions.append("update_frequency = \(bind(.text(frequency.rawValue)))") }
        if let format = query.format { conditions.append("formats LIKE \(bind(.text("%," + Self.escapeLike(format.uppercased()) + ",%"))) ESCAPE '\\'") }
        if let keyword = query.keyword {
            conditions.append("keywords LIKE \(bind(.text("%" + Self.keywordSeparator + Self.escapeLike(keyword) + Self.keywordSeparator + "%"))) ESCAPE '\\'")
        }
        if let code = query.resourceCode { conditions.append("lower(resource_code) = \(bind(.text(code.lowercased())))") }
        for word in Self.searchWords(query.text) {
            conditions.append("search_text LIKE \(bind(.text("%" + Self.escapeLike(word) + "%"))) ESCAPE '\\'")
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sort = query.sort ?? CatalogSort(.modified, descending: true)
        let direction = sort.descending ? "DESC" : "ASC"
        return try await database.read { session in
            let rows = try await session.query(
                "SELECT document FROM catalog_entries\(whereClause) ORDER BY \(sort.key.column) \(direction), id \(direction) LIMIT \(limit) OFFSET \(offset)", binds)
            // One aggregate over the facet columns; the few combination rows are folded into every facet and the total.
            let columns = ["share_type", "open_type", "domain", "provider_id", "update_frequency", "formats"]
            var facets: [String: [String: Int]] = Dictionary(uniqueKeysWithValues: (columns.dropLast() + ["format"]).map { ($0, [:]) })
            var total = 0
            let list = columns.joined(separator: ", ")
            for row in try await session.query("SELECT \(list), COUNT(*) FROM catalog_entries\(whereClause) GROUP BY \(list)", binds) {
                guard case .integer(let n) = row.values[columns.count] else { continue }
                total += Int(n)
                for (index, column) in columns.enumerated() {
                    guard case .text(let value) = row.values[index] else { continue }
                    if column == "formats" {
                        for format in value.split(separator: ",") { facets["format"]![String(format), default: 0] += Int(n) }
                    } else {
                        facets[column]![value, default: 0] += Int(n)
                    }
                }
            }
            let entries = try rows.map(Self.decode)
            return CatalogPage(entries: entries, total: total, facets: facets)
        }
    }

    /// Records that data for an entry arrived, within the caller's transaction (publishing a dataset version does it;
    /// overdue detection reads it).
    public static func markDataUpdated(entryID: String, at time: Date, in session: any SQLSession) async throws {
        for row in try await session.query("SELECT document FROM catalog_entries WHERE entry_id = $1 AND status = 'published'\(session.dialect.forUpdate)", entryID) {
            var entry = try decode(row)
            entry.dataUpdatedAt = time
            try await write(entry, in: session)
        }
    }

    // MARK: Rows

    /// Files the entry's legal basis with the regulator (备案) when its types require one.
    public static func fileLegalBasis(_ entry: CatalogEntry, in session: any SQLSession, at time: Date) async throws {
        guard entry.needsLegalBasis, let basis = entry.legalBasis else { return }
        try await session.execute("""
            INSERT INTO legal_basis_filings (id, entry_id, entry_version_id, provider_id, share_type, open_type, law_name, article, note, filed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, Identifier.make(now: time), entry.entryID, entry.id, entry.providerID, entry.shareType.rawValue, entry.openType.rawValue,
            basis.name, basis.article, basis.note, time)
    }

    /// Stores a version exactly as given, lifecycle state included, within the caller's transaction
    /// (the demo city and imports from another node use it; everything else goes through the lifecycle).
    public static func importVersion(_ entry: CatalogEntry, in session: any SQLSession) async throws {
        try CatalogRules.validate(entry)
        try await checkCodeIsFree(entry, in: session)
        try await insert(entry, in: session)
    }

    static func lockedVersion(_ id: String, in session: any SQLSession) async throws -> CatalogEntry {
        guard let row = try await session.first("SELECT document FROM catalog_entries WHERE id = $1\(session.dialect.forUpdate)", id) else {
            throw HaiheError.notFound("catalog_entry", zh: "目录", id: id)
        }
        return try decode(row)
    }

    static func checkCodeIsFree(_ entry: CatalogEntry, in session: any SQLSession) async throws {
        // Two PostgreSQL transactions must not both find a code free and both take it.
        if session.dialect == .postgres { _ = try await session.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("resource-code:" + entry.resourceCode)]) }
        if let other = try await session.first("SELECT entry_id FROM catalog_entries WHERE resource_code = $1 AND entry_id <> $2", entry.resourceCode, entry.entryID) {
            throw HaiheError.conflict("catalog.resource_code_taken", zh: "资源代码 \(entry.resourceCode) 已被其他目录使用",
                                      en: "Resource code \(entry.resourceCode) belongs to another entry (\(try other.string("entry_id")))")
        }
    }

    /// Inserts a version, or with `replacing` rewrites every column of an existing one (same id).
    static func insert(_ e: CatalogEntry, in session: any SQLSession, replacing: Bool = false) async throws {
        let providerName = try await session.first("SELECT name_zh, name_en FROM organizations WHERE id = $1", e.providerID)
        guard let providerName else { throw HaiheError.notFound("organization", zh: "提供方单位", id: e.providerID) }
        let searchText = ([e.title, e.titleEN ?? "", e.summary, e.subject ?? "", e.resourceCode, e.domain.labelZH,
                           providerName.optionalString("name_zh") ?? "", providerName.optionalString("name_en") ?? ""]
                          + e.keywords + e.fields.flatMap { [$0.labelZH, $0.name] }).joined(separator: " ").lowercased()
        let values: [any SQLBindable] = [
            e.id, e.entryID, e.version, e.status.rawValue, e.providerID, e.resourceCode, e.title, e.domain.rawValue, e.resourceType.rawValue,
            e.shareType.rawValue, e.openType.rawValue, e.updateFrequency.rawValue, e.securityGrade.rawValue,
            "," + e.formats.map { $0.uppercased() }.joined(separator: ",") + ",", searchText,
            String(decoding: try encoder.encode(e), as: UTF8.self), e.createdAt, e.updatedAt, e.publishedAt, e.dataUpdatedAt,
            joinKeywords(e.keywords), try await nextChangeSequence(in: session),
        ]
        let columns = ["id", "entry_id", "version", "status", "provider_id", "resource_code", "title", "domain", "resource_type", "share_type",
                       "open_type", "update_frequency", "security_grade", "formats", "search_text", "document", "created_at", "updated_at",
                       "published_at", "data_updated_at", "keywords", "change_seq"]
        if replacing {
            let assignments = columns.enumerated().dropFirst().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")
            try await session.execute("UPDATE catalog_entries SET \(assignments) WHERE id = $1", values.map(\.sqlValue))
        } else {
            let placeholders = (1...columns.count).map { "$\($0)" }.joined(separator: ", ")
            try await session.execute("INSERT INTO catalog_entries (\(columns.joined(separator: ", "))) VALUES (\(placeholders))", values.map(\.sqlValue))
        }
    }

    /// Rewrites the lifecycle columns and the document of an existing version.
    static func write(_ e: CatalogEntry, in session: any SQLSession) async throws {
        try await session.execute(
            "UPDATE catalog_entries SET status = $2, document = $3, updated_at = $4, published_at = $5, data_updated_at = $6, change_seq = $7 WHERE id = $1",
            e.id, e.status.rawValue, String(decoding: try encoder.encode(e), as: UTF8.self), e.updatedAt, e.publishedAt, e.dataUpdatedAt,
            try await nextChangeSequence(in: session))
    }

    /// The next value of the catalog's change sequence. The row stays locked until the caller's transaction ends, so
    /// sequence values become visible in order and the index never misses a change (see `PublishedCatalogIndex`).
    static func nextChangeSequence(in session: any SQLSession) async throws -> Int64 {
        guard let value = try await session.scalarInt("UPDATE catalog_sequence SET value = value + 1 WHERE id = 1 RETURNING value") else {
            throw StoreError.connection("catalog_sequence row missing (migration 5 not applied)")
        }
        return Int64(value)
    }

    /// Keywords in their own column, each wrapped in a separator no keyword contains, so `LIKE '%␟word␟%'` matches whole keywords.
    static let keywordSeparator = "\u{1F}"
    static func joinKeywords(_ keywords: [String]) -> String {
        keywordSeparator + keywords.map { $0.replacingOccurrences(of: keywordSeparator, with: " ") }.joined(separator: keywordSeparator) + keywordSeparator
    }
    static func splitKeywords(_ text: String) -> [String] {
        text.split(separator: Character(keywordSeparator)).map(String.init)
    }

    static func decode(_ row: SQLRow) throws -> CatalogEntry {
        try decoder.decode(CatalogEntry.self, from: Data(try row.string("document").utf8))
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
