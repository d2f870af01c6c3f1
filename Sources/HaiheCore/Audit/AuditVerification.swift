/// Checks a chain of audit events and its signed checkpoints; pure, so the command line and tests share it.
public struct AuditVerifier: Sendable {
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// An event's stored hash is not the hash of its content: it was altered.
        case altered(sequence: Int, id: String)
        /// An event does not follow the one before it: one was removed, inserted or reordered before it.
        case brokenLink(sequence: Int, id: String, expectedSequence: Int)
        /// A checkpoint's signature does not verify.
        case badSignature(checkpointSequence: Int)
        /// A checkpoint is signed by a key the verifier was told not to trust.
        case untrustedKey(checkpointSequence: Int, publicKey: String)
        /// The chain at a checkpoint's position does not end in the hash the checkpoint signed.
        case checkpointMismatch(checkpointSequence: Int)

        public var description: String {
            switch self {
            case .altered(let sequence, let id):
                "第 \(sequence) 条审计事件（\(id)）内容被篡改 / audit event #\(sequence) (\(id)) was altered: its hash does not match its content"
            case .brokenLink(let sequence, let id, let expected):
                "第 \(sequence) 条审计事件（\(id)）与前一条不衔接，应为第 \(expected) 条 / audit event #\(sequence) (\(id)) does not follow its predecessor (expected #\(expected)): an event was removed, inserted or reordered"
            case .badSignature(let sequence):
                "第 \(sequence) 条处的检查点签名无效 / the checkpoint at #\(sequence) has an invalid signature"
            case .untrustedKey(let sequence, let key):
                "第 \(sequence) 条处的检查点由不受信任的密钥签署 / the checkpoint at #\(sequence) is signed by an untrusted key \(key.prefix(16))…"
            case .checkpointMismatch(let sequence):
                "第 \(sequence) 条处的链头与签名检查点不符 / the chain at #\(sequence) no longer ends in the hash its checkpoint signed: history was rewritten or removed"
            }
        }
    }

    public struct Report: Sendable {
        public var eventsChecked: Int
        public var checkpointsChecked: Int
        public var problem: Problem?
        public var isIntact: Bool { problem == nil }
    }

    /// Public keys (hex) whose checkpoints count; nil trusts any key that signs validly.
    public var trustedKeys: Set<String>?

    public init(trustedKeys: Set<String>? = nil) { self.trustedKeys = trustedKeys }

    /// Verifies events in stored order. Stops at the first problem, which names the first bad event.
    public func verify(events: some Sequence<AuditEvent>, checkpoints: [AuditCheckpoint]) -> Report {
        var bySequence: [Int: [AuditCheckpoint]] = [:]
        for checkpoint in checkpoints {
            if !checkpoint.signatureIsValid { return Report(eventsChecked: 0, checkpointsChecked: 0, problem: .badSignature(checkpointSequence: checkpoint.sequence)) }
            if let trustedKeys, !trustedKeys.contains(checkpoint.publicKey) {
                return Report(eventsChecked: 0, checkpointsChecked: 0, problem: .untrustedKey(checkpointSequence: checkpoint.sequence, publicKey: checkpoint.publicKey))
            }
            bySequence[checkpoint.sequence, default: []].append(checkpoint)
        }
        var previousHash = AuditEvent.genesisHash
        var expected = 1
        var checked = 0
        var checkpointsChecked = 0
        for event in events {
            if event.computedHash() != event.hash {
                return Report(eventsChecked: checked, checkpointsChecked: checkpointsChecked, problem: .altered(sequence: event.sequence, id: event.id))
            }
            if event.sequence != expected || event.previousHash != previousHash {
                return Report(eventsChecked: checked, checkpointsChecked: checkpointsChecked,
                              problem: .brokenLink(sequence: event.sequence, id: event.id, expectedSequence: expected))
            }
            for checkpoint in bySequence[event.sequence] ?? [] {
                if checkpoint.headHash != event.hash {
                    return Report(eventsChecked: checked, checkpointsChecked: checkpointsChecked, problem: .checkpointMismatch(checkpointSequence: checkpoint.sequence))
                }
                checkpointsChecked += 1
            }
            previousHash = event.hash
            expected += 1
            checked += 1
        }
        // A checkpoint beyond the end means events after the last remaining one were removed.
        if let beyond = checkpoints.filter({ $0.sequence >= expected }).map(\.sequence).min() {
            return Report(eventsChecked: checked, checkpointsChecked: checkpointsChecked, problem: .checkpointMismatch(checkpointSequence: beyond))
        }
        return Report(eventsChecked: checked, checkpointsChecked: checkpointsChecked, problem: nil)
    }
}
