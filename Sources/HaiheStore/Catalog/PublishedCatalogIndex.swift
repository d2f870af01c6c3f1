import Foundation
import HaiheCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The published versions of the catalog, held in memory for the three city catalogs' search, facets and sorting.
///
/// Why in memory: at 100,000 entries SQL `LIKE` plus a facet `GROUP BY` took 20–300 ms per page on SQLite; an inverted
/// index over character bigrams with facet codes answers in about a millisecond (numbers in the README's benchmark
/// section). The database stays the source of truth: every write to `catalog_entries` takes the next value of
/// `catalog_sequence` into the row's `change_seq` inside its transaction, and before each query the index applies the
/// rows changed since it last looked. The sequence row is locked by each writer until commit, so committed values only
/// ever grow and a reader never skips a change; every instance on one database sees every committed change.
final class PublishedCatalogIndex: Sendable {
    private let state = Mutex(State())

    /// One row of `catalog_entries` as the index needs it.
    struct Row: Sendable {
        var versionID: String
        var changeSequence: Int64
        var isPublished: Bool
        var providerID: String
        var resourceCode: String  // lower-cased: filters and sorting ignore case
        var title: String
        var domain: String
        var shareType: String
        var openType: String
        var updateFrequency: String
        var formats: [String]
        var keywords: [String]
        var searchText: String
        var publishedAt: Int64
        var createdAt: Int64
        var updatedAt: Int64
    }

    /// What to match, with every value already in the index's terms.
    struct Query: Sendable {
        var catalog: CityCatalog
        var providerIDs: Set<String>?
        var domain: String?
        var shareType: String?
        var openType: String?
        var updateFrequency: String?
        var format: String?
        var keyword: String?
        var resourceCode: String?
        var words: [String]
        var sort: CatalogSort
        var limit: Int
        var offset: Int
    }

    struct Result: Sendable {
        var versionIDs: [String]
        var total: Int
        var facets: [String: [String: Int]]
    }

    /// The highest change sequence applied so far; rows above it are still to be read.
    var appliedSequence: Int64 { state.withLock { $0.appliedSequence } }

    func apply(_ rows: [Row]) {
        state.withLock { state in
            for row in rows { state.apply(row) }
            state.compactIfSparse()
        }
    }

    func search(_ query: Query) -> Result {
        state.withLock { $0.search(query) }
    }
}

// MARK: - State

private struct Interned: Sendable {
    private(set) var values: [String] = []
    private var codes: [String: Int32] = [:]

    mutating func code(_ value: String) -> Int32 {
        if let code = codes[value] { return code }
        values.append(value)
        codes[value] = Int32(values.count - 1)
        return Int32(values.count - 1)
    }

    func existingCode(_ value: String) -> Int32? { codes[value] }
    var count: Int { values.count }
}

/// Per-slot columns (one slot per applied published version), kept as plain arrays of codes so that a scan over
/// 100,000 slots touches no reference counts; strings are read only to verify words and to sort by text.
private struct State: Sendable {
    var appliedSequence: Int64 = -1
    /// Version id → its slot while live, and the change sequence last applied for it (older rows are ignored).
    var applied: [String: (slot: Int?, sequence: Int64)] = [:]
    var deadSlots = 0

    var versionIDs: [String] = [], resourceCodes: [String] = [], titles: [String] = [], texts: [[UInt8]] = []
    var live: [Bool] = []
    var provider: [Int32] = [], domain: [Int32] = [], shareType: [Int32] = [], openType: [Int32] = [], updateFrequency: [Int32] = []
    var publishedAt: [Int64] = [], createdAt: [Int64] = [], updatedAt: [Int64] = []
    /// Formats and keywords of slot i are `formatCodes[formatStart[i]..<formatStart[i+1]]` (likewise keywords).
    var formatStart: [Int32] = [0], formatCodes: [Int32] = [], keywordStart: [Int32] = [0], keywordCodes: [Int32] = []

    /// Character bigram → slots whose text holds it, in slot order.
    var postings: [UInt64: [Int32]] = [:]
    var providers = Interned(), domains = Interned(), shareTypes = Interned(), openTypes = Interned(),
        frequencies = Interned(), formats = Interned(), keywords = Interned()

