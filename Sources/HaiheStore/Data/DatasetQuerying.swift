import Foundation
import HaiheCore
import Synchronization

/// The reader indexes that exist, by table, field and direction, so each is created once per process; and the trigram
/// text indexes, ready or being built in the background.
final class ReadIndexes: Sendable {
    enum TextState: Sendable {
        case building
        case ready
        /// Retried after a while: another instance may have been building the same index.
        case failed(Date)
    }
    let built = Mutex<Set<String>>([])
    let text = Mutex<[String: TextState]>([:])
    let textBuilds = TextIndexQueue()
}

/// Trigram index builds run one at a time per process: each holds SQLite's writer in short turns, or a PostgreSQL
/// connection for its whole length, and several at once would starve everything else.
actor TextIndexQueue {
    private var pending: [@Sendable () async -> Void] = []
    private var running = false

    func enqueue(_ build: @escaping @Sendable () async -> Void) {
        pending.append(build)
        guard !running else { return }
        running = true
        Task { await drain() }
    }

    private func drain() async {
        while !pending.isEmpty {
            let build = pending.removeFirst()
            await build()
        }
        running = false
    }
}

/// Profiles computed or being computed in this process, by version, and how many computations were started (what a
/// test reads to see that concurrent first viewers share one).
final class ProfileComputations: Sendable {
    struct State {
        var running: [String: Task<DatasetProfile, any Error>] = [:]
        var started = 0
    }
    let state = Mutex(State())
}

/// An index a reader's question needs: on one field, in the direction the question sorts it (filters go up).
struct ReaderIndex: Hashable, Comparable {
    var field: String
    var descending = false

    static func < (a: ReaderIndex, b: ReaderIndex) -> Bool { (a.field, a.descending ? 1 : 0) < (b.field, b.descending ? 1 : 0) }
}

/// Reading a published version's rows by a `DatasetQuery`: a page with its total, or every matching row in batches.
extension DatasetStore {
    public struct Page: Sendable {
        public var columns: [String]
        public var rows: [[SQLValue]]
        public var total: Int
        /// The cursor of the next page, when this one was full.
        public var next: String?
        /// Each row's number in its version (`_row`, from 1 in load order): stable, unlike its place on a page.
        public var rowNumbers: [Int64]

        public init(columns: [String], rows: [[SQLValue]], total: Int, next: String? = nil, rowNumbers: [Int64] = []) {
            self.columns = columns
            self.rows = rows
            self.total = total
            self.next = next
            self.rowNumbers = rowNumbers
        }
    }

    /// One page. `visible` is the fields the caller may receive (a grant's, or all); `query.select` narrows it further.
    /// With a cursor the page starts after the row the cursor names (keyset), whatever the sort; without, at `offset`.
    public func page(_ version: DatasetVersion, fields: [FieldDefinition], visible: [String], query: DatasetQuery, countTotal: Bool = true) async throws -> Page {
        let columns = query.select ?? visible
        try await ensureIndexes(version, Self.indexable(query))
        let textIndexed = await textIndexes(version, fields: fields, query: query)
        return try await database.read { session in
            var (condition, binds) = Self.condition(query, fields: fields, dialect: session.dialect, table: version.tableName, textIndexed: textIndexed)
            let total = countTotal ? try await session.query("SELECT COUNT(*) AS n FROM \(version.tableName)\(condition)", binds).first?.int("n") ?? 0 : 0
            let keys = query.sort.map { ($0.field, $0.descending) } + [("_row", false)]
            if let cursor = query.cursor {
                let after = try Self.keyset(cursor, keys: keys, fields: fields, binds: &binds)
                condition = (condition.isEmpty ? " WHERE " : condition + " AND ") + after
            }
            let order = Self.orderClause(keys)
            let keyColumns = keys.map { "\"\($0.0)\" AS \"_k_\($0.0)\"" }.joined(separator: ", ")
            let rows = try await session.query(
                "SELECT \(keyColumns), \(Self.columnList(columns)) FROM \(version.tableName)\(condition) ORDER BY \(order) LIMIT \(query.limit) OFFSET \(query.cursor == nil ? query.offset : 0)", binds)
            let next = rows.count == query.limit ? rows.last.map { Self.encodeCursor(Array($0.values.prefix(keys.count)), keys: keys) } : nil
            let numbers = rows.map { row -> Int64 in if case .integer(let n) = row.values[keys.count - 1] { n } else { 0 } }
            return Page(columns: columns, rows: rows.map { Array($0.values.dropFirst(keys.count)) }, total: total, next: next, rowNumbers: numbers)
        }
    }

