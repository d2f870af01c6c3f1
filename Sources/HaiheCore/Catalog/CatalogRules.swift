import Foundation

/// The catalog's rules as pure functions: what a complete entry is, and which lifecycle step may follow which.
public enum CatalogRules {
    /// Checks a version before it is stored or submitted; names the first problem in both languages.
    public static func validate(_ entry: CatalogEntry) throws(HaiheError) {
        if !isValidResourceCode(entry.resourceCode) {
            throw .invalid("catalog.resource_code", zh: "资源代码“\(entry.resourceCode)”格式不正确（类1位、项2位、目3位、细目若干位，加“-”和至少3位顺序号，如 201005-00012）",
                           en: "Resource code '\(entry.resourceCode)' is malformed: class (1 digit), item (2), category (3), sub-category (any digits), a hyphen and a sequence of 3+ digits, e.g. 201005-00012")
        }
        if entry.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalid("catalog.title_missing", zh: "目录名称不能为空", en: "The entry needs a title")
        }
        if entry.summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalid("catalog.summary_missing", zh: "摘要不能为空", en: "The entry needs a summary")
        }
        if entry.fields.isEmpty {
            throw .invalid("catalog.fields_missing", zh: "至少需要定义一个信息项", en: "The entry needs at least one field")
        }
        var seen = Set<String>()
        for field in entry.fields {
            let validName = !field.name.isEmpty && field.name.count <= 63 && field.name.first!.isLetter && field.name.first!.isASCII
                && field.name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" }
            if !validName {
                throw .invalid("catalog.field_name", zh: "信息项名称“\(field.name)”须以字母开头，只含字母、数字和下划线（最长63位）",
                               en: "Field name '\(field.name)' must start with a letter and hold only letters, digits and underscores (63 at most)")
            }
            if !seen.insert(field.name.lowercased()).inserted {
                throw .invalid("catalog.field_duplicate", zh: "信息项名称“\(field.name)”重复", en: "Field name '\(field.name)' is used twice")
            }
            if field.labelZH.trimmingCharacters(in: .whitespaces).isEmpty {
                throw .invalid("catalog.field_label", zh: "信息项“\(field.name)”缺少中文名称", en: "Field '\(field.name)' needs a Chinese label")
            }
            if let pattern = field.pattern, (try? Regex(pattern)) == nil {
                throw .invalid("catalog.field_pattern", zh: "信息项“\(field.name)”的格式规则不是有效的正则表达式", en: "The pattern of field '\(field.name)' is not a valid regular expression")
            }
        }
        for format in entry.formats where format.isEmpty || format.count > 20 || !format.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".+-".contains($0)) }) {
            throw .invalid("catalog.format", zh: "格式“\(format)”无效（如 CSV、JSON、XLSX）", en: "Format '\(format)' is not a file format name such as CSV, JSON or XLSX")
        }
        if let email = entry.contact?.email, email.contains(where: { $0.isWhitespace || "<>\"{}|\\^`".contains($0) }) || !email.contains("@") {
            throw .invalid("catalog.contact_email", zh: "联系人邮箱格式不正确", en: "The contact email is not valid")
        }
        if let days = entry.updateDeadlineDays, days < 0 || days > 366 {
            throw .invalid("catalog.update_deadline", zh: "更新时限应为0至366天", en: "The update deadline is 0 to 366 days")
        }
    }

    public static func isValidResourceCode(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let classification = parts.first, let sequence = parts.last else { return false }
        return classification.count >= 6 && classification.allSatisfy { $0.isASCII && $0.isNumber } && classification.first != "0"
            && sequence.count >= 3 && sequence.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The legal-basis rule of Art. 16, checked at submission.
    public static func checkLegalBasis(_ entry: CatalogEntry) throws(HaiheError) {
        guard entry.needsLegalBasis else { return }
        guard let basis = entry.legalBasis,
              !basis.name.trimmingCharacters(in: .whitespaces).isEmpty, !basis.article.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid("catalog.legal_basis_missing",
                           zh: "共享类型为“\(entry.shareType.labelZH)”、开放类型为“\(entry.openType.labelZH)”的目录须提供法律、法规或规章依据（名称和条款）",
                           en: "An entry that is \(entry.shareType.rawValue) for sharing and \(entry.openType.rawValue) for opening needs a legal basis: the law, regulation or rule and its article (Art. 16)")
        }
    }

    /// The lifecycle moves, and from which states each may be taken.
    public enum Transition: String, Sendable, CaseIterable {
        case submit, confirm, `return`, publish, retire

        public var from: Set<EntryStatus> {
            switch self {
            case .submit: [.draft, .returned]
            case .confirm, .return: [.submitted]
            case .publish: [.confirmed]
            case .retire: [.published]
            }
        }

        public var to: EntryStatus {
            switch self {
            case .submit: .submitted
            case .confirm: .confirmed
            case .return: .returned
            case .publish: .published
            case .retire: .retired
            }
        }
    }

    /// Applies a lifecycle move to a version, checking the rules; the caller stores the result.
    public static func apply(_ transition: Transition, to entry: CatalogEntry, comment: String? = nil, at time: Date) throws(HaiheError) -> CatalogEntry {
        guard transition.from.contains(entry.status) else {
            throw .conflict("catalog.transition", zh: "目录当前状态为“\(entry.status.labelZH)”，不能执行此操作",
                            en: "The entry is \(entry.status.rawValue); it cannot be \(transition.rawValue == "return" ? "returned" : transition.rawValue + "ed") now")
        }
        var next = entry
        switch transition {
        case .submit:
            try validate(entry)
            try checkLegalBasis(entry)
            next.submittedAt = time
            next.reviewComment = nil
        case .confirm:
            next.confirmedAt = time
            next.reviewComment = comment
        case .return:
            guard let comment, !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalid("catalog.return_reason", zh: "退回时须说明理由", en: "Returning an entry needs a reason")
            }
            next.reviewComment = comment
        case .publish:
            next.publishedAt = time
        case .retire:
            break
        }
        next.status = transition.to
        next.updatedAt = time
        return next
    }

    /// A new draft version of a published entry: the same content, the next version number.
    public static func revise(_ published: CatalogEntry, at time: Date) throws(HaiheError) -> CatalogEntry {
        guard published.status == .published else {
            throw .conflict("catalog.revise", zh: "只能修订已发布的目录", en: "Only a published entry can be revised")
        }
        var draft = published
        draft.id = Identifier.make(now: time)
        draft.version = published.version + 1
        draft.status = .draft
        draft.createdAt = time
        draft.updatedAt = time
        draft.submittedAt = nil
        draft.confirmedAt = nil
        draft.publishedAt = nil
        draft.reviewComment = nil
        return draft
    }

    /// Whether a published entry's data is overdue at `time`, by its declared frequency and deadline.
    public static func isOverdue(_ entry: CatalogEntry, at time: Date) -> Bool {
        guard entry.status == .published, let silence = entry.updateFrequency.allowedSilence else { return false }
        let grace = TimeInterval((entry.updateDeadlineDays ?? 0) * 86_400)
        let since = entry.dataUpdatedAt ?? entry.publishedAt ?? entry.createdAt
        return time.timeIntervalSince(since) > silence + grace
    }
}
