import Foundation
import Testing
@testable import HaiheCore

@Suite("Catalog rules: completeness, legal basis, lifecycle, duplicates, overdue")
struct CatalogRulesTests {
    static func entry(share: ShareType = .unconditional, open: OpenType = .unconditional, provider: String = "org-a",
                      fields: [FieldDefinition]? = nil) -> CatalogEntry {
        CatalogEntry(resourceCode: "201005-00012", title: "企业登记信息", summary: "全市企业登记基本信息", providerID: provider,
                     domain: .enterpriseRegistration,
                     fields: fields ?? [FieldDefinition(name: "credit_code", labelZH: "统一社会信用代码", type: .text, required: true, uniqueKey: true,
                                                        standardCode: "DE00001"),
                                        FieldDefinition(name: "company_name", labelZH: "企业名称", type: .text)],
                     updateFrequency: .daily, shareType: share, openType: open)
    }

    @Test("resource codes follow class, item, category, sub-category and sequence",
          arguments: [("201005-00012", true), ("2010051-001", true), ("20100-001", false), ("201005-01", false), ("001005-001", false), ("201005", false), ("2010a5-001", false)])
    func resourceCodes(code: String, valid: Bool) {
        #expect(CatalogRules.isValidResourceCode(code) == valid)
    }

    @Test("an incomplete entry is refused with the reason")
    func completeness() {
        var noFields = Self.entry(); noFields.fields = []
        #expect(throws: HaiheError.self) { try CatalogRules.validate(noFields) }
        var badName = Self.entry(); badName.fields[0].name = "统一代码"
        #expect(throws: HaiheError.self) { try CatalogRules.validate(badName) }
        var twice = Self.entry(); twice.fields[1].name = "credit_code"
        #expect(throws: HaiheError.self) { try CatalogRules.validate(twice) }
        var badPattern = Self.entry(); badPattern.fields[0].pattern = "[unclosed"
        #expect(throws: HaiheError.self) { try CatalogRules.validate(badPattern) }
        #expect(throws: Never.self) { try CatalogRules.validate(Self.entry()) }
    }

    @Test("conditional or withheld data cannot be submitted without a legal basis", arguments: [
        (ShareType.conditional, OpenType.unconditional), (.notShared, .unconditional), (.unconditional, .conditional), (.unconditional, .notOpen),
    ])
    func legalBasis(share: ShareType, open: OpenType) throws {
        let entry = Self.entry(share: share, open: open)
        let error = #expect(throws: HaiheError.self) { _ = try CatalogRules.apply(.submit, to: entry, at: Date()) }
        #expect(error?.code == "catalog.legal_basis_missing")
        var withBasis = entry
        withBasis.legalBasis = LegalBasis(name: "中华人民共和国个人信息保护法", article: "第十三条")
        #expect(try CatalogRules.apply(.submit, to: withBasis, at: Date()).status == .submitted)
    }

    @Test("the lifecycle allows only its own moves")
    func lifecycle() throws {
        let now = Date()
        let draft = Self.entry()
        #expect(throws: HaiheError.self) { _ = try CatalogRules.apply(.publish, to: draft, at: now) }
        let submitted = try CatalogRules.apply(.submit, to: draft, at: now)
        #expect(throws: HaiheError.self) { _ = try CatalogRules.apply(.return, to: submitted, comment: "  ", at: now) }
        let returned = try CatalogRules.apply(.return, to: submitted, comment: "缺少更新时限", at: now)
        #expect(returned.status == .returned && returned.reviewComment == "缺少更新时限")
        let resubmitted = try CatalogRules.apply(.submit, to: returned, at: now)
        let confirmed = try CatalogRules.apply(.confirm, to: resubmitted, at: now)
        let published = try CatalogRules.apply(.publish, to: confirmed, at: now)
        #expect(published.publishedAt == now)
        let revision = try CatalogRules.revise(published, at: now)
        #expect(revision.version == 2 && revision.status == .draft && revision.entryID == published.entryID && revision.id != published.id)
        #expect(try CatalogRules.apply(.retire, to: published, at: now).status == .retired)
        #expect(throws: HaiheError.self) { _ = try CatalogRules.revise(draft, at: now) }
    }

    @Test("fields that another department already publishes are flagged; new fields and one's own are not")
    func duplicates() throws {
        var existing = Self.entry(provider: "org-a")
        existing.status = .published
        let overlapping = [FieldDefinition(name: "uscc", labelZH: "统一社会信用代码", type: .text),
                           FieldDefinition(name: "legal_rep", labelZH: "法定代表人", type: .text, standardCode: "DE00001")]
        let warnings = DuplicateCollection.warnings(for: overlapping, providerID: "org-b", against: [existing])
        #expect(warnings.map(\.field) == ["uscc", "legal_rep"])
        #expect(warnings.map(\.reason) == [.sameLabel, .sameStandardCode])
        #expect(warnings[0].messageZH.contains("共享") )
        let fresh = [FieldDefinition(name: "bus_line", labelZH: "公交线路", type: .text), FieldDefinition(name: "name", labelZH: "名称", type: .text)]
        #expect(DuplicateCollection.warnings(for: fresh, providerID: "org-b", against: [existing]).isEmpty)
        #expect(DuplicateCollection.warnings(for: overlapping, providerID: "org-a", against: [existing]).isEmpty)
    }

    @Test("published data older than its frequency allows is overdue")
    func overdue() {
        let now = Date()
        var entry = Self.entry()
        entry.status = .published
        entry.publishedAt = now.addingTimeInterval(-10 * 86_400)
        entry.dataUpdatedAt = now.addingTimeInterval(-2 * 86_400)
        #expect(CatalogRules.isOverdue(entry, at: now))
        entry.dataUpdatedAt = now.addingTimeInterval(-3_600)
        #expect(!CatalogRules.isOverdue(entry, at: now))
        entry.updateFrequency = .monthly
        entry.dataUpdatedAt = now.addingTimeInterval(-40 * 86_400)
        #expect(CatalogRules.isOverdue(entry, at: now))
        entry.updateDeadlineDays = 15
        #expect(!CatalogRules.isOverdue(entry, at: now))
        entry.updateFrequency = .irregular
        #expect(!CatalogRules.isOverdue(entry, at: now))
    }
}

extension DuplicateWarning {
    var messageZH: String { String(message.split(separator: "/").first ?? "") }
}
