/// No duplicate collection (Art. 19): data obtainable through the platform must not be collected again.
/// Compares a department's fields with the published entries of other organisations that it could obtain through
/// sharing instead (unconditional or conditional; a not-shared entry is not obtainable, so it is no reason to stop).
public struct DuplicateWarning: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable {
        /// Both fields implement the same standard data element.
        case sameStandardCode = "same_standard_code"
        /// The Chinese labels are the same once spacing and punctuation are ignored.
        case sameLabel = "same_label"
        /// The field names are the same once case and separators are ignored.
        case sameName = "same_name"
    }

    public var field: String
    public var existingEntryID: String
    public var existingTitle: String
    public var existingProviderID: String
    public var existingField: String
    public var reason: Reason
    /// How the consumer gets it instead: at once (unconditional) or by applying (conditional).
    public var availability: ShareType
    public var message: String
}

public enum DuplicateCollection {
    /// Names too generic to mean the same data (every table has an id or a remark).
    static let generic: Set<String> = ["id", "remark", "remarks", "note", "notes", "seq", "sequence", "createdat", "updatedat",
                                       "createtime", "updatetime", "name", "status", "type", "备注", "序号", "名称", "状态", "类型",
                                       "创建时间", "更新时间"]

    public static func warnings(for fields: [FieldDefinition], providerID: String, against published: [CatalogEntry]) -> [DuplicateWarning] {
        var result: [DuplicateWarning] = []
        for field in fields {
            let name = normalize(field.name)
            let label = normalize(field.labelZH)
            for entry in published where entry.providerID != providerID && entry.status == .published && entry.shareType != .notShared {
                for existing in entry.fields {
                    var reason: DuplicateWarning.Reason?
                    if let code = field.standardCode, !code.isEmpty, code == existing.standardCode {
                        reason = .sameStandardCode
                    } else if !generic.contains(label), label.count >= 2, label == normalize(existing.labelZH) {
                        reason = .sameLabel
                    } else if !generic.contains(name), name.count >= 3, name == normalize(existing.name) {
                        reason = .sameName
                    }
                    guard let reason else { continue }
                    let how = entry.shareType == .unconditional
                        ? ("可直接获取", "read it directly") : ("须提出共享申请", "apply for it")
                    result.append(DuplicateWarning(
                        field: field.name, existingEntryID: entry.entryID, existingTitle: entry.title, existingProviderID: entry.providerID,
                        existingField: existing.name, reason: reason, availability: entry.shareType,
                        message: "已可通过共享获取：信息项“\(field.labelZH)”已由目录“\(entry.title)”（\(entry.resourceCode)，\(entry.shareType.labelZH)）提供，\(how.0)，不要重复采集 / "
                            + "Already available through sharing: field '\(field.name)' is provided by '\(entry.title)' (\(entry.resourceCode), \(entry.shareType.rawValue)); \(how.1) instead of collecting it again (Art. 19)"))
                    break
                }
            }
        }
        return result
    }

    static func normalize(_ text: String) -> String {
        String(text.lowercased().filter { !$0.isWhitespace && !$0.isPunctuation && $0 != "_" && $0 != "-" })
    }
}
