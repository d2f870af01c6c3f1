import Foundation
import HaiheCore

extension NodeKey {
    public static let fileName = "node-key.ed25519"

    /// The node's key from `HAIHE_NODE_KEY` (hex) when set, else from `DATA_DIR/node-key.ed25519`,
    /// made on first use and readable by the owner only. Instances sharing one PostgreSQL may each
    /// keep their own key; `haihe audit verify` checks every checkpoint against the key that signed it.
    public static func load(dataDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> NodeKey {
        if let hex = environment["HAIHE_NODE_KEY"], !hex.isEmpty {
            guard let data = Data(hex: hex), let key = try? NodeKey(rawRepresentation: data) else {
                throw HaiheError.invalid("node_key.invalid", zh: "HAIHE_NODE_KEY 不是有效的 Ed25519 私钥（64位十六进制）",
                                         en: "HAIHE_NODE_KEY is not a valid Ed25519 private key (64 hex digits)")
            }
            return key
        }
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(fileName).path
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let data = Data(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)), let key = try? NodeKey(rawRepresentation: data) else {
                throw HaiheError.invalid("node_key.corrupt", zh: "节点密钥文件 \(path) 已损坏", en: "The node key file \(path) is corrupt")
            }
            return key
        }
        try Store.prepareDataDirectory(dataDirectory)
        let key = NodeKey.generate()
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((key.rawRepresentation.hexString + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0 else {
            throw HaiheError.invalid("node_key.unwritable", zh: "无法写入节点密钥文件 \(path)", en: "Cannot write the node key file \(path)")
        }
        return key
    }
}
