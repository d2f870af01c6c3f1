import Foundation

/// The open catalog as DCAT-AP 3.0.1 (dcat:Catalog, dcat:Dataset, dcat:Distribution), with Chinese and
/// English labels, EU authority vocabularies for themes, frequencies and file types, and Haihe's own
/// domain concepts. Checked against the official SEMIC SHACL shapes in the test script.
public enum DCAT {
    static let euTheme = "http://publications.europa.eu/resource/authority/data-theme/"
    static let euFrequency = "http://publications.europa.eu/resource/authority/frequency/"
    static let euFileType = "http://publications.europa.eu/resource/authority/file-type/"
    static let euLanguage = "http://publications.europa.eu/resource/authority/language/"
    static let licence = "https://creativecommons.org/licenses/by/4.0/"

    static func theme(_ domain: Domain) -> String {
        switch domain {
        case .credit, .enterpriseRegistration: "ECON"
        case .transport: "TRAN"
        case .medical: "HEAL"
        case .employment, .socialSecurity: "SOCI"
        case .education, .culture: "EDUC"
        case .environment, .meteorology: "ENVI"
        case .publicSecurity: "JUST"
        case .urbanPlanning: "REGI"
        case .energy: "ENER"
        case .agriculture: "AGRI"
        case .other: "OP_DATPRO"
        }
    }

    static func frequency(_ f: UpdateFrequency) -> String {
        switch f {
        case .realTime: "CONT"
        case .daily: "DAILY"
        case .weekly: "WEEKLY"
        case .monthly: "MONTHLY"
        case .quarterly: "QUARTERLY"
        case .yearly: "ANNUAL"
        case .irregular: "IRREG"
        }
    }

