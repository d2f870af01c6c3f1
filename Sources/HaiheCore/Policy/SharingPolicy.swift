import Foundation

/// The second question of the one policy for shared data (Art. 16–18): once `AccessPolicy` allowed `sharing.read`,
/// which fields of which entry may this organisation receive? Unconditional entries: all fields, for every department.
/// Conditional entries: only the fields of a live grant. Not-shared entries: nobody but the provider itself.
public enum SharingPolicy {
    public struct Access: Sendable, Equatable {
        public enum Basis: String, Sendable, Codable {
            case own          // the provider's own data
            case unconditional
            case grant
        }

        public var basis: Basis
        /// The fields that may leave the server, in the entry's order.
        public var fields: [String]
        /// The grant served under (the one ending last, when several are live).
        public var grant: ShareGrant?

        public init(basis: Basis, fields: [String], grant: ShareGrant? = nil) {
            self.basis = basis
            self.fields = fields
            self.grant = grant
        }
    }

    /// `fieldsUsed`: the fields a query names. Under conditional sharing one grant must cover them all, and the
    /// delivery is made (and certified) under that grant and its purpose: grants are never pooled.
    public static func access(to entry: CatalogEntry, for organizationID: String, grants: [ShareGrant], at time: Date,
                              fieldsUsed: [String] = []) throws -> Access {
        let all = entry.fields.map(\.name)
        if organizationID == entry.providerID { return Access(basis: .own, fields: all) }
        switch entry.shareType {
        case .unconditional:
            return Access(basis: .unconditional, fields: all)
        case .notShared:
            throw HaiheError(.forbidden, code: "sharing.not_shared", zh: "该目录为不予共享", en: "This entry is not shared")
        case .conditional:
            let live = grants.filter { $0.entryID == entry.entryID && $0.consumerID == organizationID && $0.isLive(at: time) }
            guard let widest = live.max(by: { ($0.fields.count, $0.endsAt) < ($1.fields.count, $1.endsAt) }) else {
                throw HaiheError(.forbidden, code: "sharing.no_grant", zh: "该目录为有条件共享，须经申请获得授权后方可使用（已过期或撤销的授权不再有效）",
                                 en: "This entry is shared on conditions: apply and obtain a grant first (expired or revoked grants no longer count)")
            }
            let needed = Set(fieldsUsed)
            let covering = live.filter { needed.isSubset(of: Set($0.fields)) }
            guard let grant = covering.max(by: { ($0.fields.count, $0.endsAt) < ($1.fields.count, $1.endsAt) }) else {
                try check(fieldsUsed: fieldsUsed, within: Access(basis: .grant, fields: widest.fields, grant: widest))
                throw HaiheError(.forbidden, code: "sharing.field_not_granted", zh: "所需信息项不在同一授权范围内，请按一项授权的信息项查询",
                                 en: "No single grant covers all the fields asked for; query within one grant's fields")
            }
            let granted = Set(grant.fields)
            return Access(basis: .grant, fields: all.filter { granted.contains($0) }, grant: grant)
        }
    }

    /// Fields named anywhere in a query (selected, filtered or sorted on) must all be within the access: filtering on a
    /// field outside a grant would reveal its values as surely as selecting it.
    public static func check(fieldsUsed: [String], within access: Access) throws {
        let allowed = Set(access.fields)
        let outside = fieldsUsed.filter { !allowed.contains($0) }
        guard outside.isEmpty else {
            throw HaiheError(.forbidden, code: "sharing.field_not_granted", zh: "以下信息项不在授权范围内：\(Array(Set(outside)).sorted().joined(separator: "、"))",
                             en: "These fields are outside your grant: \(Array(Set(outside)).sorted().joined(separator: ", "))")
        }
    }
}
