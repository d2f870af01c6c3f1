"""Reads Haihe's open catalog with the ckanapi client, as an existing CKAN harvester would.

Usage: python ckan_client.py BASE_URL
Prints one line per check and a closing 'N passed, N failed' line; exits non-zero on any failure.
"""
import json
import sys

from ckanapi import NotFound, RemoteCKAN

BASE = sys.argv[1]
ck = RemoteCKAN(BASE, user_agent="haihe-interop-test/1.0")
from checks import check, finish


status = ck.action.status_show()
check("status_show answers with a CKAN version", bool(status.get("ckan_version")))

names = ck.action.package_list()
check("package_list lists the open catalog", len(names) >= 25, f"got {len(names)}")
check("package names are URL-safe", all(n == n.lower() and " " not in n for n in names))

everything = ck.call_action("package_search", {"q": "*:*", "rows": 1000})
check("package_search counts every open package", everything["count"] == len(names), f"{everything['count']} vs {len(names)}")
titles = {p["title"] for p in everything["results"]}
for withheld in ["人口基础信息", "电子病历摘要", "社会保险参保信息", "雷达拼图原始数据"]:
    check(f"'not open' entry {withheld} never appears", withheld not in titles)
check("drafts never appear", "出租车运营轨迹" not in titles and "和平区企业名录（自建）" not in titles)

found = ck.call_action("package_search", {"q": "企业", "rows": 5, "facet.field": json.dumps(["organization", "res_format", "groups"])})
check("a Chinese search for 企业 finds 企业登记基本信息", any(p["title"] == "企业登记基本信息" for p in
      ck.call_action("package_search", {"q": "企业", "rows": 100})["results"]))
check("rows limits the page", len(found["results"]) <= 5)
check("facets come back for each requested field", set(found["search_facets"]) == {"organization", "res_format", "groups"})
check("facet items carry name, display name and count",
      all({"name", "display_name", "count"} <= set(item) for item in found["search_facets"]["organization"]["items"]))

page1 = ck.call_action("package_search", {"rows": 3, "start": 0, "sort": "name asc"})
page2 = ck.call_action("package_search", {"rows": 3, "start": 3, "sort": "name asc"})
check("start pages through results without overlap", not ({p["name"] for p in page1["results"]} & {p["name"] for p in page2["results"]}))
check("sort name asc orders by name", [p["name"] for p in page1["results"]] == sorted(p["name"] for p in page1["results"]))

csv_only = ck.call_action("package_search", {"fq": "res_format:CSV", "rows": 1000})
check("fq res_format filters", csv_only["count"] > 0 and all(any(r["format"] == "CSV" for r in p["resources"]) for p in csv_only["results"]))

package = ck.action.package_show(id=names[0])
check("package_show returns the package by name", package["name"] == names[0])
check("a package has an organization, resources with absolute URLs and formats",
      package["organization"]["name"] and package["resources"] and all(r["url"].startswith("http") and r["format"] for r in package["resources"]))
check("package_show also takes the id", ck.action.package_show(id=package["id"])["name"] == package["name"])

organizations = ck.action.organization_list(all_fields=True)
check("organization_list gives the publishing organisations with counts", len(organizations) >= 8 and all(o["package_count"] > 0 for o in organizations))
owner = package["organization"]["name"]
shown = ck.action.organization_show(id=owner, include_datasets=True)
check("organization_show lists its packages", any(p["name"] == package["name"] for p in shown["packages"]))
by_org = ck.call_action("package_search", {"fq": f"organization:{owner}", "rows": 1000})
check("fq organization filters to that organisation", by_org["count"] == shown["package_count"])

tags = ck.action.tag_list()
check("tag_list lists keywords", "企业" in tags)

try:
    ck.action.package_show(id="no-such-package")
    check("a missing package raises NotFound", False)
except NotFound:
    check("a missing package raises NotFound", True)

finish("ckan")
