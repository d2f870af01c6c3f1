import Foundation

/// A question asked of a dataset's rows, as consumers send it in a URL: `district=和平区`, `capital__gte=1000`,
/// `select=name,district`, `sort=-capital,name`, `limit`, `offset`. Field names are checked against the entry's
/// fields before any SQL is written, and values are bound, never spliced.
public struct DatasetQuery: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case equals = "eq", notEquals = "ne", greater = "gt", greaterOrEqual = "gte", less = "lt", lessOrEqual = "lte"
        case oneOf = "in", contains, prefix
    }

    public struct Filter: Sendable, Equatable {
        public var field: String
        public var op: Operator
        /// One value; several for `in` (comma-separated in the URL).
        public var values: [String]

        public init(field: String, op: Operator, values: [String]) {
            self.field = field
            self.op = op
            self.values = values
        }
    }

    public struct Sort: Sendable, Equatable {
        public var field: String
        public var descending: Bool

        public init(field: String, descending: Bool) {
            self.field = field
            self.descending = descending
        }
    }

    public var filters: [Filter] = []
    /// nil: every field the caller may see.
    public var select: [String]?
    public var sort: [Sort] = []
    public var limit = 100
    public var offset = 0
    /// Text anywhere in the text fields (CKAN DataStore's `q`).
    public var search: String?
    /// Where the previous page ended (opaque, from that page's `next`): deep pages cost what the first one does.
    public var cursor: String?

    public static let maximumLimit = 1000
    public static let maximumOffset = 1_000_000
    public static let maximumFilters = 20
    public static let maximumValues = 200
    /// Parameters that are not field filters.
    public static let reserved: Set<String> = ["select", "sort", "limit", "offset", "format", "cursor", "_csrf", "certificate", "page", "include_total", "lang"]

    public init(filters: [Filter] = [], select: [String]? = nil, sort: [Sort] = [], limit: Int = 100, offset: Int = 0) {
        self.filters = filters
        self.select = select
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }

    /// Reads URL parameters against the entry's fields; unknown fields and operators are refused by name.
    public init(parameters: [(String, String)], fields: [FieldDefinition]) throws {
        let known = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func field(_ name: String) throws -> String {
            guard known[name] != nil else {
                throw HaiheError.invalid("query.unknown_field", zh: "没有名为“\(name)”的信息项", en: "There is no field named '\(name)'")
            }
            return name
        }
        for (key, value) in parameters {
            switch key {
            case "select":
                let names = try value.split(separator: ",").map { try field($0.trimmingCharacters(in: .whitespaces)) }
                guard !names.isEmpty else {
                    throw HaiheError.invalid("query.select_empty", zh: "select 至少列出一个信息项", en: "select must name at least one field")
                }
                guard Set(names).count == names.count else {
                    throw HaiheError.invalid("query.select_repeated", zh: "select 中有重复的信息项", en: "select names a field twice")
                }
                select = names
            case "sort":
                sort = try value.split(separator: ",").map { part in
                    let text = part.trimmingCharacters(in: .whitespaces)
                    let descending = text.hasPrefix("-")
                    return Sort(field: try field(descending ? String(text.dropFirst()) : text), descending: descending)
                }
            case "limit":
                guard let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                    throw HaiheError.invalid("query.limit", zh: "limit 应为 1 到 \(Self.maximumLimit) 之间的整数", en: "limit must be an integer from 1 to \(Self.maximumLimit)")
                }
                limit = number
            case "offset":
                guard let number = Int(value), (0...Self.maximumOffset).contains(number) else {
                    throw HaiheError.invalid("query.offset", zh: "offset 应为 0 到 \(Self.maximumOffset) 之间的整数", en: "offset must be an integer from 0 to \(Self.maximumOffset)")
                }
                offset = number
            case "q":
                search = value.isEmpty ? nil : String(value.prefix(200))
            case "cursor":
                guard value.count <= 4096 else {
                    throw HaiheError.invalid("query.cursor", zh: "cursor 无效", en: "The cursor is not valid")
                }
                cursor = value
            case _ where Self.reserved.contains(key):
                continue
            default:
                var name = key
                var op = Operator.equals
                if let range = key.range(of: "__", options: .backwards) {
                    name = String(key[..<range.lowerBound])
                    guard let parsed = Operator(rawValue: String(key[range.upperBound...])) else {
                        throw HaiheError.invalid("query.operator", zh: "不支持的条件“\(key)”（可用 eq、ne、gt、gte、lt、lte、in、contains、prefix）",
                                                 en: "Unknown condition '\(key)' (use eq, ne, gt, gte, lt, lte, in, contains, prefix)")
                    }
                    op = parsed
                }
                let definition = known[try field(name)]!
                let values = op == .oneOf ? value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [value]
                guard values.count <= 100 else {
                    throw HaiheError.invalid("query.in_too_long", zh: "in 条件最多 100 个值", en: "An in condition takes at most 100 values")
                }
                guard filters.count < Self.maximumFilters, filters.reduce(values.count, { $0 + $1.values.count }) <= Self.maximumValues else {
                    throw HaiheError.invalid("query.too_many_filters", zh: "筛选条件过多（最多 \(Self.maximumFilters) 个条件、\(Self.maximumValues) 个值）",
                                             en: "Too many filters (at most \(Self.maximumFilters) conditions and \(Self.maximumValues) values)")
                }
                if op != .contains, op != .prefix {
                    switch definition.type {
                    case .integer, .decimal:
                        // NaN and values beyond a Double's range compare with nothing: not numbers to filter by.
                        for v in values where Int64(v) == nil && !(Double(v)?.isFinite ?? false) {
                            throw HaiheError.invalid("query.not_a_number", zh: "信息项“\(name)”是数值，“\(v)”不是数", en: "Field '\(name)' is numeric; '\(v)' is not a number")
                        }
                    case .boolean:
                        for v in values where !["0", "1", "true", "false"].contains(v.lowercased()) {
                            throw HaiheError.invalid("query.not_a_boolean", zh: "信息项“\(name)”是布尔值，应为 true/false 或 1/0", en: "Field '\(name)' is boolean: use true/false or 1/0")
                        }
                    case .date, .datetime:
                        // Stored as ISO 8601 text, so a year, a month or a day (and for times, down to the second) compares right.
                        for v in values where !Self.isDatePrefix(v, time: definition.type == .datetime) && !Self.isStoredDateTime(v, definition.type) {
                            throw HaiheError.invalid("query.not_a_date", zh: "信息项“\(name)”是日期，“\(v)”应写作 2024、2024-05 或 2024-05-01",
                                                     en: "Field '\(name)' is a date; write '\(v)' as 2024, 2024-05 or 2024-05-01")
                        }
                    default:
                        break
                    }
                }
                filters.append(Filter(field: name, op: op, values: values))
            }
        }
    }

    /// `2024`, `2024-05`, `2024-05-01` and, for date-times, `2024-05-01T08`, `…T08:30`, `…T08:30:00` (a space for the T too).
    static func isDatePrefix(_ value: String, time: Bool) -> Bool {
        let digits = Array(value.utf8)
        let shape = Array((time ? "dddd-dd-ddTdd:dd:dd" : "dddd-dd-dd").utf8)
        guard [4, 7, 10, 13, 16, 19].contains(digits.count), digits.count <= shape.count else { return false }
        for (c, s) in zip(digits, shape) {
            switch s {
            case UInt8(ascii: "d"): guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return false }
            case UInt8(ascii: "T"): guard c == UInt8(ascii: "T") || c == UInt8(ascii: " ") else { return false }
            default: guard c == s else { return false }
            }
        }
        return true
    }

    /// A whole date-time as loads accept and keep it (fractions of a second, `Z` or an offset), so that a stored value
    /// can always be asked for exactly.
    static func isStoredDateTime(_ value: String, _ type: FieldType) -> Bool {
        guard type == .datetime else { return false }
        var text = value
        return text.withUTF8 { FieldCheck.dateTime($0) } != nil
    }

    /// Every field the query names: what a grant must cover.
    public var fieldsUsed: [String] {
        (select ?? []) + filters.map(\.field) + sort.map(\.field)
    }

    /// A stable text of the query, for delivery records and answer caches: values are percent-encoded, so two different
    /// questions never read the same (a value holding "&sort=" stays a value).
    public var canonical: String {
        func encoded(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value }
        var parts: [String] = filters.map { "\($0.field)__\($0.op.rawValue)=\($0.values.map(encoded).joined(separator: ","))" }
        if let select { parts.append("select=\(select.joined(separator: ","))") }
        if !sort.isEmpty { parts.append("sort=\(sort.map { ($0.descending ? "-" : "") + $0.field }.joined(separator: ","))") }
        parts.append("limit=\(limit)")
        if offset > 0 { parts.append("offset=\(offset)") }
        if let cursor { parts.append("cursor=\(encoded(cursor))") }
        if let search { parts.append("q=\(encoded(search))") }
        return parts.joined(separator: "&")
    }
}
