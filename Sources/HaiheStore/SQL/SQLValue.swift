import Foundation
import HaiheCore

/// A value bound into or read out of SQL. Kept to the five storage classes both backends share,
/// so that one repository implementation serves SQLite and PostgreSQL.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue {
    /// The value as people read it (CSV cells, previews, profiles): whole reals without ".0"; nil for NULL.
    public var displayText: String? {
        switch self {
        case .integer(let i): String(i)
        case .real(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .text(let t): t
        case .null, .blob: nil
        }
    }
}

/// Values that bind as SQL parameters.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Date: SQLBindable { public var sqlValue: SQLValue { .text(Timestamp.format(self)) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One result row: column names and values, read by name.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(_ column: String) -> SQLValue {
        guard let i = columns.firstIndex(of: column) else { return .null }
        return values[i]
    }

    public func string(_ column: String) throws -> String {
        switch self[column] {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        default: throw StoreError.unexpectedValue(column: column, value: self[column])
        }
    }

    public func optionalString(_ column: String) -> String? {
        switch self[column] {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        default: return nil
        }
    }

    public func int(_ column: String) throws -> Int {
        switch self[column] {
        case .integer(let i): return Int(i)
        case .real(let d): return Int(d)
        case .text(let s): if let i = Int(s) { return i }
        default: break
        }
        throw StoreError.unexpectedValue(column: column, value: self[column])
    }

    public func optionalInt(_ column: String) -> Int? { try? int(column) }

    public func date(_ column: String) throws -> Date {
        let text = try string(column)
        guard let date = Timestamp.parse(text) else { throw StoreError.unexpectedValue(column: column, value: self[column]) }
        return date
    }

    public func optionalDate(_ column: String) -> Date? { optionalString(column).flatMap(Timestamp.parse) }
}

/// Failures of the storage layer itself (not of user input).
public enum StoreError: Error, CustomStringConvertible {
    case unexpectedValue(column: String, value: SQLValue)
    case sqlite(code: Int32, message: String, sql: String)
    case unsupportedURL(String)
    case connection(String)

    public var description: String {
        switch self {
        case .unexpectedValue(let column, let value): "unexpected value \(value) in column \(column)"
        case .sqlite(let code, let message, let sql): "SQLite error \(code): \(message) [\(sql.prefix(200))]"
        case .unsupportedURL(let url): "unsupported database URL \(url)"
        case .connection(let message): message
        }
    }

    /// True for a unique-constraint violation, which repositories turn into a user-facing conflict.
    public var isUniqueViolation: Bool {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY, not foreign-key or check failures.
        if case .sqlite(let code, _, _) = self { return code == 2067 || code == 1555 }
        return false
    }
}