    static let mediaTypes = ["CSV": "text/csv", "JSON": "application/json", "XML": "application/xml", "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]

    public static func datasetIRI(_ entry: CatalogEntry, base: String) -> String { "\(base)/dataset/\(entry.entryID)" }

    /// The whole open catalog.
    public static func catalog(_ entries: [CatalogEntry], organizations: [String: Organization], publisher: Organization?, base: String) -> RDFGraph {
        var g = RDFGraph()
        let catalog = "\(base)/catalog"
        g.add(catalog, "a", .iri("dcat:Catalog"))
        g.add(catalog, "dct:title", text: "天津市政务数据开放目录", language: "zh")
        g.add(catalog, "dct:title", text: "Tianjin open government data catalogue", language: "en")
        g.add(catalog, "dct:description", text: "依据《天津市促进大数据发展应用条例》通过开放平台向社会开放的政务数据目录。", language: "zh")
        g.add(catalog, "dct:description", text: "Government data opened to the public under Tianjin's Regulation on Promoting Big Data Development and Application.", language: "en")
        g.add(catalog, "foaf:homepage", .iri(base + "/"))
        g.add(base + "/", "a", .iri("foaf:Document"))
        g.add(catalog, "dct:language", .iri(euLanguage + "ZHO"))
        g.add(catalog, "dct:language", .iri(euLanguage + "ENG"))
        g.add(catalog, "dct:license", .iri(licence))
        g.add(catalog, "dct:modified", dateTime: entries.map(\.updatedAt).max())
        addLanguages(&g)
        addLicence(&g)
        let publisherIRI = addAgent(&g, publisher, fallbackName: "天津市互联网信息办公室", base: base)
        g.add(catalog, "dct:publisher", .iri(publisherIRI))
        for entry in entries {
            g.add(catalog, "dcat:dataset", .iri(datasetIRI(entry, base: base)))
            addDataset(&g, entry, organizations: organizations, base: base)
        }
        return g
    }

    /// One dataset on its own.
    public static func dataset(_ entry: CatalogEntry, organizations: [String: Organization], base: String) -> RDFGraph {
        var g = RDFGraph()
        addLicence(&g)
        addDataset(&g, entry, organizations: organizations, base: base)
        return g
    }

    static func addDataset(_ g: inout RDFGraph, _ entry: CatalogEntry, organizations: [String: Organization], base: String) {
        let dataset = datasetIRI(entry, base: base)
        g.add(dataset, "a", .iri("dcat:Dataset"))
        g.add(dataset, "dct:identifier", text: entry.resourceCode)
        g.add(dataset, "dct:title", text: entry.title, language: "zh")
        g.add(dataset, "dct:title", text: entry.titleEN, language: "en")
        g.add(dataset, "dct:description", text: entry.summary, language: "zh")
        for keyword in entry.keywords { g.add(dataset, "dcat:keyword", text: keyword, language: "zh") }
        g.add(dataset, "dct:issued", dateTime: entry.publishedAt)
        g.add(dataset, "dct:modified", dateTime: entry.dataUpdatedAt ?? entry.updatedAt)
        g.add(dataset, "dcat:version", text: String(entry.version))
        let publisherIRI = addAgent(&g, organizations[entry.providerID], fallbackName: "数据提供单位", base: base)
        g.add(dataset, "dct:publisher", .iri(publisherIRI))

        let euTheme = Self.euTheme + theme(entry.domain)
        g.add(dataset, "dcat:theme", .iri(euTheme))
        g.add(euTheme, "a", .iri("skos:Concept"))
        g.add(euTheme, "skos:prefLabel", text: theme(entry.domain), language: "en")
        let domainConcept = "\(base)/theme/\(entry.domain.rawValue)"
        g.add(dataset, "dcat:theme", .iri(domainConcept))
        g.add(domainConcept, "a", .iri("skos:Concept"))
        g.add(domainConcept, "skos:prefLabel", text: entry.domain.labelZH, language: "zh")
        g.add(domainConcept, "skos:prefLabel", text: entry.domain.rawValue.replacingOccurrences(of: "_", with: " "), language: "en")

        let frequency = euFrequency + self.frequency(entry.updateFrequency)
        g.add(dataset, "dct:accrualPeriodicity", .iri(frequency))
        g.add(frequency, "a", .iri("dct:Frequency"))

        let contact = "\(dataset)#contact"
        g.add(dataset, "dcat:contactPoint", .iri(contact))
        g.add(contact, "a", .iri("vcard:Kind"))
        g.add(contact, "vcard:fn", text: entry.contact?.name ?? organizations[entry.providerID]?.contact?.name ?? "数据管理员")
        if let phone = entry.contact?.phone ?? organizations[entry.providerID]?.contact?.phone {
            g.add(contact, "vcard:hasTelephone", .iri("tel:" + phone.filter { $0.isNumber || $0 == "-" || $0 == "+" }))
        }
        if let email = entry.contact?.email ?? organizations[entry.providerID]?.contact?.email {
            g.add(contact, "vcard:hasEmail", .iri("mailto:" + email))
        }

        for format in entry.formats {
            let distribution = "\(dataset)/distribution/\(format.lowercased())"
            g.add(dataset, "dcat:distribution", .iri(distribution))
            g.add(distribution, "a", .iri("dcat:Distribution"))
            g.add(distribution, "dct:title", text: "\(entry.title)（\(format)）", language: "zh")
            g.add(distribution, "dcat:accessURL", .iri("\(base)/api/v1/datasets/\(entry.entryID)"))
            g.add(distribution, "dcat:downloadURL", .iri("\(base)/api/v1/datasets/\(entry.entryID)/download.\(format.lowercased())"))
            let fileType = euFileType + format.uppercased()
            g.add(distribution, "dct:format", .iri(fileType))
            g.add(fileType, "a", .iri("dct:MediaTypeOrExtent"))
            if let media = mediaTypes[format.uppercased()] {
                let mediaIRI = "https://www.iana.org/assignments/media-types/" + media
                g.add(distribution, "dcat:mediaType", .iri(mediaIRI))
                g.add(mediaIRI, "a", .iri("dct:MediaType"))
            }
            g.add(distribution, "dct:license", .iri(licence))
            g.add(distribution, "dct:issued", dateTime: entry.publishedAt)
            g.add(distribution, "dct:modified", dateTime: entry.dataUpdatedAt ?? entry.updatedAt)
        }
    }

    static func addAgent(_ g: inout RDFGraph, _ organization: Organization?, fallbackName: String, base: String) -> String {
        let iri = "\(base)/organization/\(organization?.id ?? "platform")"
        g.add(iri, "a", .iri("foaf:Agent"))
        g.add(iri, "foaf:name", text: organization?.nameZH ?? fallbackName, language: "zh")
        g.add(iri, "foaf:name", text: organization?.nameEN, language: "en")
        return iri
    }

    static func addLicence(_ g: inout RDFGraph) {
        g.add(licence, "a", .iri("dct:LicenseDocument"))
    }

    static func addLanguages(_ g: inout RDFGraph) {
        g.add(euLanguage + "ZHO", "a", .iri("dct:LinguisticSystem"))
        g.add(euLanguage + "ENG", "a", .iri("dct:LinguisticSystem"))
    }
}