    var slotCount: Int { live.count }

    mutating func apply(_ row: PublishedCatalogIndex.Row) {
        appliedSequence = max(appliedSequence, row.changeSequence)
        if let known = applied[row.versionID] {
            guard row.changeSequence > known.sequence else { return }
            if let slot = known.slot {
                live[slot] = false
                deadSlots += 1
            }
        }
        guard row.isPublished else {
            applied[row.versionID] = (nil, row.changeSequence)
            return
        }
        applied[row.versionID] = (slotCount, row.changeSequence)
        append(versionID: row.versionID, resourceCode: row.resourceCode.lowercased(), title: row.title, text: Array(row.searchText.utf8),
               provider: providers.code(row.providerID), domain: domains.code(row.domain), shareType: shareTypes.code(row.shareType),
               openType: openTypes.code(row.openType), updateFrequency: frequencies.code(row.updateFrequency),
               publishedAt: row.publishedAt, createdAt: row.createdAt, updatedAt: row.updatedAt,
               formats: row.formats.map { formats.code($0) }, keywords: row.keywords.map { keywords.code($0) })
    }

    private mutating func append(versionID: String, resourceCode: String, title: String, text: [UInt8], provider: Int32, domain: Int32,
                                 shareType: Int32, openType: Int32, updateFrequency: Int32, publishedAt: Int64, createdAt: Int64,
                                 updatedAt: Int64, formats: some Collection<Int32>, keywords: some Collection<Int32>) {
        let slot = Int32(slotCount)
        versionIDs.append(versionID); resourceCodes.append(resourceCode); titles.append(title); texts.append(text)
        live.append(true)
        self.provider.append(provider); self.domain.append(domain); self.shareType.append(shareType); self.openType.append(openType)
        self.updateFrequency.append(updateFrequency)
        self.publishedAt.append(publishedAt); self.createdAt.append(createdAt); self.updatedAt.append(updatedAt)
        formatCodes.append(contentsOf: formats); formatStart.append(Int32(formatCodes.count))
        keywordCodes.append(contentsOf: keywords); keywordStart.append(Int32(keywordCodes.count))
        for bigram in Self.bigrams(String(decoding: text, as: UTF8.self)) { postings[bigram, default: []].append(slot) }
    }

    /// Rebuilds the slots when more than half are dead (versions superseded or retired), so scans and postings stay short.
    mutating func compactIfSparse() {
        guard deadSlots > 1_000, deadSlots * 2 > slotCount else { return }
        let old = self
        versionIDs = []; resourceCodes = []; titles = []; texts = []; live = []
        provider = []; domain = []; shareType = []; openType = []; updateFrequency = []
        publishedAt = []; createdAt = []; updatedAt = []
        formatStart = [0]; formatCodes = []; keywordStart = [0]; keywordCodes = []
        postings = [:]
        deadSlots = 0
        for i in 0..<old.slotCount where old.live[i] {
            let slot = slotCount
            applied[old.versionIDs[i]]?.slot = slot
            append(versionID: old.versionIDs[i], resourceCode: old.resourceCodes[i], title: old.titles[i], text: old.texts[i],
                   provider: old.provider[i], domain: old.domain[i], shareType: old.shareType[i], openType: old.openType[i],
                   updateFrequency: old.updateFrequency[i], publishedAt: old.publishedAt[i], createdAt: old.createdAt[i],
                   updatedAt: old.updatedAt[i], formats: old.formatCodes[Int(old.formatStart[i])..<Int(old.formatStart[i + 1])],
                   keywords: old.keywordCodes[Int(old.keywordStart[i])..<Int(old.keywordStart[i + 1])])
        }
    }

