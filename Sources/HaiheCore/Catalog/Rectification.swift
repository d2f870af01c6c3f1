import Foundation

/// 责令限期改正 (Art. 52): the regulator orders a department that has not compiled or updated its catalog,
/// or not met its duties, to correct it by a deadline. The department sees the order in its inbox and
/// reports it done; an open order past its deadline is overdue.
public struct RectificationOrder: Sendable, Codable, Equatable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Data of a published entry was not updated within its declared frequency.
        case overdueData = "overdue_data"
        /// The department has no confirmed catalog.
        case missingCatalog = "missing_catalog"
        /// Any other duty: sharing, opening, security.
        case other
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, done, cancelled
    }

    public var id: String
    public var organizationID: String
    /// The catalog entry concerned, when there is one.
    public var entryID: String?
    public var kind: Kind
    public var reason: String
    public var deadline: Date
    public var status: Status
    public var issuedBy: String
    public var issuedAt: Date
    public var response: String?
    public var respondedAt: Date?

    public init(id: String = Identifier.make(), organizationID: String, entryID: String? = nil, kind: Kind, reason: String,
                deadline: Date, issuedBy: String, issuedAt: Date = Date()) {
        self.id = id
        self.organizationID = organizationID
        self.entryID = entryID
        self.kind = kind
        self.reason = reason
        self.deadline = deadline
        self.status = .open
        self.issuedBy = issuedBy
        self.issuedAt = issuedAt
    }

    /// Open past its deadline.
    public func isOverdue(at time: Date) -> Bool { status == .open && time > deadline }

    public func validate(at time: Date) throws(HaiheError) {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalid("rectification.reason", zh: "责令改正须说明理由", en: "An order needs a reason")
        }
        if deadline <= time {
            throw .invalid("rectification.deadline", zh: "改正期限须晚于现在", en: "The deadline must lie in the future")
        }
    }
}

/// What the regulator's overdue list shows.
public struct OverdueReport: Sendable, Codable {
    public struct LateEntry: Sendable, Codable {
        public var entry: CatalogEntry
        /// Whole days past what the entry's frequency and deadline allow.
        public var daysLate: Int
    }

    public var entries: [LateEntry]
    /// Departments and district governments without a single confirmed or published entry.
    public var organizationsWithoutCatalog: [Organization]

    /// Builds the report from the published entries and the organisations that must keep a catalog.
    public static func build(entries: [CatalogEntry], organizations: [Organization], catalogued: Set<String>, at time: Date) -> OverdueReport {
        let late = entries.filter { CatalogRules.isOverdue($0, at: time) }.map { entry -> LateEntry in
            let allowed = (entry.updateFrequency.allowedSilence ?? 0) + TimeInterval((entry.updateDeadlineDays ?? 0) * 86_400)
            let since = entry.dataUpdatedAt ?? entry.publishedAt ?? entry.createdAt
            return LateEntry(entry: entry, daysLate: max(1, Int((time.timeIntervalSince(since) - allowed) / 86_400)))
        }
        let dutyBearers: Set<OrganizationKind> = [.cityDepartment, .districtGovernment, .districtDepartment, .judicialBody]
        let missing = organizations.filter { dutyBearers.contains($0.kind) && !catalogued.contains($0.id) }
        return OverdueReport(entries: late.sorted { $0.daysLate > $1.daysLate }, organizationsWithoutCatalog: missing)
    }
}
