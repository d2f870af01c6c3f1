import Foundation
import HaiheCore

/// Reading a published version's rows by a `DatasetQuery`: a page with its total, or every matching row in batches.
extension DatasetStore {
    public struct Page: Sendable {
        public var columns: [String]
        public var rows: [[SQLValue]]
        public var total: Int
    }

    /// One page. `visible` is the fields the caller may receive (a grant's, or all); `query.select` narrows it further.
    public func page(_ version: DatasetVersion, fields: [FieldDefinition], visible: [String], query: DatasetQuery) async throws -> Page {
        let columns = query.select ?? visible
        return try await database.read { session in
            let (condition, binds) = Self.condition(query, fields: fields, dialect: session.dialect)
            let order = (query.sort.map { "\"\($0.field)\"\($0.descending ? " DESC" : "")" } + ["_row"]).joined(separator: ", ")
            let rows = try await session.query(
                "SELECT \(Self.columnList(columns)) FROM \(version.tableName)\(condition) ORDER BY \(order) LIMIT \(query.limit) OFFSET \(query.offset)", binds)
            let total = try await session.query("SELECT COUNT(*) AS n FROM \(version.tableName)\(condition)", binds).first?.int("n") ?? 0
            return Page(columns: columns, rows: rows.map(\.values), total: total)
        }
    }

    /// Every matching row in `_row` order, `batchSize` at a time (keyset on `_row`, so each batch costs the same and
    /// memory stays flat however large the version). Sorting is not offered here: a whole-file download keeps row order.
    public func stream(_ version: DatasetVersion, fields: [FieldDefinition], columns: [String], query: DatasetQuery, batchSize: Int = 2000,
                       _ body: ([[SQLValue]]) async throws -> Void) async throws {
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
                if let number = Double(value) {
                    binds.append(number == number.rounded() && abs(number) < 9e15 ? .integer(Int64(number)) : .real(number))
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
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), binds)
    }
}
