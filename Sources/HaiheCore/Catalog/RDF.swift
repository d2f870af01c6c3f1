import Foundation

/// A small RDF graph: enough to describe catalogs and write them as Turtle and JSON-LD from one model,
/// so the two exports can never disagree.
public struct RDFGraph: Sendable {
    public enum Object: Sendable, Hashable {
        case iri(String)
        case literal(String, language: String? = nil, datatype: String? = nil)
    }

    public static let prefixes: [(String, String)] = [
        ("dcat", "http://www.w3.org/ns/dcat#"), ("dct", "http://purl.org/dc/terms/"), ("foaf", "http://xmlns.com/foaf/0.1/"),
        ("skos", "http://www.w3.org/2004/02/skos/core#"), ("vcard", "http://www.w3.org/2006/vcard/ns#"),
        ("xsd", "http://www.w3.org/2001/XMLSchema#"), ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("adms", "http://www.w3.org/ns/adms#"),
    ]

    private(set) var order: [String] = []
    private(set) var statements: [String: [(String, Object)]] = [:]

    public init() {}

    /// Adds a statement; `predicate` is a prefixed name (`dct:title`) or `a`.
    public mutating func add(_ subject: String, _ predicate: String, _ object: Object) {
        if statements[subject] == nil { order.append(subject) }
        if statements[subject, default: []].contains(where: { $0.0 == predicate && $0.1 == object }) { return }
        statements[subject, default: []].append((predicate, object))
    }

    public mutating func add(_ subject: String, _ predicate: String, text: String?, language: String? = nil) {
        guard let text, !text.isEmpty else { return }
        add(subject, predicate, .literal(text, language: language))
    }

    public mutating func add(_ subject: String, _ predicate: String, dateTime: Date?) {
        guard let dateTime else { return }
        add(subject, predicate, .literal(Timestamp.format(dateTime), datatype: "xsd:dateTime"))
    }

    // MARK: Turtle

    public func turtle() -> String {
        var out = Self.prefixes.map { "@prefix \($0.0): <\($0.1)> .\n" }.joined() + "\n"
        for subject in order {
            let lines = statements[subject]!.map { "    \($0.0 == "a" ? "a" : $0.0) \(Self.turtle($0.1))" }
            out += "<\(subject)>\n" + lines.joined(separator: " ;\n") + " .\n\n"
        }
        return out
    }

    static func turtle(_ object: Object) -> String {
        switch object {
        case .iri(let iri):
            let prefix = iri.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            if prefixes.contains(where: { $0.0 == prefix }) { return iri }
            // Characters Turtle forbids inside <…> are percent-encoded, so no entry text can break out of an IRI.
            var escaped = ""
            for scalar in iri.unicodeScalars {
                if scalar.value <= 0x20 || "<>\"{}|^`\\".unicodeScalars.contains(scalar) {
                    escaped += String(format: "%%%02X", scalar.value)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
            return "<\(escaped)>"
        case .literal(let text, let language, let datatype):
            var escaped = ""
            for c in text.unicodeScalars {
                switch c {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                case "\t": escaped += "\\t"
                default: escaped.unicodeScalars.append(c)
                }
            }
            if let language { return "\"\(escaped)\"@\(language)" }
            if let datatype { return "\"\(escaped)\"^^\(datatype)" }
            return "\"\(escaped)\""
        }
    }

    // MARK: JSON-LD

    /// JSON-LD with the same prefixes as context and one node per subject in `@graph`.
    public func jsonLD() -> Data {
        var context: [String: Any] = [:]
        for (prefix, iri) in Self.prefixes { context[prefix] = iri }
        var graph: [[String: Any]] = []
        for subject in order {
            var node: [String: Any] = ["@id": subject]
            for (predicate, object) in statements[subject]! {
                let key = predicate == "a" ? "@type" : predicate
                let value: Any
                switch object {
                case .iri(let iri): value = predicate == "a" ? iri : ["@id": iri]
                case .literal(let text, let language, let datatype):
                    var literal: [String: Any] = ["@value": text]
                    if let language { literal["@language"] = language }
                    if let datatype { literal["@type"] = datatype }
                    value = literal
                }
                if let existing = node[key] {
                    node[key] = (existing as? [Any] ?? [existing]) + [value]
                } else {
                    node[key] = value
                }
            }
            graph.append(node)
        }
        return (try? JSONSerialization.data(withJSONObject: ["@context": context, "@graph": graph], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
