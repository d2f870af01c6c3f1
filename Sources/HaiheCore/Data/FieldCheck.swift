import Foundation

/// The rule a value broke, named in the quality report (Art. 12: data must be true, accurate and complete).
public enum QualityRule: String, Sendable, Codable, CaseIterable {
    case required, type, identifier, allowedValues = "allowed_values", pattern, length, range, unique
    /// The row itself is malformed: a different number of columns than the header.
    case shape

    public var labelZH: String {
        switch self {
        case .required: "必填项为空"
        case .type: "类型不符"
        case .identifier: "代码校验失败"
        case .allowedValues: "不在取值范围"
        case .pattern: "格式不符"
        case .length: "长度不符"
        case .range: "超出数值范围"
        case .unique: "唯一键重复"
        case .shape: "列数不符"
        }
    }
}

/// One reason a row was refused.
public struct RowProblem: Error, Sendable, Codable, Equatable {
    public var field: String?
    public var rule: QualityRule
    public var messageZH: String
    public var messageEN: String

    public init(field: String?, rule: QualityRule, zh: String, en: String) {
        self.field = field
        self.rule = rule
        self.messageZH = zh
        self.messageEN = en
    }
}

/// A checked value, ready to store.
public enum CellValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    /// The original text, unchanged.
    case original
    /// Text rewritten to its canonical form (dates as `YYYY-MM-DD`).
    case text(String)
}

/// The checks of one field, prepared once per batch and then applied to every value as UTF-8 bytes: a million-row
/// file must not turn each of its ten million values into a Swift String just to be checked.
public final class FieldCheck: @unchecked Sendable {  // immutable; NSRegularExpression is safe to share once built
    public let field: FieldDefinition
    let allowed: [[UInt8]]?
    let regex: NSRegularExpression?
    let minimumNumber: Double?, maximumNumber: Double?
    let minimumText: String?, maximumText: String?

    public init(_ field: FieldDefinition) {
        self.field = field
        allowed = field.allowedValues.map { $0.map { Array($0.utf8) } }
        regex = field.pattern.flatMap { try? NSRegularExpression(pattern: "^(?:" + $0 + ")$") }
        let numeric = field.type == .integer || field.type == .decimal
        minimumNumber = numeric ? field.minimum.flatMap(Double.init) : nil
        maximumNumber = numeric ? field.maximum.flatMap(Double.init) : nil
        minimumText = numeric ? nil : field.minimum
        maximumText = numeric ? nil : field.maximum
    }

    /// Refuses fields whose pattern the checker cannot compile, so that no check is ever skipped silently.
    public static func requireCompilablePatterns(_ fields: [FieldDefinition]) throws {
        for field in fields {
            guard let pattern = field.pattern else { continue }
            if (try? NSRegularExpression(pattern: "^(?:" + pattern + ")$")) == nil {
                throw HaiheError.invalid("data.pattern", zh: "信息项“\(field.labelZH)”的格式规则无法用于校验，请修改目录",
                                         en: "The pattern of field \(field.name) cannot be used for checking; correct the catalog entry")
            }
        }
    }