    /// NULLs first going up and last going down, the same on both databases, so a cursor means the same everywhere
    /// (SQLite's own order; PostgreSQL's reader indexes are built in it, see `ensureIndexes`).
    /// `_row`, the tie-breaker, is never NULL and keeps each database's default, as in the indexes.
    static func orderClause(_ keys: [(String, Bool)]) -> String {
        keys.map { key, descending in
            key == "_row" ? "_row" + (descending ? " DESC" : "") : "\"\(key)\" \(descending ? "DESC NULLS LAST" : "ASC NULLS FIRST")"
        }.joined(separator: ", ")
    }

    /// The sort a cursor belongs to: a cursor is only valid for the sort it was made in.
    static func signature(_ keys: [(String, Bool)]) -> String {
        keys.map { ($0.1 ? "-" : "") + $0.0 }.joined(separator: ",")
    }

    static func encodeCursor(_ values: [SQLValue], keys: [(String, Bool)]) -> String {
        let items: [Any] = values.map { value -> Any in
            switch value {
            case .null, .blob: NSNull()
            case .integer(let i): ["i": String(i)]
            case .real(let d): ["r": d]
            case .text(let t): ["t": t]
            }
        }
        return Base64URL.encode((try? JSONSerialization.data(withJSONObject: ["s": signature(keys), "v": items])) ?? Data())
    }

