import Crypto
import Foundation

/// 电子凭证 (Art. 19, 21): what the platform asserts about a delivery, signed with the node's Ed25519 key as a
/// compact JWS (RFC 7515, `alg: EdDSA` per RFC 8037), so anyone holding the node's public key can check it
/// with any JOSE library, and a changed byte in the certificate or the file fails.
public struct Certificate: Sendable, Codable, Equatable {
    /// The issuing node: its public key (hex), which also names it.
    public var issuer: String
    public var deliveryID: String
    public var entryID: String
    public var resourceCode: String
    public var entryTitle: String
    public var versionID: String
    public var version: Int
    /// SHA-256 (hex) of exactly the bytes delivered.
    public var contentSHA256: String
    public var rowCount: Int
    public var recipientOrganizationID: String
    public var recipientOrganizationName: String
    public var purpose: String?
    public var issuedAt: Date

    public init(issuer: String, deliveryID: String, entryID: String, resourceCode: String, entryTitle: String, versionID: String, version: Int,
                contentSHA256: String, rowCount: Int, recipientOrganizationID: String, recipientOrganizationName: String, purpose: String?, issuedAt: Date) {
        self.issuer = issuer
        self.deliveryID = deliveryID
        self.entryID = entryID
        self.resourceCode = resourceCode
        self.entryTitle = entryTitle
        self.versionID = versionID
        self.version = version
        self.contentSHA256 = contentSHA256
        self.rowCount = rowCount
        self.recipientOrganizationID = recipientOrganizationID
        self.recipientOrganizationName = recipientOrganizationName
        self.purpose = purpose
        self.issuedAt = issuedAt
    }

    enum CodingKeys: String, CodingKey {
        case issuer = "iss", deliveryID = "delivery_id", entryID = "entry_id", resourceCode = "resource_code", entryTitle = "entry_title"
        case versionID = "version_id", version, contentSHA256 = "sha256", rowCount = "rows"
        case recipientOrganizationID = "recipient_id", recipientOrganizationName = "recipient", purpose, issuedAt = "iat"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(deliveryID, forKey: .deliveryID)
        try c.encode(entryID, forKey: .entryID)
        try c.encode(resourceCode, forKey: .resourceCode)
        try c.encode(entryTitle, forKey: .entryTitle)
        try c.encode(versionID, forKey: .versionID)
        try c.encode(version, forKey: .version)
        try c.encode(contentSHA256, forKey: .contentSHA256)
        try c.encode(rowCount, forKey: .rowCount)
        try c.encode(recipientOrganizationID, forKey: .recipientOrganizationID)
        try c.encode(recipientOrganizationName, forKey: .recipientOrganizationName)
        try c.encodeIfPresent(purpose, forKey: .purpose)
        // JWT's NumericDate: seconds since the epoch.
        try c.encode(Int(issuedAt.timeIntervalSince1970), forKey: .issuedAt)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try c.decode(String.self, forKey: .issuer)
        deliveryID = try c.decode(String.self, forKey: .deliveryID)
        entryID = try c.decode(String.self, forKey: .entryID)
        resourceCode = try c.decode(String.self, forKey: .resourceCode)
        entryTitle = try c.decode(String.self, forKey: .entryTitle)
        versionID = try c.decode(String.self, forKey: .versionID)
        version = try c.decode(Int.self, forKey: .version)
        contentSHA256 = try c.decode(String.self, forKey: .contentSHA256)
        rowCount = try c.decode(Int.self, forKey: .rowCount)
        recipientOrganizationID = try c.decode(String.self, forKey: .recipientOrganizationID)
        recipientOrganizationName = try c.decode(String.self, forKey: .recipientOrganizationName)
        purpose = try c.decodeIfPresent(String.self, forKey: .purpose)
        issuedAt = Date(timeIntervalSince1970: Double(try c.decode(Int.self, forKey: .issuedAt)))
    }

    /// The compact JWS: header.payload.signature, each base64url.
    public func signed(with key: NodeKey) throws -> String {
        let header = Base64URL.encode(Data(#"{"alg":"EdDSA","typ":"haihe-certificate+jwt","kid":"\#(key.publicKeyHex)"}"#.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = Base64URL.encode(try encoder.encode(self))
        let signature = try key.privateKey.signature(for: Data("\(header).\(payload)".utf8))
        return "\(header).\(payload).\(Base64URL.encode(signature))"
    }

    /// What checking a certificate found.
    public struct Verification: Sendable, Encodable, Equatable {
        public enum Outcome: String, Sendable, Encodable {
            /// The signature holds and, when content was given, it is the content certified.
            case valid
            /// The signature holds but the content given is not the content certified.
            case contentMismatch = "content_mismatch"
            /// The certificate was changed, or not issued by this node.
            case badSignature = "bad_signature"
            /// Not a certificate at all.
            case malformed
        }

        public var outcome: Outcome
        public var certificate: Certificate?
        public var contentSHA256: String?
        public var messageZH: String
        public var messageEN: String

        public var isValid: Bool { outcome == .valid }
    }

    /// Checks the signature against `publicKey` and, when `content` is given, its SHA-256 against the certificate's.
    public static func verify(_ token: String, publicKey: Curve25519.Signing.PublicKey, contentSHA256: String? = nil) -> Verification {
        let parts = token.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let payloadData = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any], header["alg"] as? String == "EdDSA" else {
            return Verification(outcome: .malformed, messageZH: "这不是海河平台签发的凭证", messageEN: "This is not a Haihe certificate")
        }
        guard publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)),
              let certificate = try? JSONDecoder().decode(Certificate.self, from: payloadData) else {
            return Verification(outcome: .badSignature, messageZH: "签名无效：凭证被改动过，或不是本节点签发",
                                messageEN: "The signature does not hold: the certificate was changed or was not issued by this node")
        }
        if let contentSHA256, contentSHA256.lowercased() != certificate.contentSHA256 {
            return Verification(outcome: .contentMismatch, certificate: certificate, contentSHA256: contentSHA256,
                                messageZH: "凭证真实，但文件与凭证所证明的内容不一致（已被改动）",
                                messageEN: "The certificate is genuine, but the file is not the content it certifies (it was changed)")
        }
        return Verification(outcome: .valid, certificate: certificate, contentSHA256: contentSHA256,
                            messageZH: contentSHA256 == nil ? "凭证真实有效" : "凭证真实有效，文件与凭证一致",
                            messageEN: contentSHA256 == nil ? "The certificate is genuine" : "The certificate is genuine and the file is the content it certifies")
    }
}

public enum Base64URL {
    public static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
