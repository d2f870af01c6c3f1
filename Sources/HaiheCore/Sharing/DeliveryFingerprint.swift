import Crypto
import Foundation

/// Purpose limitation (Art. 18) made traceable: every CSV file that leaves the platform carries two marks of its delivery.
///
/// 1. A signed trailer line, `#haihe-delivery:<delivery id>:<signature>`, the Ed25519 signature over the delivery id and
///    the SHA-256 of the lines above it. Whoever has the file sees whose copy it is, and whether it was changed.
/// 2. A marker that survives removing the trailer or cutting the file short: each non-empty value that needs no quotes is
///    quoted, or not, as a keyed bit stream of the delivery says (HMAC-SHA256 under a key derived from the node key).
///    Quoting a value changes nothing a CSV reader sees, so the data is the same for every recipient, but the pattern
///    differs per delivery and cannot be forged without the node key.
public struct DeliveryFingerprint: Sendable {
    public static let trailerPrefix = "#haihe-delivery:"
    /// Kept as bytes (`SymmetricKey` is not `Sendable`).
    let markerKey: Data
    let signingKey: NodeKey

    public init(nodeKey: NodeKey) {
        signingKey = nodeKey
        markerKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: nodeKey.rawRepresentation),
                                           info: Data("haihe delivery marker v1".utf8), outputByteCount: 32)
            .withUnsafeBytes { Data($0) }
    }

    /// The marker's bits for one delivery, generated in blocks of 256 as they are needed.
    public struct Bits {
        let key: SymmetricKey
        let deliveryID: String
        var block = -1
        var bytes: [UInt8] = []

        public mutating func bit(_ index: Int) -> Bool {
            let wanted = index / 256
            if wanted != block {
                block = wanted
                bytes = Array(HMAC<SHA256>.authenticationCode(for: Data("\(deliveryID):\(wanted)".utf8), using: key))
            }
            let position = index % 256
            return bytes[position / 8] & (1 << UInt8(position % 8)) != 0
        }
    }

    public func bits(for deliveryID: String) -> Bits { Bits(key: SymmetricKey(data: markerKey), deliveryID: deliveryID) }

    /// Writes one data row (0-based `row` after the header) with the delivery's quoting pattern.
    public static func markedLine(_ values: [String], row: Int, bits: inout Bits) -> String {
        if values.count == 1 && values[0].isEmpty { return "\"\"" }
        var line = ""
        for (column, value) in values.enumerated() {
            if column > 0 { line += "," }
            if CSVField.needsQuotes(value) {
                line += CSVField.alwaysQuoted(value)
            } else if !value.isEmpty, bits.bit(row * values.count + column) {
                line += CSVField.alwaysQuoted(value)
            } else {
                line += value
            }
        }
        return line
    }

    public func trailer(deliveryID: String, bodySHA256: String) throws -> String {
        let signature = try signingKey.privateKey.signature(for: Data("haihe-delivery:\(deliveryID):\(bodySHA256)".utf8))
        return "\(Self.trailerPrefix)\(deliveryID):\(Base64URL.encode(signature))\n"
    }

    /// What a file says about where it came from.
    public struct Evidence: Sendable {
        /// The delivery the trailer names, if a trailer is present.
        public var trailerDeliveryID: String?
        /// Whether the trailer's signature holds over the file's lines above it (false: changed, or forged).
        public var trailerIntact = false
        public var fileSHA256: String
        /// (bit position, whether the value was quoted) for values that needed no quotes.
        public var observed: [(position: Int, quoted: Bool)] = []
    }

    public static let maximumObservations = 8192

    /// Reads the trailer and the quoting pattern of `bytes` (a CSV file as delivered, or a copy of one).
    public func examine(_ bytes: [UInt8]) -> Evidence {
        var evidence = Evidence(fileSHA256: SHA256.hash(data: bytes).hexString)
        var body = bytes[...]
        // The trailer is the last line, if the file still has it.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        var lineStart = end
        while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        let lastLine = String(decoding: bytes[lineStart..<end], as: UTF8.self)
        if lastLine.hasPrefix(Self.trailerPrefix) {
            let parts = lastLine.dropFirst(Self.trailerPrefix.count).split(separator: ":")
            if parts.count == 2 {
                let deliveryID = String(parts[0])
                evidence.trailerDeliveryID = deliveryID
                body = bytes[..<lineStart]
                let bodyHash = SHA256.hash(data: body).hexString
                if let signature = Base64URL.decode(parts[1]) {
                    evidence.trailerIntact = signingKey.privateKey.publicKey.isValidSignature(
                        signature, for: Data("haihe-delivery:\(deliveryID):\(bodyHash)".utf8))
                }
            }
        }
        evidence.observed = Self.quotingPattern(body)
        return evidence
    }

    /// How well the file's quoting agrees with a delivery's marker: (agreeing bits, observed bits).
    public func agreement(_ evidence: Evidence, deliveryID: String) -> (agree: Int, observed: Int) {
        var bits = bits(for: deliveryID)
        var agree = 0
        for observation in evidence.observed where bits.bit(observation.position) == observation.quoted { agree += 1 }
        return (agree, evidence.observed.count)
    }

    /// Whether a copy carries this delivery's marker: enough observed bits, nearly all agreeing (chance is one half each).
    public static func isMatch(agree: Int, observed: Int) -> Bool {
        observed >= 48 && Double(agree) >= 0.9 * Double(observed)
    }

    /// Scans the records after the header and notes, for each value that needed no quotes, whether it was quoted.
    static func quotingPattern(_ bytes: ArraySlice<UInt8>) -> [(position: Int, quoted: Bool)] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var result: [(Int, Bool)] = []
        var i = bytes.startIndex
        var record = -1   // the header is record -1
        var columns = 0   // fields per record, learnt from the header
        var column = 0
        var value: [UInt8] = []
        var wasQuoted = false
        var recordHasContent = false
        func endField() {
            if record >= 0, !value.isEmpty {
                let text = String(decoding: value, as: UTF8.self)
                if !CSVField.needsQuotes(text) { result.append((record * max(columns, 1) + column, wasQuoted)) }
            }
            column += 1
            value.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while i < bytes.endIndex, result.count < maximumObservations {
            let byte = bytes[i]
            if byte == quote && value.isEmpty && !wasQuoted {
                // A quoted field: read to its closing quote.
                wasQuoted = true
                recordHasContent = true
                i += 1
                while i < bytes.endIndex {
                    if bytes[i] == quote {
                        if i + 1 < bytes.endIndex, bytes[i + 1] == quote { value.append(quote); i += 2; continue }
                        i += 1
                        break
                    }
                    value.append(bytes[i])
                    i += 1
                }
                continue
            }
            if byte == comma {
                endField()
                recordHasContent = true
            } else if byte == lf || byte == cr {
                if recordHasContent || !value.isEmpty {
                    endField()
                    if record == -1 { columns = column }
                    record += 1
                }
                column = 0
                recordHasContent = false
            } else {
                value.append(byte)
                recordHasContent = true
            }
            i += 1
        }
        if recordHasContent || !value.isEmpty { endField() }
        return result
    }
}