    /// The distinct pairs of adjacent characters of a text, skipping pairs with a space (queries are split at spaces).
    /// Chinese has no spaces between words, so bigrams let "企业" find "企业登记信息" by index lookup.
    static func bigrams(_ text: String) -> Set<UInt64> {
        var result = Set<UInt64>()
        var previous: UInt32?
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace { previous = nil; continue }
            if let previous { result.insert(UInt64(previous) << 21 | UInt64(scalar.value)) }
            previous = scalar.value
        }
        return result
    }

    func search(_ query: PublishedCatalogIndex.Query) -> PublishedCatalogIndex.Result {
        let empty = PublishedCatalogIndex.Result(versionIDs: [], total: 0, facets: Self.facetNames.reduce(into: [:]) { $0[$1] = [:] })
        // A filter on a value the index has never seen matches nothing.
        func code(_ value: String?, in interned: Interned) -> Int32?? {
            guard let value else { return .some(nil) }
            guard let code = interned.existingCode(value) else { return nil }
            return .some(code)
        }
        guard let domainFilter = code(query.domain, in: domains), let shareFilter = code(query.shareType, in: shareTypes),
              let openFilter = code(query.openType, in: openTypes), let frequencyFilter = code(query.updateFrequency, in: frequencies),
              let formatFilter = code(query.format, in: formats), let keywordFilter = code(query.keyword, in: keywords) else { return empty }
        var providerFilter: [Bool]?
        if let ids = query.providerIDs {
            var allowed = [Bool](repeating: false, count: providers.count)
            for id in ids { if let code = providers.existingCode(id) { allowed[Int(code)] = true } }
            providerFilter = allowed
        }
        let notShared = shareTypes.existingCode(ShareType.notShared.rawValue) ?? -1, notOpen = openTypes.existingCode(OpenType.notOpen.rawValue) ?? -1
        let resourceCode = query.resourceCode?.lowercased()

        // Candidates: the shortest posting list among the query's bigrams; every word is then checked as a substring.
        let words = query.words.map { Array($0.utf8) }
        var candidates: [Int32]?
        var exactWord: Int?
        for (index, word) in query.words.enumerated() {
            for bigram in Self.bigrams(word) {
                guard let list = postings[bigram] else { return empty }
                if candidates == nil || list.count < candidates!.count {
                    candidates = list
                    // A two-character word is fully decided by its own posting list.
                    exactWord = word.unicodeScalars.count == 2 ? index : nil
                }
            }
        }

        var matched: [Int32] = []
        func consider(_ slot: Int) {
            guard live[slot] else { return }
            switch query.catalog {
            case .government: break
            case .sharing: if shareType[slot] == notShared { return }
            case .open: if openType[slot] == notOpen { return }
            }
            if let domainFilter, domain[slot] != domainFilter { return }
            if let shareFilter, shareType[slot] != shareFilter { return }
            if let openFilter, openType[slot] != openFilter { return }
            if let frequencyFilter, updateFrequency[slot] != frequencyFilter { return }
            if let providerFilter, !providerFilter[Int(provider[slot])] { return }
            if let formatFilter, !formatCodes[Int(formatStart[slot])..<Int(formatStart[slot + 1])].contains(formatFilter) { return }
            if let keywordFilter, !keywordCodes[Int(keywordStart[slot])..<Int(keywordStart[slot + 1])].contains(keywordFilter) { return }
            if let resourceCode, resourceCodes[slot] != resourceCode { return }
            for (index, word) in words.enumerated() where index != exactWord {
                if !Self.contains(texts[slot], word) { return }
            }
            matched.append(Int32(slot))
        }
        if let candidates {
            for slot in candidates { consider(Int(slot)) }
        } else {
            for slot in 0..<slotCount { consider(slot) }
        }

        // Facets over the whole result, counted by code and named once at the end.
        var providerCounts = [Int](repeating: 0, count: providers.count), domainCounts = [Int](repeating: 0, count: domains.count)
        var shareCounts = [Int](repeating: 0, count: shareTypes.count), openCounts = [Int](repeating: 0, count: openTypes.count)
        var frequencyCounts = [Int](repeating: 0, count: frequencies.count), formatCounts = [Int](repeating: 0, count: formats.count)
        var keywordCounts = [Int](repeating: 0, count: keywords.count)
        for slot32 in matched {
            let slot = Int(slot32)
            providerCounts[Int(provider[slot])] += 1
            domainCounts[Int(domain[slot])] += 1
            shareCounts[Int(shareType[slot])] += 1
            openCounts[Int(openType[slot])] += 1
            frequencyCounts[Int(updateFrequency[slot])] += 1
            for i in Int(formatStart[slot])..<Int(formatStart[slot + 1]) { formatCounts[Int(formatCodes[i])] += 1 }
            for i in Int(keywordStart[slot])..<Int(keywordStart[slot + 1]) { keywordCounts[Int(keywordCodes[i])] += 1 }
        }
        func named(_ counts: [Int], _ interned: Interned) -> [String: Int] {
            var result: [String: Int] = [:]
            for (code, count) in counts.enumerated() where count > 0 { result[interned.values[code]] = count }
            return result
        }
        let facets = ["provider_id": named(providerCounts, providers), "domain": named(domainCounts, domains),
                      "share_type": named(shareCounts, shareTypes), "open_type": named(openCounts, openTypes),
                      "update_frequency": named(frequencyCounts, frequencies), "format": named(formatCounts, formats),
                      "keyword": named(keywordCounts, keywords)]
        let page = Self.page(of: matched, offset: query.offset, limit: query.limit, ordered: ordering(query.sort))
        return PublishedCatalogIndex.Result(versionIDs: page.map { versionIDs[Int($0)] }, total: matched.count, facets: facets)
    }

    static let facetNames = ["provider_id", "domain", "share_type", "open_type", "update_frequency", "format", "keyword"]

    /// "a comes before b" for a sort; ties fall back to the version id so pages never overlap.
    func ordering(_ sort: CatalogSort) -> (Int32, Int32) -> Bool {
        let versionIDs = versionIDs
        func by<T: Comparable>(_ keys: [T]) -> (Int32, Int32) -> Bool {
            { a, b in
                let kx = keys[Int(a)], ky = keys[Int(b)]
                if kx != ky { return sort.descending ? kx > ky : kx < ky }
                return sort.descending ? versionIDs[Int(a)] > versionIDs[Int(b)] : versionIDs[Int(a)] < versionIDs[Int(b)]
            }
        }
        switch sort.key {
        case .published: return by(publishedAt)
        case .modified: return by(updatedAt)
        case .created: return by(createdAt)
        case .title: return by(titles)
        case .code: return by(resourceCodes)
        }
    }
    /// The slots of one page. A first page only needs the best few, kept in a small sorted buffer in one pass;
    /// deep pages sort everything.
    static func page(of slots: [Int32], offset: Int, limit: Int, ordered before: (Int32, Int32) -> Bool) -> [Int32] {
        let needed = offset + limit
        guard needed <= 512 else { return Array(slots.sorted(by: before).dropFirst(offset).prefix(limit)) }
        var best: [Int32] = []
        best.reserveCapacity(needed + 1)
        for slot in slots {
            if best.count == needed {
                guard before(slot, best[needed - 1]) else { continue }
                best.removeLast()
            }
            var low = 0, high = best.count
            while low < high {
                let middle = (low + high) / 2
                if before(slot, best[middle]) { high = middle } else { low = middle + 1 }
            }
            best.insert(slot, at: low)
        }
        return Array(best.dropFirst(offset))
    }

    static func contains(_ text: [UInt8], _ word: [UInt8]) -> Bool {
        guard !word.isEmpty else { return true }
        guard text.count >= word.count else { return false }
        // memchr finds each possible start of the word; memcmp checks the rest. (glibc's memmem is not exported to Swift.)
        return text.withUnsafeBytes { haystack in
            word.withUnsafeBytes { needle in
                let first = Int32(needle[0]), last = haystack.count - needle.count
                var start = 0
                while start <= last, let found = memchr(haystack.baseAddress! + start, first, last - start + 1) {
                    let offset = haystack.baseAddress!.distance(to: UnsafeRawPointer(found))
                    if memcmp(haystack.baseAddress! + offset, needle.baseAddress!, needle.count) == 0 { return true }
                    start = offset + 1
                }
                return false
            }
        }
    }
}
