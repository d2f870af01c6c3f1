"""Drives the real portal in headless Chromium (Debian's chromium and chromium-driver, through selenium): search,
open a dataset, filter the preview, download the CSV, switch language — with a screenshot of each step saved under
test-output/screenshots/. Then checks the portal's pages for accessibility with axe-core (the WCAG 2.1 A and AA rules,
contrast among them; the script ships in the axe-playwright-python wheel, installed without Playwright) and walks a
page with the Tab key.

Usage: python portal_browser.py BASE_URL [unused]
"""
import importlib.util
import json
import os
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from checks import check, finish

base = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shots = os.path.join(root, "test-output", "screenshots")
downloads = os.path.join(root, "test-output", "downloads")
os.makedirs(shots, exist_ok=True)
os.makedirs(downloads, exist_ok=True)
for name in os.listdir(downloads):
    os.remove(os.path.join(downloads, name))

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=zh-CN"]:
    options.add_argument(argument)
options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)


def axe_violations():
    """axe-core's WCAG 2.1 A and AA rules on the page as it stands: the violations, three places each."""
    driver.execute_script(axe)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));")


def shot(name):
    driver.save_screenshot(os.path.join(shots, f"{name}.png"))


try:
    # The demo's rows load in the background: wait until the registry answers.
    deadline = time.time() + 240
    while time.time() < deadline:
        driver.get(base + "/api/v1/datasets/201005-00001/rows?limit=1&include_total=false")
        if '"credit_code"' in driver.page_source:
            break
        time.sleep(2)

    driver.get(base + "/")
    shot("1-home")
    check("home: priority domains and a search box", "企业登记监管" in driver.page_source and driver.find_elements(By.ID, "q"))

    box = driver.find_element(By.ID, "q")
    box.send_keys("企业登记")
    box.submit()
    time.sleep(0.5)
    shot("2-search")
    check("search: the registry is found", "201005-00001" in driver.page_source, driver.current_url)

    driver.find_element(By.CSS_SELECTOR, "a[href*='/datasets/201005-00001']").click()
    time.sleep(0.5)
    shot("3-dataset")
    page = driver.page_source
    check("dataset page: fields, charts, preview and downloads", "数据项说明" in page and "<svg" in page and "download.csv" in page)

    Select(driver.find_element(By.ID, "field")).select_by_value("district")
    Select(driver.find_element(By.ID, "op")).select_by_value("eq")
    value = driver.find_element(By.ID, "value")
    value.clear()
    value.send_keys("和平区")
    Select(driver.find_element(By.ID, "sort")).select_by_value("-registered_capital")
    value.submit()
    time.sleep(0.5)
    shot("4-filtered")
    cells = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "caption + thead + tbody td")]
    rows = driver.find_elements(By.CSS_SELECTOR, "caption + thead + tbody tr")
    districts = [row.find_elements(By.TAG_NAME, "td")[-1].text for row in rows]
    check("preview filter: every row is in 和平区", bool(districts) and all(d == "和平区" for d in districts), str(districts[:5]))

    driver.find_element(By.LINK_TEXT, "CSV").click()
    csv = None
    for _ in range(120):
        done = [n for n in os.listdir(downloads) if n.endswith(".csv")]
        if done:
            csv = os.path.join(downloads, done[0])
            break
        time.sleep(0.5)
    content = open(csv, encoding="utf-8").read() if csv else ""
    check("download: the CSV arrives with its header and rows", content.startswith("credit_code,") and content.count("\n") > 100, str(csv))

    driver.find_element(By.LINK_TEXT, "English").click()
    time.sleep(0.5)
    shot("5-english")
    check("language switch: the page is in English", "Fields (interpretation, Art. 25)" in driver.page_source and "lang=\"en\"" in driver.page_source)
    driver.set_window_size(390, 844)
    driver.get(base + "/datasets/201005-00001")
    shot("6-phone")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check("phone width: no page-wide horizontal scrolling", width <= 400, str(width))

    # Accessibility: axe-core's WCAG 2.1 A and AA rules on every kind of portal page, at desktop width.
    driver.set_window_size(1280, 1600)
    package = importlib.util.find_spec("axe_playwright_python").submodule_search_locations[0]
    axe = open(os.path.join(package, "axe.min.js"), encoding="utf-8").read()
    driver.set_script_timeout(120)
    for path in ["/", "/datasets", "/datasets?q=%E4%BA%A4%E9%80%9A&page=1", "/datasets/201005-00001", "/datasets/201005-00001?lang=en",
                 "/datasets/101002-00003", "/verify", "/requests", "/showcase", "/showcase?lang=en"]:
        driver.get(base + path)
        result = axe_violations()
        check(f"accessibility (axe, WCAG 2.1 AA): {path}", not result, json.dumps(result, ensure_ascii=False))

    # A citizen registers, signs in, rates and comments on a dataset, and asks for data; the forms pass axe too.
    username = f"browser{int(time.time())}"
    password = "Haihe-Browser-2026!"
    driver.get(base + "/register")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "display_name").send_keys("测试市民")
    driver.find_element(By.ID, "email").send_keys(f"{username}@example.org")
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "password").submit()
    time.sleep(0.5)
    check("register: a citizen account is made", "注册成功" in driver.page_source,
          " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=alert]")) or driver.current_url)
    driver.get(base + "/login?next=/datasets/201005-00001")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "password").submit()
    time.sleep(0.5)
    driver.get(base + "/datasets/201005-00001")
    Select(driver.find_element(By.ID, "fb-rating")).select_by_value("5")
    body = driver.find_element(By.ID, "fb-body")
    body.send_keys("浏览器里写的评论：字段说明很清楚")
    shot("7-feedback-form")
    body.submit()
    time.sleep(0.5)
    shot("8-feedback-sent")
    page = driver.page_source
    check("feedback: the comment appears with its rating, awaiting the provider's answer",
          "浏览器里写的评论" in page and "待答复" in page and "提供单位将在五个工作日内答复" in page, driver.current_url)
    driver.get(base + "/requests")
    driver.find_element(By.ID, "dr-title").send_keys("全市公共厕所位置")
    driver.find_element(By.ID, "dr-body").send_keys("做地图应用，需要位置和开放时间")
    driver.find_element(By.ID, "dr-body").submit()
    time.sleep(0.5)
    check("data request: listed on the requests page", "全市公共厕所位置" in driver.page_source and "需求已收到" in driver.page_source)
    # Conditional open data: apply on the dataset's page, then follow the application in "my applications".
    driver.get(base + "/datasets/101002-00003")
    driver.find_element(By.ID, "identity").send_keys("11010519491231002X")
    driver.find_element(By.ID, "purpose").send_keys("信用研究")
    driver.find_element(By.ID, "intended_use").send_keys("学术论文")
    driver.find_element(By.ID, "intended_use").submit()
    time.sleep(0.5)
    check("conditional open data: the application is accepted on the dataset's page", "申请已受理" in driver.page_source, driver.current_url)
    driver.get(base + "/console/applications")
    shot("9-my-applications")
    check("my applications: status and working days left", "待答复 pending" in driver.page_source and "个工作日" in driver.page_source)
    for path in ["/datasets/201005-00001", "/requests", "/showcase", "/console/applications"]:
        driver.get(base + path)
        result = axe_violations()
        check(f"accessibility (axe, WCAG 2.1 AA), signed in with forms: {path}", not result, json.dumps(result, ensure_ascii=False))
    driver.delete_all_cookies()

    # Keyboard: Tab reaches the search box, each focused element shows where the focus is, and Enter searches.
    driver.get(base + "/")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    visited = []
    for _ in range(40):
        active = driver.switch_to.active_element
        style = driver.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return [arguments[0].tagName, arguments[0].id, s.outlineStyle, s.outlineWidth, s.boxShadow];", active)
        visited.append(style)
        if style[1] == "q":
            break
        active.send_keys(Keys.TAB)
    check("keyboard: Tab reaches the search box", visited and visited[-1][1] == "q", str(visited[:8]))
    unmarked = [v for v in visited if v[2] == "none" and v[4] in ("none", "")]
    check("keyboard: every focused element shows its focus", not unmarked, str(unmarked[:5]))
    driver.switch_to.active_element.send_keys("交通" + Keys.ENTER)
    time.sleep(0.5)
    check("keyboard: Enter in the search box searches", "/datasets" in driver.current_url, driver.current_url)
finally:
    driver.quit()
finish("browser")
