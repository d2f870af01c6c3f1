import Foundation
import HaiheCore
import HaiheStore

/// Rows for every published demo entry, made from each entry's own field definitions (so every value passes its
/// checks), loaded through the same path as an upload: an enterprise registry of 200,000 rows, a few thousand rows
/// elsewhere, one batch with realistic mistakes in quarantine, and the air-quality entry pulled every hour from the
/// platform's own demo feed.
public enum DemoData {
    /// The registry that gets 200,000 rows, the batch that carries mistakes, the entry pulled from the feed.
    static let registryCode = "201005-00001"
    static let flawedCode = "201005-00003"
    static let feedCode = "701009-00001"
    static let historyCodes: Set<String> = ["101002-00004", "401006-00004", "801010-00002"]

    /// Loads data for every published demo entry that has none; returns the number of rows loaded.
    @discardableResult
    public static func load(into store: Store, registryRows: Int = 200_000, otherRows: Int = 2_000, feedBaseURL: String? = nil) async throws -> Int {
        var total = 0
        var generator = SeededGenerator(state: 20_261_201)
        let entries = try await store.catalog.all(CatalogQuery(catalog: .government, sort: CatalogSort(.code, descending: false)))
        let audit = AuditDraft(actor: nil, action: "demo.load", objectType: "dataset_version", detail: ["source": "demo"])
        for entry in entries where try await store.datasets.current(entryID: entry.entryID) == nil {
            try Task.checkCancellation()
            let rows = entry.resourceCode == registryCode ? registryRows : otherRows
            // A few datasets were updated once already, so their pages show a version history.
            for earlier in historyCodes.contains(entry.resourceCode) ? [true, false] : [false] {
                let csv = try table(for: entry.fields, rows: earlier ? rows * 9 / 10 : rows, flawed: entry.resourceCode == flawedCode, using: &generator)
                let (_, report) = try await store.datasets.load(entry.entryID, from: .bytes(Array(csv.utf8), format: .csv, origin: "demo"), audit: audit)
                if !earlier { total += report.rowsAccepted }
            }
            if entry.resourceCode == feedCode, let feedBaseURL {
                _ = try await store.dataSources.add(entryID: entry.entryID, url: "\(feedBaseURL)/demo/feeds/\(feedCode).csv", format: .csv,
                                                    intervalMinutes: 60, audit: audit)
            }
        }
        return total
    }

    /// A CSV table for `fields`: a header of field names and `rows` rows whose values satisfy every check. With
    /// `flawed`, about one row in fifty has a realistic mistake (a wrong check character, an impossible date, a blank).
    public static func table(for fields: [FieldDefinition], rows: Int, flawed: Bool = false, using generator: inout SeededGenerator) throws -> String {
        var text = fields.map(\.name).joined(separator: ",") + "\n"
        text.reserveCapacity(rows * fields.count * 12)
        for row in 0..<rows {
            // A server shutting down does not wait for 200,000 rows to be made.
            if row % 1_000 == 0 { try Task.checkCancellation() }
            let mistake = flawed && row % 50 == 7 ? Int(generator.next() % UInt64(fields.count)) : -1
            text += fields.enumerated().map { index, field in
                var value = self.value(for: field, row: row, using: &generator)
                if index == mistake {
                    switch field.type {
                    case .date: value = "2023-02-30"
                    case .integer, .decimal: value = "约\(value)"
                    default: value = field.identifier == nil ? (field.required ? "" : value + "？") : String(value.dropLast()) + "Z"
                    }
                }
                return CSVField.quoted(value)
            }.joined(separator: ",") + "\n"
        }
        return text
    }

    static let districts = ["和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区", "津南区", "北辰区", "武清区", "宝坻区", "滨海新区", "宁河区", "静海区", "蓟州区"]
    static let divisionCodes = DivisionCode.tianjin.keys.filter { $0 != "120000" }.sorted()
    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
    static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红")
    static let trades = ["科技", "贸易", "建设", "物流", "餐饮", "医药", "文化", "机械", "电子", "咨询", "港口", "新能源"]
    static let streets = ["南京路", "解放北路", "卫津路", "黄河道", "中山路", "友谊路", "津塘路", "红旗路"]

