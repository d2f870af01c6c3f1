import Foundation

/// The lifecycle of a catalog entry version (Art. 10: 编制, then 经市互联网信息主管部门确认).
public enum EntryStatus: String, Sendable, Codable, CaseIterable {
    case draft        // 草稿: the provider is writing it
    case submitted    // 已提交: waiting for the regulator
    case returned     // 已退回: the regulator sent it back with reasons
    case confirmed    // 已确认: the regulator confirmed it; the provider may publish
    case published    // 已发布: in force, part of the city catalogs
    case superseded   // 已被替代: an older version, replaced by a newer published one
    case retired      // 已撤销: withdrawn; kept with its history

    public var labelZH: String {
        switch self {
        case .draft: "草稿"
        case .submitted: "待确认"
        case .returned: "已退回"
        case .confirmed: "已确认"
        case .published: "已发布"
        case .superseded: "已被替代"
        case .retired: "已撤销"
        }
    }

    /// A provider may change the content of a version only while it is theirs to write.
    public var isEditable: Bool { self == .draft || self == .returned }
}

/// 政务数据目录条目: one version of one catalog entry. An edit of a published entry makes a new
/// version (same `entryID`, `version` + 1) that goes through confirmation while the old one stays in force.
public struct CatalogEntry: Sendable, Codable, Equatable, Identifiable {
    /// This version's id.
    public var id: String
    /// The entry's id, the same for every version.
    public var entryID: String
    public var version: Int
    public var status: EntryStatus
    /// 资源代码: 类 (1 digit) 项 (2) 目 (3) 细目 (any digits), a hyphen, and a sequence number: `201005-00012`.
    public var resourceCode: String
    public var title: String
    public var titleEN: String?
    public var summary: String
    /// 提供方: the organisation that provides the data.
    public var providerID: String
    public var resourceType: ResourceType
    public var domain: Domain
    /// 主题分类: a free subject within the domain.
    public var subject: String?
    public var keywords: [String]
    /// File formats the data is offered in (CSV, JSON, XLSX …).
    public var formats: [String]
    public var fields: [FieldDefinition]
    public var updateFrequency: UpdateFrequency
    /// 更新时限: days after a period ends by which its data must be on the platform.
    public var updateDeadlineDays: Int?
    public var shareType: ShareType
    public var shareConditions: String?
    public var shareMethods: [AccessMethod]
    public var openType: OpenType
    public var openConditions: String?
    public var openMethods: [AccessMethod]
    /// 使用要求.
    public var usageRequirements: String?
    public var securityGrade: SecurityGrade
    public var contact: Contact?
    /// Required when share or open type is conditional or "not" (Art. 16).
    public var legalBasis: LegalBasis?
    /// 关联资源代码.
    public var relatedResourceCodes: [String]
    /// The regulator's reasons when it returned this version.
    public var reviewComment: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var submittedAt: Date?
    public var confirmedAt: Date?
    public var publishedAt: Date?
    /// When data for the entry last arrived (feeds overdue detection).
    public var dataUpdatedAt: Date?

    public init(id: String = Identifier.make(), entryID: String? = nil, version: Int = 1, status: EntryStatus = .draft,
                resourceCode: String, title: String, titleEN: String? = nil, summary: String, providerID: String,
                resourceType: ResourceType = .departmental, domain: Domain, subject: String? = nil, keywords: [String] = [],
                formats: [String] = ["CSV"], fields: [FieldDefinition], updateFrequency: UpdateFrequency, updateDeadlineDays: Int? = nil,
                shareType: ShareType, shareConditions: String? = nil, shareMethods: [AccessMethod] = [.api],
                openType: OpenType, openConditions: String? = nil, openMethods: [AccessMethod] = [.api, .fileDownload],
                usageRequirements: String? = nil, securityGrade: SecurityGrade = .internalUse, contact: Contact? = nil,
                legalBasis: LegalBasis? = nil, relatedResourceCodes: [String] = [], createdAt: Date = Date()) {
        self.id = id
        self.entryID = entryID ?? id
        self.version = version
        self.status = status
        self.resourceCode = resourceCode
        self.title = title
        self.titleEN = titleEN
        self.summary = summary
        self.providerID = providerID
        self.resourceType = resourceType
        self.domain = domain
        self.subject = subject
        self.keywords = keywords
        self.formats = formats
        self.fields = fields
        self.updateFrequency = updateFrequency
        self.updateDeadlineDays = updateDeadlineDays
        self.shareType = shareType
        self.shareConditions = shareConditions
        self.shareMethods = shareMethods
        self.openType = openType
        self.openConditions = openConditions
        self.openMethods = openMethods
        self.usageRequirements = usageRequirements
        self.securityGrade = securityGrade
        self.contact = contact
        self.legalBasis = legalBasis
        self.relatedResourceCodes = relatedResourceCodes
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// Whether the entry holds personal information: any field says so.
    public var containsPersonalInformation: Bool { fields.contains { $0.personalInformation } }

    /// Whether Art. 16 requires a legal basis filed with the regulator.
    public var needsLegalBasis: Bool { shareType != .unconditional || openType != .unconditional }

    /// In the 共享目录: shared unless "not shared".
    public var isInSharingCatalog: Bool { shareType != .notShared }
    /// In the 开放目录: open unless "not open".
    public var isInOpenCatalog: Bool { openType != .notOpen }
}
