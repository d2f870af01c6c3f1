import Crypto
import Foundation

/// Seals secrets the platform must keep but never show (a department's database connection string for scheduled
/// pulls): AES-256-GCM with a key derived from the node key (HKDF-SHA256), so the secret is useless to someone who has
/// the database but not the key file beside it.
public struct SecretBox: Sendable {
    /// The derived key's bytes (SymmetricKey itself is not Sendable).
    let keyBytes: Data

    public init(nodeKey: NodeKey) {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: nodeKey.rawRepresentation),
                                         info: Data("haihe data source secrets".utf8), outputByteCount: 32)
        keyBytes = key.withUnsafeBytes { Data($0) }
    }

    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Base64 of nonce, ciphertext and tag.
    public func seal(_ secret: String) throws -> String {
        try AES.GCM.seal(Data(secret.utf8), using: key).combined!.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else {
            throw HaiheError.invalid("secret.sealed", zh: "密文已损坏", en: "The sealed secret is damaged")
        }
        do {
            return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
        } catch {
            throw HaiheError.invalid("secret.key", zh: "无法解密数据源凭据（节点密钥已更换？）", en: "The source's credentials cannot be opened (was the node key replaced?)")
        }
    }
}
