import Crypto
import Foundation

/// 审计事件: one action or data access, as the audit trail keeps it (Art. 47, 49, 50).
///
/// Events form a hash chain: each carries the SHA-256 of its canonical content together with the
/// previous event's hash, so altering, removing or reordering any event breaks every link after it.
public struct AuditEvent: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        case success
        /// The policy refused it (403) or the caller was not signed in (401).
        case denied
        /// It was allowed but failed (bad input, conflict).
        case failed
    }

    /// Position in the chain, from 1, without gaps.
    public var sequence: Int
    public var id: String
    public var occurredAt: Date
    public var actorUserID: String?
    public var actorUsername: String?
    public var actorOrganizationID: String?
    public var action: String
    public var objectType: String
    public var objectID: String?
    public var outcome: Outcome
    public var clientAddress: String?
    public var requestID: String?
    /// What else matters, as compact JSON text (never a secret).
    public var detail: String
    public var previousHash: String
    public var hash: String

    public init(sequence: Int, id: String, occurredAt: Date, actorUserID: String?, actorUsername: String?, actorOrganizationID: String?,
                action: String, objectType: String, objectID: String?, outcome: Outcome, clientAddress: String?, requestID: String?,
                detail: String, previousHash: String, hash: String) {
        self.sequence = sequence
        self.id = id
        self.occurredAt = occurredAt
        self.actorUserID = actorUserID
        self.actorUsername = actorUsername
        self.actorOrganizationID = actorOrganizationID
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.outcome = outcome
        self.clientAddress = clientAddress
        self.requestID = requestID
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The bytes the hash covers: every field but the hash itself, in a fixed order, each
    /// length-prefixed so that no two different events can produce the same text.
    public var canonicalContent: String {
        let fields: [String] = [
            String(sequence), id, Timestamp.format(occurredAt), actorUserID ?? "", actorUsername ?? "",
            actorOrganizationID ?? "", action, objectType, objectID ?? "", outcome.rawValue, clientAddress ?? "",
            requestID ?? "", detail, previousHash,
        ]
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    public func computedHash() -> String {
        SHA256.hash(data: Data(canonicalContent.utf8)).hexString
    }

    /// The hash that stands before the first event.
    public static let genesisHash = String(repeating: "0", count: 64)
}

/// What a caller supplies to record an event; the trail assigns its place in the chain.
public struct AuditDraft: Sendable {
    public var actorUserID: String?
    public var actorUsername: String?
    public var actorOrganizationID: String?
    public var action: String
    public var objectType: String
    public var objectID: String?
    public var outcome: AuditEvent.Outcome
    public var clientAddress: String?
    public var requestID: String?
    public var detail: [String: String]

    public init(actor: Subject?, action: String, objectType: String, objectID: String? = nil, outcome: AuditEvent.Outcome = .success,
                clientAddress: String? = nil, requestID: String? = nil, detail: [String: String] = [:]) {
        self.actorUserID = actor?.userID
        self.actorUsername = actor?.username
        self.actorOrganizationID = actor?.organizationID
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.outcome = outcome
        self.clientAddress = clientAddress
        self.requestID = requestID
        self.detail = detail
    }

    /// The same draft about a given object, with extra detail.
    public func about(_ objectID: String, _ extra: [String: String]) -> AuditDraft {
        var copy = self
        copy.objectID = objectID
        copy.detail.merge(extra) { current, _ in current }
        return copy
    }

    /// Seals the draft as the event after `previous` in the chain.
    public func seal(sequence: Int, previousHash: String, at time: Date, id: String = Identifier.make()) -> AuditEvent {
        let detailText: String
        if detail.isEmpty {
            detailText = "{}"
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            detailText = (try? String(decoding: encoder.encode(detail), as: UTF8.self)) ?? "{}"
        }
        var event = AuditEvent(sequence: sequence, id: id, occurredAt: time, actorUserID: actorUserID, actorUsername: actorUsername,
                               actorOrganizationID: actorOrganizationID, action: action, objectType: objectType, objectID: objectID,
                               outcome: outcome, clientAddress: clientAddress, requestID: requestID, detail: detailText,
                               previousHash: previousHash, hash: "")
        event.hash = event.computedHash()
        return event
    }
}

/// A signed statement by a node that the chain, up to `sequence`, ended in `headHash` (Ed25519).
public struct AuditCheckpoint: Sendable, Codable, Equatable {
    public var sequence: Int
    public var headHash: String
    public var signedAt: Date
    /// The node's Ed25519 public key, raw 32 bytes in hex.
    public var publicKey: String
    /// Ed25519 signature over `signedContent`, hex.
    public var signature: String

    public init(sequence: Int, headHash: String, signedAt: Date, publicKey: String, signature: String) {
        self.sequence = sequence
        self.headHash = headHash
        self.signedAt = signedAt
        self.publicKey = publicKey
        self.signature = signature
    }

    public var signedContent: String { "haihe-audit-checkpoint|\(sequence)|\(headHash)|\(Timestamp.format(signedAt))" }

    public static func sign(sequence: Int, headHash: String, at time: Date, key: Curve25519.Signing.PrivateKey) throws -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint(sequence: sequence, headHash: headHash, signedAt: time,
                                         publicKey: key.publicKey.rawRepresentation.hexString, signature: "")
        checkpoint.signature = try key.signature(for: Data(checkpoint.signedContent.utf8)).hexString
        return checkpoint
    }

    public var signatureIsValid: Bool {
        guard let keyBytes = Data(hex: publicKey), let signatureBytes = Data(hex: signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else { return false }
        return key.isValidSignature(signatureBytes, for: Data(signedContent.utf8))
    }
}

extension Sequence where Element == UInt8 {
    public var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

extension Digest {
    public var hexString: String { Array(self).hexString }
}

extension Data {
    public init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
