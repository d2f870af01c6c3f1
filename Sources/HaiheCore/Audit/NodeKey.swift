import Crypto
import Foundation

/// 节点密钥: the Ed25519 key a platform node signs with (audit checkpoints now; certificates and
/// node-to-node messages later). Kept outside the database, so that whoever can write the database
/// still cannot forge the node's signature.
public struct NodeKey: Sendable, Equatable {
    public let rawRepresentation: Data

    public init(rawRepresentation: Data) throws {
        _ = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
        self.rawRepresentation = rawRepresentation
    }

    public static func generate() -> NodeKey {
        try! NodeKey(rawRepresentation: Curve25519.Signing.PrivateKey().rawRepresentation)
    }

    public var privateKey: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    /// The public key, hex, as checkpoints record it.
    public var publicKeyHex: String { privateKey.publicKey.rawRepresentation.hexString }
}
