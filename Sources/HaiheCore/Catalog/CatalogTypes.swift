import Foundation

/// 共享类型 (Art. 15): sharing is the rule, not sharing the exception.
public enum ShareType: String, Sendable, Codable, CaseIterable {
    case unconditional      // 无条件共享
    case conditional        // 有条件共享
    case notShared = "not_shared"  // 不予共享

    public var labelZH: String {
        switch self {
        case .unconditional: "无条件共享"
        case .conditional: "有条件共享"
        case .notShared: "不予共享"
        }
    }
}

/// 开放类型 (Art. 21).
public enum OpenType: String, Sendable, Codable, CaseIterable {
    case unconditional      // 无条件开放
    case conditional        // 有条件开放
    case notOpen = "not_open"  // 不予开放

    public var labelZH: String {
        switch self {
        case .unconditional: "无条件开放"
        case .conditional: "有条件开放"
        case .notOpen: "不予开放"
        }
    }
}

/// 资源类型: the three catalog views kept by resource type.
public enum ResourceType: String, Sendable, Codable, CaseIterable {
    case basic = "basic"          // 基础
    case thematic = "thematic"    // 主题
    case departmental = "departmental"  // 部门

    public var labelZH: String {
        switch self {
        case .basic: "基础信息资源"
        case .thematic: "主题信息资源"
        case .departmental: "部门信息资源"
        }
    }
}

/// 领域: the Art. 24 priority domains first, then the others a city catalog needs.
public enum Domain: String, Sendable, Codable, CaseIterable {
    case credit, transport, medical, employment, socialSecurity = "social_security", education, environment,
         meteorology, enterpriseRegistration = "enterprise_registration",
         publicSecurity = "public_security", urbanPlanning = "urban_planning", energy, culture, agriculture, other

    public var labelZH: String {
        switch self {
        case .credit: "信用"
        case .transport: "交通"
        case .medical: "医疗"
        case .employment: "就业"
        case .socialSecurity: "社保"
        case .education: "教育"
        case .environment: "环境"
        case .meteorology: "气象"
        case .enterpriseRegistration: "企业登记监管"
        case .publicSecurity: "公共安全"
        case .urbanPlanning: "城市建设"
        case .energy: "能源"
        case .culture: "文化旅游"
        case .agriculture: "农业农村"
        case .other: "其他"
        }
    }

    /// The nine domains Art. 24 names for priority opening.
    public var isPriority: Bool { Domain.priority.contains(self) }
    public static let priority: [Domain] = [.credit, .transport, .medical, .employment, .socialSecurity, .education, .environment, .meteorology, .enterpriseRegistration]
}

/// 更新周期.
public enum UpdateFrequency: String, Sendable, Codable, CaseIterable {
    case realTime = "real_time", daily, weekly, monthly, quarterly, yearly, irregular

    public var labelZH: String {
        switch self {
        case .realTime: "实时"
        case .daily: "每日"
        case .weekly: "每周"
        case .monthly: "每月"
        case .quarterly: "每季度"
        case .yearly: "每年"
        case .irregular: "不定期"
        }
    }

    /// How long data may go without an update before the entry is overdue; nil for irregular data.
    /// Real-time data is allowed a day: a feed silent for a day is broken.
    public var allowedSilence: TimeInterval? {
        let day: TimeInterval = 86_400
        switch self {
        case .realTime, .daily: return day
        case .weekly: return 7 * day
        case .monthly: return 31 * day
        case .quarterly: return 92 * day
        case .yearly: return 366 * day
        case .irregular: return nil
        }
    }
}

/// 共享方式 / 开放方式.
public enum AccessMethod: String, Sendable, Codable, CaseIterable {
    case api, fileDownload = "file_download", databaseSync = "database_sync"
}

/// 安全级别: drives who may see what (Art. 49).
public enum SecurityGrade: String, Sendable, Codable, CaseIterable, Comparable {
    case publicInfo = "public", internalUse = "internal", sensitive, restricted

    public var labelZH: String {
        switch self {
        case .publicInfo: "公开"
        case .internalUse: "内部"
        case .sensitive: "敏感"
        case .restricted: "受限"
        }
    }

    public static func < (a: SecurityGrade, b: SecurityGrade) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// 信息项数据类型.
public enum FieldType: String, Sendable, Codable, CaseIterable {
    case integer, decimal, text, date, datetime, boolean

    public var labelZH: String {
        switch self {
        case .integer: "整数"
        case .decimal: "数值"
        case .text: "文本"
        case .date: "日期"
        case .datetime: "日期时间"
        case .boolean: "是/否"
        }
    }
}

/// Chinese identifiers a field may hold, each with its own check (Art. 12: data must be true and accurate).
public enum IdentifierKind: String, Sendable, Codable, CaseIterable {
    case residentIdentityNumber = "resident_id"   // 公民身份号码 GB 11643
    case creditCode = "credit_code"               // 统一社会信用代码 GB 32100
    case mobile                                   // 手机号码
    case divisionCode = "division_code"           // 行政区划代码 GB/T 2260
    case postalCode = "postal_code"               // 邮政编码

    public var labelZH: String {
        switch self {
        case .residentIdentityNumber: "公民身份号码"
        case .creditCode: "统一社会信用代码"
        case .mobile: "手机号码"
        case .divisionCode: "行政区划代码"
        case .postalCode: "邮政编码"
        }
    }
}

/// 信息项: one field of the data an entry describes.
public struct FieldDefinition: Sendable, Codable, Equatable {
    public var name: String
    public var labelZH: String
    public var type: FieldType
    public var unit: String?
    public var description: String?
    public var required: Bool
    public var uniqueKey: Bool
    public var allowedValues: [String]?
    public var pattern: String?
    /// 标准数据元代码: the national or city data element this field implements.
    public var standardCode: String?
    /// Whether the field holds personal information (个人信息).
    public var personalInformation: Bool
    /// A Chinese identifier the values must be, checked with its check digits.
    public var identifier: IdentifierKind?
    /// Inclusive bounds: numbers for integer and decimal fields, `YYYY-MM-DD…` text for dates and date-times.
    public var minimum: String?
    public var maximum: String?
    /// Bounds on the number of characters of a value.
    public var minLength: Int?
    public var maxLength: Int?

    public init(name: String, labelZH: String, type: FieldType, unit: String? = nil, description: String? = nil, required: Bool = false,
                uniqueKey: Bool = false, allowedValues: [String]? = nil, pattern: String? = nil, standardCode: String? = nil,
                personalInformation: Bool = false, identifier: IdentifierKind? = nil, minimum: String? = nil, maximum: String? = nil,
                minLength: Int? = nil, maxLength: Int? = nil) {
        self.identifier = identifier
        self.minimum = minimum
        self.maximum = maximum
        self.minLength = minLength
        self.maxLength = maxLength
        self.name = name
        self.labelZH = labelZH
        self.type = type
        self.unit = unit
        self.description = description
        self.required = required
        self.uniqueKey = uniqueKey
        self.allowedValues = allowedValues
        self.pattern = pattern
        self.standardCode = standardCode
        self.personalInformation = personalInformation
    }
}

/// 法律依据 (Art. 16): the law, regulation or rule that makes data conditional or withheld, filed with the regulator.
public struct LegalBasis: Sendable, Codable, Equatable {
    public var name: String
    public var article: String
    public var note: String?

    public init(name: String, article: String, note: String? = nil) {
        self.name = name
        self.article = article
        self.note = note
    }
}
