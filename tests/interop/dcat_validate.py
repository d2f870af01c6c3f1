"""Validates Haihe's DCAT exports against the official DCAT-AP 3.0.1 SHACL shapes (SEMIC) with pyshacl.

Usage: python dcat_validate.py BASE_URL SHAPES_DIR
Prints one line per check and a closing 'N passed, N failed' line; exits non-zero on any failure.
"""
import json
import sys
import urllib.request

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

from checks import check, finish

BASE, SHAPES_DIR = sys.argv[1], sys.argv[2]


def fetch(path):
    with urllib.request.urlopen(BASE + path, timeout=30) as response:
        return response.read().decode("utf-8"), response.headers.get("Content-Type", "")


shapes = Graph()
shapes.parse(f"{SHAPES_DIR}/dcat-ap-3.0.1-SHACL.ttl", format="turtle")
shapes.parse(f"{SHAPES_DIR}/dcat-ap-3.0.1-ranges.ttl", format="turtle")
# The published ranges file names a few property shapes (sh:property) that neither file defines; pyshacl
# refuses such dangling references. They constrain nothing, so drop exactly those references, nothing else.
SH_PROPERTY = URIRef("http://www.w3.org/ns/shacl#property")
dangling = [(s, o) for s, o in shapes.subject_objects(SH_PROPERTY) if (o, None, None) not in shapes]
for s, o in dangling:
    shapes.remove((s, SH_PROPERTY, o))
print(f"note: dropped {len(dangling)} dangling sh:property references from the official shapes")


def validate(name, text, fmt):
    graph = Graph()
    graph.parse(data=text, format=fmt)
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    check(f"{name} conforms to DCAT-AP 3.0.1 ({len(graph)} triples)", conforms, report)
    return graph


turtle, turtle_type = fetch("/catalog.ttl")
check("catalog.ttl is served as text/turtle", turtle_type.startswith("text/turtle"))
catalog = validate("catalog.ttl", turtle, "turtle")
jsonld, jsonld_type = fetch("/catalog.jsonld")
check("catalog.jsonld is served as application/ld+json", jsonld_type.startswith("application/ld+json"))
catalog_ld = validate("catalog.jsonld", jsonld, "json-ld")
check("Turtle and JSON-LD describe the same graph", isomorphic(catalog, catalog_ld))

datasets = list(catalog.subjects(RDF.type, DCAT.Dataset))
check("the catalog lists its open datasets", len(datasets) >= 25, f"{len(datasets)}")
titles = {str(t) for t in catalog.objects(None, DCTERMS.title)}
for withheld in ["人口基础信息", "电子病历摘要", "社会保险参保信息", "出租车运营轨迹"]:
    check(f"'{withheld}' (not open or not published) is absent", withheld not in titles)
languages = {t.language for t in catalog.objects(None, DCTERMS.title) if isinstance(t, Literal)}
check("titles carry Chinese and English language tags", {"zh", "en"} <= languages)
check("every dataset has a distribution with an access URL",
      all(any(catalog.objects(d, DCAT.accessURL) for d in catalog.objects(s, DCAT.distribution)) for s in datasets))

one = str(datasets[0]).rsplit("/", 1)[-1]
validate(f"dataset/{one}.ttl", fetch(f"/dataset/{one}.ttl")[0], "turtle")
validate(f"dataset/{one}.jsonld", fetch(f"/dataset/{one}.jsonld")[0], "json-ld")

finish("dcat")
