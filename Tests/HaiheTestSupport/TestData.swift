import Foundation
import HaiheCore
import HaiheStore

/// Catalog entries and data that several suites load.
public enum TestData {
    /// An enterprise registry's fields: a unique credit code, a name, a decimal, a date and a closed list.
    public static let enterpriseFields = [
        FieldDefinition(name: "credit_code", labelZH: "统一社会信用代码", type: .text, required: true, uniqueKey: true, identifier: .creditCode),
        FieldDefinition(name: "name", labelZH: "企业名称", type: .text, required: true),
        FieldDefinition(name: "capital", labelZH: "注册资本", type: .decimal, minimum: "0"),
        FieldDefinition(name: "founded_on", labelZH: "成立日期", type: .date),
        FieldDefinition(name: "status", labelZH: "经营状态", type: .text, allowedValues: ["存续", "注销"]),
    ]

    /// A valid, distinct 统一社会信用代码 for each `n`.
    public static func creditCode(_ n: Int) -> String {
        UnifiedSocialCreditCode.make(authority: "9", type: "1", division: "120101", organizationBody: String(format: "%08d", n))!
    }

    /// CSV rows for the enterprise fields, numbered from `from`.
    public static func enterpriseCSV(_ numbers: ClosedRange<Int>) -> String {
        "credit_code,name,capital,founded_on,status\n" + numbers.map { "\(creditCode($0)),天津第\($0)号企业有限公司,\($0 % 1000).5,2020-01-01,存续" }.joined(separator: "\n") + "\n"
    }

    /// A published entry of the market regulator with the enterprise fields (created with its organisation).
    public static func publishedEnterpriseEntry(_ store: Store, shareType: ShareType = .unconditional) async throws -> CatalogEntry {
        let organization = Organization(kind: .cityDepartment, nameZH: "天津市市场监督管理委员会", creditCode: UnifiedSocialCreditCode.make(
            authority: "1", type: "1", division: "120000", organizationBody: "70000001")!, divisionCode: "120000")
        try await store.organizations.create(organization, audit: .test)
        var entry = CatalogEntry(resourceCode: "105001-00001", title: "企业登记基本信息", summary: "全市企业登记信息", providerID: organization.id,
                                 domain: .enterpriseRegistration, fields: enterpriseFields, updateFrequency: .daily, shareType: shareType,
                                 openType: .unconditional)
        entry.status = .published
        entry.publishedAt = Date()
        try await store.database.transaction { try await CatalogStore.importVersion(entry, in: $0) }
        return entry
    }
}