    /// A value that passes the field's checks; the field's name and label hint at what kind of text it holds.
    static func value(for field: FieldDefinition, row: Int, using generator: inout SeededGenerator) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        func number(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(generator.next() % UInt64(range.count)) }
        if let allowed = field.allowedValues, !allowed.isEmpty { return pick(allowed) }
        switch field.identifier {
        case .creditCode?:
            return UnifiedSocialCreditCode.make(authority: "9", type: "1", division: pick(divisionCodes), organizationBody: String(format: "%08d", row))!
        case .residentIdentityNumber?:
            let first17 = pick(divisionCodes) + String(format: "%04d%02d%02d%03d", number(1950...2005), number(1...12), number(1...28), number(0...999))
            return first17 + String(ResidentIdentityNumber.checkCharacter(for: first17)!)
        case .mobile?: return "1\(number(3...9))\(String(format: "%09d", number(0...999_999_999)))"
        case .divisionCode?: return pick(divisionCodes)
        case .postalCode?: return "30\(String(format: "%04d", number(0...1999)))"
        case nil: break
        }
        let hint = (field.name + " " + field.labelZH).lowercased()
        let minimum = field.minimum.flatMap(Double.init), maximum = field.maximum.flatMap(Double.init)
        func unit() -> Double { Double(generator.next() % 1_000_000) / 1_000_000 }
        // Amounts of money are mostly small with a long tail; measurements gather round the middle of their range.
        let skewed = ["capital", "salary", "fine", "amount", "employees", "consumption", "recipients", "precipitation"].contains { hint.contains($0) }
        func share() -> Double { skewed ? pow(unit(), 3) : (unit() + unit() + unit()) / 3 }
        switch field.type {
        case .integer:
            let low = minimum ?? 0, high = maximum ?? low + 5_000
            return String(Int((low + (high - low) * share()).rounded()))
        case .decimal:
            let low = minimum ?? 0, high = maximum ?? low + 10_000
            return String(format: "%.2f", low + (high - low) * share())
        case .boolean: return generator.next() % 2 == 0 ? "true" : "false"
        case .date:
            // Statistics are recent months; validity runs into the coming years; other events spread over 25 years.
            if field.name == "record_date" { return String(format: "2025-%02d-01", number(1...12)) }
            if hint.contains("valid") { return String(format: "%04d-%02d-%02d", number(2027...2031), number(1...12), number(1...28)) }
            return String(format: "%04d-%02d-%02d", number(2000...2025), number(1...12), number(1...28))
        case .datetime:
            return String(format: "2026-11-%02dT%02d:%02d:00", number(1...30), number(0...23), number(0...59))
        case .text:
            if field.uniqueKey { return "\(field.name.uppercased().prefix(3))\(String(format: "%08d", row))" }
            if hint.contains("company") || hint.contains("企业") || hint.contains("单位") || hint.contains("机构") {
                return "天津\(pick(givenNames))\(pick(surnames))\(pick(trades))有限公司"
            }
            if hint.contains("name") || hint.contains("姓名") || hint.contains("代表") || hint.contains("负责人") {
                return "\(pick(surnames))\(pick(givenNames))\(generator.next() % 2 == 0 ? String(pick(givenNames)) : "")"
            }
            if hint.contains("district") || hint.contains("区") { return pick(districts) }
            // A city has a few dozen stations, each reporting many times: their names repeat.
            if hint.contains("station") || hint.contains("监测点") {
                return pick(districts) + (hint.contains("气象") ? "国家气象观测站" : "环境监测站")
            }
            if hint.contains("stop") { return pick(streets) + pick(["东口", "西口", "南站", "北站", "路口"]) }
            if hint.contains("section") || hint.contains("断面") { return pick(["海河", "蓟运河", "独流减河", "永定新河", "子牙新河"]) + pick(["入海口", "大桥", "闸下", "渡口"]) }
            if hint.contains("address") || hint.contains("地址") {
                return "\(pick(districts))\(pick(streets))\(number(1...300))号"
            }
            return "\(field.labelZH)\(row + 1)"
        }
    }

    /// Fresh rows for the demo feed of `code` (today's readings), for the scheduled pull to fetch.
    static func feed(for entry: CatalogEntry, rows: Int = 200) -> String {
        var generator = SeededGenerator(state: UInt64(Date().timeIntervalSince1970))
        return (try? table(for: entry.fields, rows: rows, using: &generator)) ?? ""
    }
}
