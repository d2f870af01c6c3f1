import Foundation

/// The kinds of organisation the regulation names (Art. 4, 8, 27, 28, 56).
public enum OrganizationKind: String, Sendable, Codable, CaseIterable {
    /// 互联网信息主管部门: the city's (or a district's) internet information office.
    case regulator
    /// 市级政务部门: a city government department.
    case cityDepartment = "city_department"
    /// 区人民政府: a district government.
    case districtGovernment = "district_government"
    /// A department of a district government.
    case districtDepartment = "district_department"
    /// 人民法院、人民检察院 (Art. 56): courts and procuratorates, taking part under the same rules.
    case judicialBody = "judicial_body"
    /// 社会数据提供方 (Art. 27, 28): utilities, associations, service institutions contributing social data.
    case socialDataContributor = "social_data_contributor"
    /// 公民、法人和其他组织: a company or other organisation using open data.
    case enterprise
    /// 社会公众（个人）: the platform's home for citizens who register on the portal; it has no credit code.
    case publicIndividuals = "public_individuals"

    public var labelZH: String {
        switch self {
        case .regulator: "互联网信息主管部门"
        case .cityDepartment: "市级政务部门"
        case .districtGovernment: "区人民政府"
        case .districtDepartment: "区级政务部门"
        case .judicialBody: "司法机关"
        case .socialDataContributor: "社会数据提供单位"
        case .enterprise: "企业或其他组织"
        case .publicIndividuals: "社会公众（个人）"
        }
    }

    /// Government bodies hold 政务数据 and share it among themselves (Art. 15, 55, 56).
    public var isGovernment: Bool {
        switch self {
        case .regulator, .cityDepartment, .districtGovernment, .districtDepartment, .judicialBody: true
        case .socialDataContributor, .enterprise, .publicIndividuals: false
        }
    }
}

/// A contact person for an organisation.
public struct Contact: Sendable, Codable, Equatable {
    public var name: String
    public var phone: String?
    public var email: String?

    public init(name: String, phone: String? = nil, email: String? = nil) {
        self.name = name
        self.phone = phone
        self.email = email
    }
}

/// 单位: an organisation on the platform, identified by its 统一社会信用代码.
public struct Organization: Sendable, Codable, Equatable, Identifiable {
    public var id: String
    public var kind: OrganizationKind
    public var nameZH: String
    public var nameEN: String?
    /// 统一社会信用代码 (GB 32100), validated with its check character. Only the home of individual
    /// citizens has none.
    public var creditCode: String?
    /// A district department belongs to its district government; a district's regulator office to the district.
    public var parentID: String?
    /// 行政区划代码 (GB/T 2260) of the area the organisation serves, e.g. 120000 for the city, 120101 for 和平区.
    public var divisionCode: String
    public var contact: Contact?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String = Identifier.make(), kind: OrganizationKind, nameZH: String, nameEN: String? = nil,
                creditCode: String?, parentID: String? = nil, divisionCode: String = "120000",
                contact: Contact? = nil, createdAt: Date = Date(), updatedAt: Date? = nil) {
        self.id = id
        self.kind = kind
        self.nameZH = nameZH
        self.nameEN = nameEN
        self.creditCode = creditCode
        self.parentID = parentID
        self.divisionCode = divisionCode
        self.contact = contact
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Checks what an organisation record must satisfy before it is stored.
    public func validate() throws(HaiheError) {
        if nameZH.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalid("organization.name_missing", zh: "单位中文名称不能为空", en: "The organisation needs a Chinese name")
        }
        if let creditCode {
            if let problem = UnifiedSocialCreditCode.problem(with: creditCode) { throw problem }
        } else if kind != .publicIndividuals {
            throw .invalid("organization.credit_code_missing", zh: "单位须填写统一社会信用代码", en: "The organisation needs a unified social credit code")
        }
        if divisionCode.count != 6 || !divisionCode.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw .invalid("organization.division_code", zh: "行政区划代码应为6位数字", en: "The administrative division code must be six digits")
        }
        if kind == .districtDepartment && parentID == nil {
            throw .invalid("organization.parent_missing", zh: "区级部门必须隶属于一个区人民政府",
                           en: "A district department must belong to a district government")
        }
    }
}