    /// Checks one value; empty means absent.
    public func check(_ raw: UnsafeBufferPointer<UInt8>) -> Result<CellValue, RowProblem> {
        let value = field.type == .text ? raw : Self.trimmed(raw)
        if value.isEmpty {
            return field.required ? .failure(problem(.required, zh: "不能为空", en: "must not be empty")) : .success(.null)
        }
        let cell: CellValue
        switch field.type {
        case .text:
            cell = .original
        case .integer:
            guard let number = Self.integer(value) else { return .failure(problem(.type, zh: "不是整数", en: "is not an integer", value)) }
            if let failure = checkRange(Double(number), value) { return .failure(failure) }
            cell = .integer(number)
        case .decimal:
            guard let number = Self.decimal(value) else { return .failure(problem(.type, zh: "不是数值", en: "is not a number", value)) }
            if let failure = checkRange(number, value) { return .failure(failure) }
            cell = .real(number)
        case .boolean:
            guard let flag = Self.boolean(value) else {
                return .failure(problem(.type, zh: "不是是/否值", en: "is not a yes/no value (true/false, 1/0, 是/否)", value))
            }
            cell = .integer(flag ? 1 : 0)
        case .date:
            guard let date = Self.date(value) else {
                return .failure(problem(.type, zh: "不是有效日期（YYYY-MM-DD）", en: "is not a valid date (YYYY-MM-DD)", value))
            }
            if let failure = checkRange(date, value) { return .failure(failure) }
            cell = .text(date)
        case .datetime:
            guard let dateTime = Self.dateTime(value) else {
                return .failure(problem(.type, zh: "不是有效日期时间（YYYY-MM-DDTHH:MM:SS）", en: "is not a valid date-time (YYYY-MM-DDTHH:MM:SS)", value))
            }
            if let failure = checkRange(dateTime, value) { return .failure(failure) }
            cell = .text(dateTime)
        }
        if let identifier = field.identifier, !Self.isValid(identifier, value) {
            return .failure(problem(.identifier, zh: "不是有效的\(identifier.labelZH)", en: "is not a valid \(identifier.rawValue.replacingOccurrences(of: "_", with: " "))", value))
        }
        if let allowed, !allowed.contains(where: { $0.elementsEqual(value) }) {
            return .failure(problem(.allowedValues, zh: "不在允许的取值中（\(field.allowedValues!.joined(separator: "、"))）",
                                    en: "is not one of the allowed values (\(field.allowedValues!.joined(separator: ", ")))", value))
        }
        if field.minLength != nil || field.maxLength != nil {
            // Characters, not bytes: a continuation byte of UTF-8 starts no character.
            let characters = value.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            if let minimum = field.minLength, characters < minimum {
                return .failure(problem(.length, zh: "长度\(characters)小于\(minimum)", en: "has \(characters) characters, fewer than \(minimum)", value))
            }
            if let maximum = field.maxLength, characters > maximum {
                return .failure(problem(.length, zh: "长度\(characters)超过\(maximum)", en: "has \(characters) characters, more than \(maximum)", value))
            }
        }
        if let regex {
            let text = String(decoding: value, as: UTF8.self)
            if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                return .failure(problem(.pattern, zh: "不符合格式 \(field.pattern!)", en: "does not match the pattern \(field.pattern!)", value))
            }
        }
        return .success(cell)
    }

    func problem(_ rule: QualityRule, zh: String, en: String, _ value: UnsafeBufferPointer<UInt8>? = nil) -> RowProblem {
        let shown = value.map { "“" + String(decoding: $0.prefix(80), as: UTF8.self) + "”" } ?? ""
        return RowProblem(field: field.name, rule: rule, zh: "信息项“\(field.labelZH)”\(shown)\(zh)", en: "Field \(field.name) \(shown.isEmpty ? "" : shown + " ")\(en)")
    }

    func checkRange(_ number: Double, _ value: UnsafeBufferPointer<UInt8>) -> RowProblem? {
        if let minimum = minimumNumber, number < minimum {
            return problem(.range, zh: "小于下限\(field.minimum!)", en: "is below the minimum \(field.minimum!)", value)
        }
        if let maximum = maximumNumber, number > maximum {
            return problem(.range, zh: "大于上限\(field.maximum!)", en: "is above the maximum \(field.maximum!)", value)
        }
        return nil
    }

    func checkRange(_ text: String, _ value: UnsafeBufferPointer<UInt8>) -> RowProblem? {
        if let minimum = minimumText, text < minimum { return problem(.range, zh: "早于\(minimum)", en: "is before \(minimum)", value) }
        if let maximum = maximumText, text > maximum { return problem(.range, zh: "晚于\(maximum)", en: "is after \(maximum)", value) }
        return nil
    }

    // MARK: Values from bytes

    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = b.count
        while start < end, b[start] == 0x20 || b[start] == 0x09 { start += 1 }
        while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: b[start..<end])
    }

    static func isValid(_ kind: IdentifierKind, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .residentIdentityNumber: ResidentIdentityNumber.isValid(utf8: b)
        case .creditCode: UnifiedSocialCreditCode.isValid(utf8: b)
        case .mobile: MobileNumber.isValid(utf8: b)
        case .divisionCode: DivisionCode.isValid(utf8: b)
        case .postalCode: PostalCode.isValid(utf8: b)
        }
    }

    /// An optional sign and up to 18 digits.
    public static func integer(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0, negative = false
        if b[0] == 0x2D || b[0] == 0x2B { negative = b[0] == 0x2D; i = 1 }
        guard i < b.count, b.count - i <= 18 else { return nil }
        var value: Int64 = 0
        while i < b.count {
            let digit = Int64(b[i]) - 0x30
            guard digit >= 0, digit <= 9 else { return nil }
            value = value * 10 + digit
            i += 1
        }
        return negative ? -value : value
    }

    /// Plain decimal notation (`-12.50`); anything else Swift's own parser reads (`1e6`). Up to 15 significant digits
    /// and 22 decimal places the quotient below is exact to the last bit, as a correctly rounded conversion would be.
    public static func decimal(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0, negative = false
        if b[0] == 0x2D || b[0] == 0x2B { negative = b[0] == 0x2D; i = 1 }
        var mantissa: Int64 = 0, digits = 0, scale = 0, seenPoint = false, plain = i < b.count
        while i < b.count, plain {
            let byte = b[i]
            if byte == 0x2E, !seenPoint {
                seenPoint = true
            } else if byte >= 0x30, byte <= 0x39 {
                mantissa = mantissa &* 10 &+ Int64(byte - 0x30)
                digits += 1
                if seenPoint { scale += 1 }
            } else {
                plain = false
            }
            i += 1
        }
        if plain, digits > 0, digits <= 15, scale <= 22 {
            let value = Double(mantissa) / powersOfTen[scale]
            return negative ? -value : value
        }
        guard let value = Double(String(decoding: b, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    static func boolean(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch String(decoding: b, as: UTF8.self).lowercased() {
        case "true", "1", "yes", "y", "t", "是": true
        case "false", "0", "no", "n", "f", "否": false
        default: nil
        }
    }

    /// `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`, as `YYYY-MM-DD`.
    public static func date(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        let year: Int?, month: Int?, day: Int?
        switch b.count {
        case 10 where (b[4] == 0x2D && b[7] == 0x2D) || (b[4] == 0x2F && b[7] == 0x2F):
            (year, month, day) = (CalendarDate.number(b, 0, 4), CalendarDate.number(b, 5, 2), CalendarDate.number(b, 8, 2))
        case 8:
            (year, month, day) = (CalendarDate.number(b, 0, 4), CalendarDate.number(b, 4, 2), CalendarDate.number(b, 6, 2))
        default:
            return nil
        }
        guard let year, let month, let day, year >= 1, CalendarDate.isValid(year: year, month: month, day: day) else { return nil }
        if b.count == 10, b[4] == 0x2D { return String(decoding: b, as: UTF8.self) }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// A date, then `T` or a space, then `HH:MM` or `HH:MM:SS` with optional fractions and zone; kept with a `T`.
    public static func dateTime(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard b.count >= 16, b[10] == 0x54 || b[10] == 0x20, let date = date(UnsafeBufferPointer(rebasing: b[0..<10])),
              let hour = CalendarDate.number(b, 11, 2), b[13] == 0x3A, let minute = CalendarDate.number(b, 14, 2),
              hour < 24, minute < 60 else { return nil }
        var rest = 16
        if b.count >= 19, b[16] == 0x3A {
            guard let second = CalendarDate.number(b, 17, 2), second < 61 else { return nil }
            rest = 19
            if rest < b.count, b[rest] == 0x2E {
                rest += 1
                while rest < b.count, b[rest] >= 0x30, b[rest] <= 0x39 { rest += 1 }
            }
        }
        let zone = String(decoding: UnsafeBufferPointer(rebasing: b[rest...]), as: UTF8.self)
        guard zone.isEmpty || zone == "Z" || zone.wholeMatch(of: /[+-]\d\d:?\d\d/) != nil else { return nil }
        return date + "T" + String(decoding: UnsafeBufferPointer(rebasing: b[11...]), as: UTF8.self)
    }
}
