import Foundation
import HaiheCore
import Synchronization

/// The (table, field) pairs whose reader index exists, so each is created once per process.
final class ReadIndexes: Sendable {
    let built = Mutex<Set<String>>([])
}

/// Reading a published version's rows by a `DatasetQuery`: a page with its total, or every matching row in batches.
extension DatasetStore {
    public struct Page: Sendable {
        public var columns: [String]
        public var rows: [[SQLValue]]
        public var total: Int
        /// The cursor of the next page, when this one was full.
        public var next: String?

        public init(columns: [String], rows: [[SQLValue]], total: Int, next: String? = nil) {
            self.columns = columns
            self.rows = rows
            self.total = total
            self.next = next
        }
    }

    /// One page. `visible` is the fields the caller may receive (a grant's, or all); `query.select` narrows it further.
    /// With a cursor the page starts after the row the cursor names (keyset), whatever the sort; without, at `offset`.
    public func page(_ version: DatasetVersion, fields: [FieldDefinition], visible: [String], query: DatasetQuery, countTotal: Bool = true) async throws -> Page {
        let columns = query.select ?? visible
        try await ensureIndexes(version, fields: Self.indexable(query))
        return try await database.read { session in
            var (condition, binds) = Self.condition(query, fields: fields, dialect: session.dialect)
            let total = countTotal ? try await session.query("SELECT COUNT(*) AS n FROM \(version.tableName)\(condition)", binds).first?.int("n") ?? 0 : 0
            let keys = query.sort.map { ($0.field, $0.descending) } + [("_row", false)]
            if let cursor = query.cursor {
                let after = try Self.keyset(cursor, keys: keys, fields: fields, binds: &binds)
                condition = (condition.isEmpty ? " WHERE " : condition + " AND ") + after
            }
            // NULLs first going up and last going down, the same on both databases, so a cursor means the same everywhere.
            let order = keys.map { "\"\($0.0)\" \($0.1 ? "DESC NULLS LAST" : "ASC NULLS FIRST")" }.joined(separator: ", ")
            let keyColumns = keys.map { "\"\($0.0)\" AS \"_k_\($0.0)\"" }.joined(separator: ", ")
            let rows = try await session.query(
                "SELECT \(keyColumns), \(Self.columnList(columns)) FROM \(version.tableName)\(condition) ORDER BY \(order) LIMIT \(query.limit) OFFSET \(query.cursor == nil ? query.offset : 0)", binds)
            let next = rows.count == query.limit ? rows.last.map { Self.encodeCursor(Array($0.values.prefix(keys.count)), keys: keys) } : nil
            return Page(columns: columns, rows: rows.map { Array($0.values.dropFirst(keys.count)) }, total: total, next: next)
        }
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
        // Versions published before row-number indexes existed get theirs on first download (a no-op afterwards).
        try await database.transaction { try await $0.execute("CREATE INDEX IF NOT EXISTS \(version.tableName)_row ON \(version.tableName) (_row)") }
        try await ensureIndexes(version, fields: Self.indexable(query))
        var after: Int64 = -1
        while true {
            let batch = try await database.read { session -> [SQLRow] in
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
        try await ensureIndexes(version, fields: [field] + Self.indexable(query))
        return try await database.read { session in
            let (condition, binds) = Self.condition(query, fields: fields, dialect: session.dialect)
            return try await session.query("""
                SELECT "\(field)" AS v, COUNT(*) AS n FROM \(version.tableName)\(condition) GROUP BY "\(field)" ORDER BY n DESC, v LIMIT \(max(1, min(limit, 10_000)))
                """, binds).map { ($0["v"], try $0.int("n")) }
        }
    }

    /// Fields a query filters or sorts on in a way an index serves (not `contains`, a scan whatever the index).
    static func indexable(_ query: DatasetQuery) -> [String] {
        query.filters.filter { $0.op != .contains && $0.op != .prefix }.map(\.field) + query.sort.map(\.field)
    }

    /// A published version never changes, so an index on a field readers filter or sort on is built once, the first
    /// time a reader needs it, rather than for every field at publication (which would slow every load).
    func ensureIndexes(_ version: DatasetVersion, fields: [String]) async throws {
        let table = version.tableName
        let missing = Set(fields).filter { field in !readIndexes.built.withLock { $0.contains(table + "." + field) } }
        for field in missing.sorted() {
            // Named by a hash of the field name: PostgreSQL cuts names at 63 bytes, and two long field names must not collide.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in field.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            do {
                try await database.transaction { session in
                    try await session.execute("CREATE INDEX IF NOT EXISTS \(table)_f\(String(hash, radix: 36)) ON \(table) (\"\(field)\", _row)")
                }
            } catch {
                // An index only speeds reading: a field PostgreSQL cannot index (values past its B-tree entry limit), or an
                // index another instance is creating at the same moment, leaves the query to run without it.
            }
            _ = readIndexes.built.withLock { $0.insert(table + "." + field) }
        }
    }

    static func columnList(_ columns: [String]) -> String {
        columns.isEmpty ? "1 AS none" : columns.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    /// The WHERE clause of the query's filters, with values bound as the field's type.
    static func condition(_ query: DatasetQuery, fields: [FieldDefinition], dialect: SQLDialect) -> (String, [SQLValue]) {
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
                return dialect == .postgres ? "strpos(CAST(\(column) AS TEXT), \(needle)) > 0" : "instr(CAST(\(column) AS TEXT), \(needle)) > 0"
            case .prefix:
                let start = textBind(value)
                let length = textBind(value)
                return "substr(CAST(\(column) AS TEXT), 1, length(\(length))) = \(start)"
            }
        }
        var all = conditions
        if let search = query.search, !search.isEmpty {
            let texts = fields.filter { $0.type == .text }.map { "\"\($0.name)\"" }
            let needle = textBind(search)
            let function = dialect == .postgres ? "strpos" : "instr"
            all.append(texts.isEmpty ? "1 = 0" : "(" + texts.map { "\(function)(\($0), \(needle)) > 0" }.joined(separator: " OR ") + ")")
        }
        return (all.isEmpty ? "" : " WHERE " + all.joined(separator: " AND "), binds)
    }
}

/// Profiles (Art. 25) are computed once per version and kept: a published version never changes.
extension DatasetStore {
    public func profile(_ version: DatasetVersion, fields: [FieldDefinition]) async throws -> DatasetProfile {
        if let stored = try await database.read({ try await $0.first("SELECT profile FROM dataset_profiles WHERE version_id = $1", version.id) }),
           let profile = try? JSONDecoder().decode(DatasetProfile.self, from: Data(try stored.string("profile").utf8)) {
            return profile
        }
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