    /// "After this row" in the sort order: (k1 after v1) OR (k1 = v1 AND k2 after v2) OR …, ending with the row number.
    static func keyset(_ cursor: String, keys: [(String, Bool)], fields: [FieldDefinition], binds: inout [SQLValue]) throws -> String {
        let invalid = HaiheError.invalid("query.cursor", zh: "cursor 无效或与排序不符", en: "The cursor is not valid for this sort")
        guard let data = Base64URL.decode(cursor), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["s"] as? String == signature(keys), let items = object["v"] as? [Any], items.count == keys.count else { throw invalid }
        let values: [SQLValue] = try items.map { item in
            if item is NSNull { return .null }
            guard let object = item as? [String: Any] else { throw invalid }
            if let i = object["i"] as? String, let n = Int64(i) { return .integer(n) }
            if let r = object["r"] as? Double { return .real(r) }
            if let t = object["t"] as? String { return .text(t) }
            throw invalid
        }
        guard case .integer = values.last! else { throw invalid }
        // Each value must be of its column's kind: PostgreSQL refuses to compare a number with text.
        let types = Dictionary(fields.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        for (key, value) in zip(keys.dropLast(), values) {
            switch (types[key.0], value) {
            case (_, .null): continue
            case (.integer?, .integer), (.boolean?, .integer), (.decimal?, .integer), (.decimal?, .real): continue
            case (.text?, .text), (.date?, .text), (.datetime?, .text): continue
            default: throw invalid
            }
        }
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var alternatives: [String] = []
        for i in keys.indices {
            var parts: [String] = []
            for j in 0..<i {
                let column = "\"\(keys[j].0)\""
                parts.append(values[j] == .null ? "\(column) IS NULL" : "\(column) = \(bind(values[j]))")
            }
            let column = "\"\(keys[i].0)\""
            switch (keys[i].1, values[i] == .null) {
            case (false, true): parts.append("\(column) IS NOT NULL")                       // ascending, NULLs first
            case (false, false): parts.append("\(column) > \(bind(values[i]))")
            case (true, true): parts.append("1 = 0")                                        // descending, NULLs last: nothing after
            case (true, false): parts.append("(\(column) < \(bind(values[i])) OR \(column) IS NULL)")
            }
            alternatives.append("(" + parts.joined(separator: " AND ") + ")")
        }
        return "(" + alternatives.joined(separator: " OR ") + ")"
    }

    /// Every matching row in `_row` order, `batchSize` at a time (keyset on `_row`, so each batch costs the same and
    /// memory stays flat however large the version). Sorting is not offered here: a whole-file download keeps row order.
    public func stream(_ version: DatasetVersion, fields: [FieldDefinition], columns: [String], query: DatasetQuery, batchSize: Int = 2000,
                       _ body: ([[SQLValue]]) async throws -> Void) async throws {
        // Versions published before row-number indexes existed get theirs on their first download in this process.
        let rowIndex = "\(version.tableName)._row"
        if !readIndexes.built.withLock({ $0.contains(rowIndex) }) {
            try await database.transaction { try await $0.execute("CREATE INDEX IF NOT EXISTS \(version.tableName)_row ON \(version.tableName) (_row)") }
            _ = readIndexes.built.withLock { $0.insert(rowIndex) }
        }
        try await ensureIndexes(version, Self.indexable(query))
        var after: Int64 = -1
        while true {
            let batch = try await database.read { session -> [SQLRow] in
                // No text-index narrowing here: each batch would look the needle up again, and a whole download reads
                // every row in `_row` order anyway.
                let (condition, binds) = Self.condition(query, fields: fields, dialect: session.dialect)
                let keyset = (condition.isEmpty ? " WHERE " : condition + " AND ") + "_row > $\(binds.count + 1)"
                return try await session.query(
                    "SELECT _row, \(Self.columnList(columns)) FROM \(version.tableName)\(keyset) ORDER BY _row LIMIT \(batchSize)", binds + [.integer(after)])
            }
            guard let last = batch.last, case .integer(let row) = last.values[0] else { return }
            after = row
            try await body(batch.map { Array($0.values.dropFirst()) })
            if batch.count < batchSize { return }
        }
    }

    /// Counts per value of one field over the rows the query's filters leave, most frequent first.
    public func facet(_ version: DatasetVersion, fields: [FieldDefinition], field: String, query: DatasetQuery, limit: Int = 1000) async throws -> [(value: SQLValue, count: Int)] {
        guard fields.contains(where: { $0.name == field }) else {
            throw HaiheError.invalid("query.unknown_field", zh: "没有名为“\(field)”的信息项", en: "There is no field named '\(field)'")
        }
        // Over the whole version (no filter, no search) the counts never change: computed once and stored.
        let whole = query.filters.isEmpty && (query.search ?? "").isEmpty
        let limit = max(1, min(limit, 10_000))
        if whole, let stored = try await database.read({
            try await $0.first("SELECT counts FROM dataset_facets WHERE version_id = $1 AND field = $2 AND value_limit = $3", version.id, field, limit)
        }), let counts = Self.decodeFacet(try stored.string("counts")) {
            return counts
        }
        try await ensureIndexes(version, [ReaderIndex(field: field)] + Self.indexable(query))
        let textIndexed = await textIndexes(version, fields: fields, query: query)
        let counts = try await database.read { session in
            let (condition, binds) = Self.condition(query, fields: fields, dialect: session.dialect, table: version.tableName, textIndexed: textIndexed)
            return try await session.query("""
                SELECT "\(field)" AS v, COUNT(*) AS n FROM \(version.tableName)\(condition) GROUP BY "\(field)" ORDER BY n DESC, v LIMIT \(limit)
                """, binds).map { ($0["v"], try $0.int("n")) }
        }
        if whole {
            try await database.transaction { session in
                try await session.execute("""
                    INSERT INTO dataset_facets (version_id, field, value_limit, counts) VALUES ($1, $2, $3, $4) ON CONFLICT (version_id, field, value_limit) DO NOTHING
                    """, version.id, field, limit, Self.encodeFacet(counts))
            }
        }
        return counts
    }

    /// Stored facet counts: `[[kind, value, count]]`, the kind keeping integers, reals, text and NULL apart.
    static func encodeFacet(_ counts: [(value: SQLValue, count: Int)]) -> String {
        let items: [[Any]] = counts.map { value, count in
            switch value {
            case .integer(let i): ["i", String(i), count]
            case .real(let d): ["r", String(d), count]
            case .text(let t): ["t", t, count]
            case .null, .blob: ["n", "", count]
            }
        }
        return String(decoding: (try? JSONSerialization.data(withJSONObject: items)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decodeFacet(_ text: String) -> [(value: SQLValue, count: Int)]? {
        guard let items = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[Any]] else { return nil }
        var counts: [(value: SQLValue, count: Int)] = []
        for item in items {
            guard item.count == 3, let kind = item[0] as? String, let value = item[1] as? String, let count = item[2] as? Int else { return nil }
            switch kind {
            case "i": guard let i = Int64(value) else { return nil }; counts.append((.integer(i), count))
            case "r": guard let d = Double(value) else { return nil }; counts.append((.real(d), count))
            case "t": counts.append((.text(value), count))
            default: counts.append((.null, count))
            }
        }
        return counts
    }

    /// The indexes a query's filters and sort can use (not `contains`, a scan whatever the index). Only the first sort
    /// key's index serves the order; later keys only break its ties.
    static func indexable(_ query: DatasetQuery) -> [ReaderIndex] {
        query.filters.filter { $0.op != .contains && $0.op != .prefix }.map { ReaderIndex(field: $0.field) }
            + query.sort.prefix(1).map { ReaderIndex(field: $0.field, descending: $0.descending) }
    }

    /// A published version never changes, so an index on a field readers filter or sort on is built once, the first
    /// time a reader needs it, rather than for every field at publication (which would slow every load).
    ///
    /// Each index is (field in the sort's direction, `_row` ascending), the exact order of `orderClause`, so a sorted
    /// page — deep ones by keyset too — is read off the index with no sort step. SQLite already keeps NULLs lowest;
    /// PostgreSQL keeps them highest unless told, and an index in the other NULLs order cannot serve the page.
    func ensureIndexes(_ version: DatasetVersion, _ indexes: [ReaderIndex]) async throws {
        let table = version.tableName
        let missing = Set(indexes).filter { index in !readIndexes.built.withLock { $0.contains("\(table).\(index.field).\(index.descending)") } }
        for index in missing.sorted() {
            let name = Self.indexName(table, index.descending ? "d" : "a", field: index.field)
            do {
                try await database.transaction { session in
                    let order = switch (session.dialect, index.descending) {
                    case (.sqlite, false): ""
                    case (.sqlite, true): " DESC"
                    case (.postgres, false): " ASC NULLS FIRST"
                    case (.postgres, true): " DESC NULLS LAST"
                    }
                    try await session.execute("CREATE INDEX IF NOT EXISTS \(name) ON \(table) (\"\(index.field)\"\(order), _row)")
                }
            } catch {
                // An index only speeds reading: a field PostgreSQL cannot index (values past its B-tree entry limit), or an
                // index another instance is creating at the same moment, leaves the query to run without it.
            }
            _ = readIndexes.built.withLock { $0.insert("\(table).\(index.field).\(index.descending)") }
        }
    }

    /// A reader index's name: the table, its kind (`a`scending, `d`escending, `t`ext) and a hash of the field name —
    /// PostgreSQL cuts names at 63 bytes, and two long field names must not collide.
    static func indexName(_ table: String, _ kind: String, field: String) -> String {
        "\(table)_\(kind)\(String(ShortHash.fnv1a(field), radix: 36))"
    }

    static func columnList(_ columns: [String]) -> String {
        columns.isEmpty ? "1 AS none" : columns.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    /// The WHERE clause of the query's filters, with values bound as the field's type.
    /// `textIndexed` are the text fields whose trigram index is ready: a `contains` or `q` of three characters or more
    /// on them first narrows the rows through the index (the exact test still follows, so results never change).
    static func condition(_ query: DatasetQuery, fields: [FieldDefinition], dialect: SQLDialect, table: String = "",
                          textIndexed: Set<String> = []) -> (String, [SQLValue]) {
        let types = Dictionary(fields.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        var binds: [SQLValue] = []
        func bind(_ value: String, as type: FieldType?) -> String {
            switch type {
            case .integer?, .decimal?:
                // Whole numbers exactly as written (beyond 2^53 a Double would round them), fractions as reals.
                if let whole = Int64(value) {
                    binds.append(.integer(whole))
                } else if let number = Double(value) {
                    binds.append(.real(number))
                } else {
                    binds.append(.text(value))
                }
            case .boolean?:
                binds.append(.integer(["1", "true"].contains(value.lowercased()) ? 1 : 0))
            default:
                binds.append(.text(value))
            }
            return "$\(binds.count)"
        }
        func textIndexBind(_ value: String) -> String {
            binds.append(.text(value))
            return "$\(binds.count)"
        }
        func textBind(_ value: String) -> String {
            binds.append(.text(value))
            return "CAST($\(binds.count) AS TEXT)"
        }
        let conditions = query.filters.map { filter -> String in
            let column = "\"\(filter.field)\""
            let type = types[filter.field]
            let value = filter.values.first ?? ""
            switch filter.op {
            case .equals: return "\(column) = \(bind(value, as: type))"
            case .notEquals: return "\(column) <> \(bind(value, as: type))"
            case .greater: return "\(column) > \(bind(value, as: type))"
            case .greaterOrEqual: return "\(column) >= \(bind(value, as: type))"
            case .less: return "\(column) < \(bind(value, as: type))"
            case .lessOrEqual: return "\(column) <= \(bind(value, as: type))"
            case .oneOf: return "\(column) IN (\(filter.values.map { bind($0, as: type) }.joined(separator: ", ")))"
            case .contains:
                let needle = textBind(value)
                let exact = dialect == .postgres ? "strpos(CAST(\(column) AS TEXT), \(needle)) > 0" : "instr(CAST(\(column) AS TEXT), \(needle)) > 0"
                guard textIndexed.contains(filter.field), value.count >= 3 else { return exact }
                return "\(textNarrowing([filter.field], value, dialect: dialect, table: table, bind: textIndexBind)) AND \(exact)"
            case .prefix:
                let start = textBind(value)
                let length = textBind(value)
                return "substr(CAST(\(column) AS TEXT), 1, length(\(length))) = \(start)"
            }
        }
        var all = conditions
        if let search = query.search, !search.isEmpty {
            let texts = fields.filter { $0.type == .text }.map(\.name)
            if texts.isEmpty {
                // No parameter either: PostgreSQL refuses one the statement does not use.
                all.append("1 = 0")
            } else {
                if search.count >= 3, texts.allSatisfy(textIndexed.contains) {
                    all.append(textNarrowing(texts, search, dialect: dialect, table: table, bind: textIndexBind))
                }
                let needle = textBind(search)
                let function = dialect == .postgres ? "strpos" : "instr"
                all.append("(" + texts.map { "\(function)(\"\($0)\", \(needle)) > 0" }.joined(separator: " OR ") + ")")
            }
        }
        return (all.isEmpty ? "" : " WHERE " + all.joined(separator: " AND "), binds)
    }
}

/// Trigram text indexes: a `contains` or `q` on a million rows reads an index instead of every row.
extension DatasetStore {
    /// The name of a field's text index: SQLite, an FTS5 table of trigrams; PostgreSQL, a pg_trgm GIN index.
    static func textIndexName(_ table: String, field: String) -> String { indexName(table, "t", field: field) }

    /// The condition that narrows rows to those whose `fields` (any of them) may contain `needle`, read off the text
    /// indexes; the exact test is added by the caller.
    static func textNarrowing(_ fields: [String], _ needle: String, dialect: SQLDialect, table: String, bind: (String) -> String) -> String {
        switch dialect {
        case .sqlite:
            // An FTS5 phrase of the needle's trigrams, in double quotes (a quote inside is doubled).
            let phrase = bind("\"" + needle.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            let lookups = fields.map { field in
                let index = textIndexName(table, field: field)
                return "SELECT rowid FROM \(index) WHERE \(index) MATCH \(phrase)"
            }
            return "_row IN (" + lookups.joined(separator: " UNION ") + ")"
        case .postgres:
            // LIKE with the wildcards of the needle escaped: the form pg_trgm's GIN index answers.
            let escaped = needle.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            let pattern = bind("%" + escaped + "%")
            return "(" + fields.map { "\"\($0)\" LIKE \(pattern)" }.joined(separator: " OR ") + ")"
        }
    }

    /// The text fields a query searches (`contains` of three characters or more, or `q` over every text field) whose
    /// trigram index is ready. A missing index is built in the background — a search of a million rows then reads
    /// the index instead of every row — while this and other queries meanwhile scan as before.
    func textIndexes(_ version: DatasetVersion, fields: [FieldDefinition], query: DatasetQuery) async -> Set<String> {
        let textFields = Set(fields.filter { $0.type == .text }.map(\.name))
        var wanted = Set(query.filters.filter { $0.op == .contains && ($0.values.first?.count ?? 0) >= 3 }.map(\.field)).intersection(textFields)
        if let search = query.search, search.count >= 3 { wanted.formUnion(textFields) }
        guard !wanted.isEmpty else { return [] }
        var ready: Set<String> = []
        for field in wanted.sorted() {
            let key = "\(version.tableName).\(field)"
            let start: Bool = readIndexes.text.withLock { states in
                switch states[key] {
                case .ready?: ready.insert(field); return false
                case .building?: return false
                case .failed(let at)? where Date().timeIntervalSince(at) < 600: return false
                default: states[key] = .building; return true
                }
            }
            guard start else { continue }
            // Built by an earlier process (or another instance): ready at once.
            if (try? await textIndexExists(version.tableName, field: field)) == true {
                readIndexes.text.withLock { $0[key] = .ready }
                ready.insert(field)
                continue
            }
            let store = self
            await readIndexes.textBuilds.enqueue {
                // Another instance on the same database may finish the same index first: then this build fails, and
                // the index is there all the same.
                try? await store.buildTextIndex(version.tableName, field: field)
                let present = (try? await store.textIndexExists(version.tableName, field: field)) == true
                store.readIndexes.text.withLock { $0[key] = present ? .ready : .failed(Date()) }
            }
        }
        return ready
    }

    /// Whether the field's finished text index exists (an unfinished SQLite build has another name; a PostgreSQL
    /// build is one statement, there or not).
    func textIndexExists(_ table: String, field: String) async throws -> Bool {
        let name = Self.textIndexName(table, field: field)
        return try await database.read { session in
            switch session.dialect {
            case .sqlite: try await session.first("SELECT name FROM sqlite_master WHERE name = $1", name) != nil
            case .postgres:
                // A concurrent build that failed leaves an invalid index behind: that one does not count.
                try await session.first("""
                    SELECT COUNT(*) AS n FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = $1 AND i.indisvalid
                    """, name)?.int("n") == 1
            }
        }
    }

    /// Builds a field's trigram index. SQLite: a contentless FTS5 table filled in batches of 20,000 rows, each its own
    /// short transaction (the single writer is never held for long), then renamed to its final name — so a build cut
    /// short is never taken for a finished one, and the next build starts by dropping what it left. PostgreSQL: the
    /// pg_trgm extension (once, in a short transaction), then a GIN index built `CONCURRENTLY`, outside any transaction,
    /// so neither readers nor the publication that later drops the table wait for it.
    func buildTextIndex(_ table: String, field: String) async throws {
        let name = Self.textIndexName(table, field: field)
        switch database.dialect {
        case .sqlite:
            let building = name + "_b"
            try await database.transaction { session in
                try await session.execute("DROP TABLE IF EXISTS \(building)")
                try await session.execute("CREATE VIRTUAL TABLE \(building) USING fts5(v, content='', tokenize='trigram case_sensitive 1')")
            }
            do {
                let last = try await database.read { try await $0.first("SELECT MAX(_row) AS m FROM \(table)")?.optionalInt("m") } ?? 0
                var from = 0
                while from < last {
                    let to = from + 20_000
                    try await database.transaction { session in
                        try await session.execute("""
                            INSERT INTO \(building) (rowid, v) SELECT _row, "\(field)" FROM \(table) WHERE _row > $1 AND _row <= $2 AND "\(field)" IS NOT NULL
                            """, from, to)
                    }
                    from = to
                }
                try await database.transaction { try await $0.execute("ALTER TABLE \(building) RENAME TO \(name)") }
            } catch {
                _ = try? await database.transaction { try await $0.execute("DROP TABLE IF EXISTS \(building)") }
                throw error
            }
        case .postgres:
            try await database.transaction { session in
                // Instances creating the extension at once would collide on its catalog row; one at a time.
                if let lock = session.dialect.advisoryLock(key: 0x7467_726d) { try await session.execute(lock) }
                try await session.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            }
            try await database.read { session in
                try await session.execute("DROP INDEX IF EXISTS \(name)")
                try await session.execute("CREATE INDEX CONCURRENTLY \(name) ON \(table) USING gin (\"\(field)\" gin_trgm_ops)")
            }
        }
    }

    /// Waits until the text indexes a query would use are built (tests and tools that want the indexed path now).
    public func awaitTextIndexes(_ version: DatasetVersion, fields: [FieldDefinition], query: DatasetQuery, seconds: Double = 60) async throws -> Set<String> {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let ready = await textIndexes(version, fields: fields, query: query)
            let states = readIndexes.text.withLock { $0 }
            let pending = states.contains { key, state in
                if case .building = state { return key.hasPrefix(version.tableName + ".") }
                return false
            }
            if !pending || Date() > deadline { return ready }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Profiles (Art. 25) are computed once per version and kept: a published version never changes.
extension DatasetStore {
    public func profile(_ version: DatasetVersion, fields: [FieldDefinition]) async throws -> DatasetProfile {
        if let stored = try await database.read({ try await $0.first("SELECT profile FROM dataset_profiles WHERE version_id = $1", version.id) }),
           let profile = try? JSONDecoder().decode(DatasetProfile.self, from: Data(try stored.string("profile").utf8)) {
            return profile
        }
        // Several first viewers of a new version wait for one computation rather than each scanning the table.
        // A finished computation stays (a profile is small; the map is emptied past 1,000 versions), so a viewer who
        // missed the stored row by a moment joins it rather than starting another.
        let computation = profiles.state.withLock { state in
            if let running = state.running[version.id] { return running }
            if state.running.count > 1_000 { state.running.removeAll() }
            state.started += 1
            let task = Task { try await computeAndStoreProfile(version, fields: fields) }
            state.running[version.id] = task
            return task
        }
        do {
            return try await computation.value
        } catch {
            _ = profiles.state.withLock { $0.running.removeValue(forKey: version.id) }
            throw error
        }
    }

    func computeAndStoreProfile(_ version: DatasetVersion, fields: [FieldDefinition]) async throws -> DatasetProfile {
        let profile = try await computeProfile(version, fields: fields)
        let text = String(decoding: try JSONEncoder().encode(profile), as: UTF8.self)
        try await database.transaction { session in
            try await session.execute("INSERT INTO dataset_profiles (version_id, profile, computed_at) VALUES ($1, $2, $3) ON CONFLICT (version_id) DO NOTHING",
                                      version.id, text, Date())
        }
        return profile
    }

    func computeProfile(_ version: DatasetVersion, fields: [FieldDefinition]) async throws -> DatasetProfile {
        let table = version.tableName
        return try await database.read { session in
            // One scan for the counts and ranges of every field.
            let aggregates = fields.enumerated().map { index, field in
                "COUNT(\"\(field.name)\") AS c\(index), COUNT(DISTINCT \"\(field.name)\") AS d\(index), MIN(\"\(field.name)\") AS lo\(index), MAX(\"\(field.name)\") AS hi\(index)"
            }
            let summary = try await session.first("SELECT COUNT(*) AS n\(aggregates.isEmpty ? "" : ", " + aggregates.joined(separator: ", ")) FROM \(table)")
            let rows = try summary?.int("n") ?? 0
            var profiles: [DatasetProfile.Field] = []
            for (index, field) in fields.enumerated() {
                let present = summary?.optionalInt("c\(index)") ?? 0
                let distinct = summary?.optionalInt("d\(index)") ?? 0
                let low = summary?["lo\(index)"].displayText
                let high = summary?["hi\(index)"].displayText
                var profile = DatasetProfile.Field(name: field.name, type: field.type, nulls: rows - present, distinct: distinct, minimum: low, maximum: high)
                let column = "\"\(field.name)\""
                switch field.type {
                case .integer, .decimal:
                    if let lowValue = low.flatMap(Double.init), let highValue = high.flatMap(Double.init), highValue > lowValue {
                        let width = (highValue - lowValue) / Double(DatasetProfile.buckets)
                        let bounds = (0..<DatasetProfile.buckets).map { (lowValue + Double($0) * width, $0 == DatasetProfile.buckets - 1 ? highValue : lowValue + Double($0 + 1) * width) }
                        let sums = bounds.enumerated().map { i, bound in
                            "SUM(CASE WHEN \(column) >= \(bound.0) AND \(column) \(i == bounds.count - 1 ? "<=" : "<") \(bound.1) THEN 1 ELSE 0 END) AS b\(i)"
                        }
                        let row = try await session.first("SELECT \(sums.joined(separator: ", ")) FROM \(table)")
                        profile.histogram = bounds.enumerated().map { i, bound in .init(lower: bound.0, upper: bound.1, count: row?.optionalInt("b\(i)") ?? 0) }
                    }
                case .date, .datetime:
                    profile.months = try await session.query("""
                        SELECT substr(\(column), 1, 7) AS month, COUNT(*) AS n FROM \(table) WHERE \(column) IS NOT NULL
                        GROUP BY substr(\(column), 1, 7) ORDER BY month DESC LIMIT 120
                        """).map { .init(value: try $0.string("month"), count: try $0.int("n")) }.reversed()
                case .text, .boolean:
                    // Few values that repeat: categories worth counting. Names and identifiers (thousands of values) are not.
                    if distinct > 0 && distinct <= 100 && distinct < present {
                        profile.top = try await session.query("""
                            SELECT \(column) AS v, COUNT(*) AS n FROM \(table) WHERE \(column) IS NOT NULL GROUP BY \(column) ORDER BY n DESC, v LIMIT \(DatasetProfile.topValues)
                            """).map { .init(value: $0["v"].displayText ?? "", count: try $0.int("n")) }
                    }
                }
                profiles.append(profile)
            }
            return DatasetProfile(versionID: version.id, rows: rows, fields: profiles)
        }
    }

}
