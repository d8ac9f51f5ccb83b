"""The console in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven with Selenium, against `sesm serve`, with the command line checking what each click did.

    python console.py URL SESM_BINARY STATE_FILE SCREENSHOT_DIR AXE_JS

- create a managed pool by the guide's labels, literally ("In the left navigation pane, choose
  Dedicated IPs. On the Dedicated IPs page, choose Managed IP pools. Choose Create managed IP
  pool. In the Overview section ... choose Managed (auto managed) in the Scaling mode field ...
  Pool name ... (Optional) Add new tag ... Create pool"), with a configuration set that was on a
  standard pool and two tags: the guide's note shows when the set is chosen, the name is
  checked as it is typed, "Add new tag" adds a row in place (no page load), and
  `sesm pool get` / `sesm config-set get` see the pool, the moved set and the tags;
- a sixth managed pool and a duplicate name show SES's message beside the name and leave the
  state file byte-identical;
- a configuration set's Sending IP pool changed in its General details panel (reached from the
  left pane) is what the CLI sees;
- an HTML message whose script would change the page's title is shown in its sandboxed frame
  with the title unchanged, and its attachment downloads byte-identical;
- simulating 7 days from the console shows the 7 days on the pool page;
- a form posted from another origin is refused and changes nothing;
- every console page, at 1440x900 and at 390x844 (a phone), in the light and the dark theme:
  axe-core (AXE_JS, pinned in tests/clients/axe/package-lock.json) reports no violation, and at
  390 px nothing scrolls sideways (document.documentElement.scrollWidth <= 390).

Prints one line per group of checks and "all ok" last; exits 1 on the first failure. Writes
screenshots of the pool page, the create form and the phone view to SCREENSHOT_DIR.
"""

import base64
import datetime
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException,
                                        StaleElementReferenceException, TimeoutException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from checks import check, count

URL, SESM, STATE, SHOTS, AXE = sys.argv[1:6]
with open(AXE, encoding="utf-8") as f:
    AXE_SOURCE = f.read()
ENV = dict(os.environ, SESM_STATE=STATE, SESM_REGION="us-east-1")


def sesm(*args):
    out = subprocess.run([SESM, *args], env=ENV, capture_output=True, text=True)
    check(out.returncode == 0, f"sesm {' '.join(args)}: {out.stderr}")
    return out.stdout


def sesm_json(*args):
    return json.loads(sesm(*args, "-o", "json"))


def state_bytes():
    with open(STATE, "rb") as f:
        return f.read()


def api(method, path, body=None):
    req = urllib.request.Request(
        URL + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=20) as r:
        return json.loads(r.read() or b"{}")


downloads = tempfile.mkdtemp(prefix="sesm-console-downloads-")
options = webdriver.ChromeOptions()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1440,900", "--no-first-run", "--disable-extensions"]:
    options.add_argument(a)
options.add_experimental_option("prefs", {
    "download.default_directory": downloads,
    "download.prompt_for_download": False,
    "safebrowsing.enabled": False,
})
# The machine's chromedriver, never one Selenium Manager would download.
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)
driver.set_script_timeout(120)
# A click that loads a page can leave an element of the old one in hand: look again.
wait = WebDriverWait(driver, 20,
                     ignored_exceptions=[NoSuchElementException, StaleElementReferenceException])


def gone(element):
    """A wait's condition: `element` left the page (the browser loaded the next one). While
    the old document is torn down, chromedriver may answer "Node with given id does not belong
    to the document" instead of a stale reference; that is gone too (Selenium's own
    `staleness_of` lets it through as an error)."""
    def left(_driver):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise
    return left


def by_id(i):
    return driver.find_element(By.ID, i)


def go(path):
    driver.get(URL + path)


def text_of(i):
    return by_id(i).text


def pane(label):
    """A link of the left navigation pane, by its label."""
    return driver.find_element(
        By.XPATH, f"//nav[@aria-label='Navigation pane']//a[normalize-space()='{label}']")


def button(label):
    """A button or a link drawn as one, by its label."""
    return driver.find_element(
        By.XPATH, f"//main//*[self::button or self::a][not(@aria-hidden='true')][normalize-space()='{label}']")


def section(title):
    """The panel whose heading is `title`."""
    return driver.find_element(
        By.XPATH, f"//section[.//h2[normalize-space(text())='{title}']]")


def labelled(label, within=None):
    """The field a <label> names, by the label's text."""
    root = within or driver
    lab = root.find_element(By.XPATH, f".//label[normalize-space()='{label}']")
    return by_id(lab.get_attribute("for"))


def screen(width, height, dark):
    """The viewport and theme the next page is drawn in (a phone is `mobile`)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})


def axe_violations():
    """axe-core's violations on the page (the message's sandboxed frame is the mail's, not
    the console's: not entered)."""
    driver.execute_script(AXE_SOURCE)
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {iframes: false, resultTypes: ["violations"]})
          .then(r => done(r.violations.map(v => v.id + ": " + v.nodes.slice(0, 3)
              .map(n => n.target.join(" ") + " " + n.failureSummary).join(" | "))))
          .catch(e => done(["axe failed: " + e]));
    """)


try:
    # The account: a standard pool with a set on it, and two more sets.
    sesm("config-set", "create", "moving")
    sesm("config-set", "create", "alpha")
    sesm("config-set", "create", "beta")
    sesm("pool", "create", "std1")
    sesm("config-set", "set-pool", "moving", "std1")
    sesm("identity", "create", "example.com")

    # 1. Create a managed pool through the guide's steps, by their labels.
    go("/")
    check("Dedicated IPs" in driver.title, f"GET / is the console: {driver.title}")
    pane("Dedicated IPs").click()
    driver.find_element(By.XPATH, "//nav[@aria-label='Dedicated IPs']//a[normalize-space()"
                                  "='Managed IP pools']").click()
    button("Create managed IP pool").click()
    wait.until(EC.presence_of_element_located((By.ID, "create-form")))
    overview = section("Overview")
    overview.find_element(By.XPATH, ".//fieldset[legend[normalize-space()='Scaling mode']]"
                                    "//label[normalize-space(strong)='Managed (auto managed)']"
                          ).click()
    check(driver.find_element(By.CSS_SELECTOR, "input[name=mode][value=MANAGED]").is_selected(),
          "Managed (auto managed) is chosen")
    name = labelled("Pool name", overview)
    name.send_keys("std1")
    # Checked as it is typed: std1 exists (as a standard pool).
    wait.until(lambda d: by_id("name-error").is_displayed())
    check("already exists" in text_of("name-error"), f"as-you-type: {text_of('name-error')}")
    name.clear()
    name.send_keys("console-pool")
    wait.until(lambda d: not by_id("name-error").is_displayed())
    box = driver.find_element(By.CSS_SELECTOR, "input[name=config_set][value=moving]")
    note = box.find_element(By.XPATH, "following-sibling::p[@class='note']")
    check(not note.is_displayed(), "the note is hidden until the set is chosen")
    box.click()
    check(note.is_displayed() and "already associated" in note.text, "the guide's note is shown")
    # "Add new tag" adds the row in place: the page is not loaded again (a marker set on the
    # window survives) and the new key has the focus.
    driver.execute_script("window.sesmMarker = 1")
    button("Add new tag").click()
    wait.until(EC.presence_of_element_located((By.NAME, "tag_key")))
    check(driver.switch_to.active_element.get_attribute("name") == "tag_key",
          "the new tag's key has the focus")
    button("Add new tag").click()
    wait.until(lambda d: len(d.find_elements(By.NAME, "tag_key")) == 2)
    check(driver.execute_script("return window.sesmMarker") == 1,
          "adding tag rows did not load the page again")
    check(driver.find_element(By.ID, "pool-name").get_attribute("value") == "console-pool",
          "the name survives adding a tag row")
    box = driver.find_element(By.CSS_SELECTOR, "input[name=config_set][value=moving]")
    check(box.is_selected(), "the chosen set survives adding a tag row")
    keys = driver.find_elements(By.NAME, "tag_key")
    values = driver.find_elements(By.NAME, "tag_value")
    keys[0].send_keys("team")
    values[0].send_keys("growth")
    keys[1].send_keys("env")
    values[1].send_keys("prod")
    os.makedirs(SHOTS, exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(os.path.join(SHOTS, "console-create-pool.png"))
    button("Create pool").click()
    wait.until(EC.title_contains("console-pool"))
    check("The pool was created." in driver.page_source, "the pool page says it was created")
    pool = sesm_json("pool", "get", "console-pool")
    check(pool["DedicatedIpPool"]["ScalingMode"] == "MANAGED", f"managed: {pool}")
    check(pool["ConfigurationSets"] == ["moving"], f"the set moved: {pool}")
    tags = {t["Key"]: t["Value"] for t in pool["Tags"]}
    check(tags == {"team": "growth", "env": "prod"}, f"tags: {tags}")
    cs = sesm_json("config-set", "get", "moving")
    check(cs["DeliveryOptions"]["SendingPoolName"] == "console-pool", f"config-set get: {cs}")
    check(sesm_json("pool", "get", "std1")["ConfigurationSets"] == [], "std1 lost the set")
    print("create pool ok", flush=True)

    # 2. A sixth managed pool, and a duplicate name: SES's message, nothing changed.
    for i in range(4):
        sesm("pool", "create", f"managed-{i}", "--managed")
    before = state_bytes()
    go("/console/create-pool")
    driver.find_element(By.CSS_SELECTOR, "input[name=mode][value=MANAGED]").click()
    by_id("pool-name").send_keys("sixth")
    # The as-you-type check shows the message first, moving the button down: a click while it
    # appears can land where the button was. Clicked once the page has settled.
    wait.until(lambda d: by_id("name-error").is_displayed())
    old = by_id("create-form")
    by_id("create").click()
    # The server's answer, not the as-you-type check of the page before it.
    wait.until(gone(old))
    wait.until(lambda d: by_id("name-error").is_displayed())
    check("You have reached the maximum of 5 managed dedicated IP pools in this region."
          in text_of("name-error"), f"sixth managed pool: {text_of('name-error')}")
    check(state_bytes() == before, "the state is byte-identical after the sixth pool")
    go("/console/create-pool")
    driver.find_element(By.CSS_SELECTOR, "input[name=mode][value=STANDARD]").click()
    by_id("pool-name").send_keys("std1")
    wait.until(lambda d: by_id("name-error").is_displayed())
    old = by_id("create-form")
    by_id("create").click()
    wait.until(gone(old))
    wait.until(lambda d: by_id("name-error").is_displayed()
               and "already exists" in by_id("name-error").text)
    check("The pool std1 already exists." in text_of("name-error"),
          f"duplicate name: {text_of('name-error')}")
    check(state_bytes() == before, "the state is byte-identical after the duplicate")
    print("refusals ok", flush=True)

    # 3. A set's Sending IP pool, changed on its page.
    # "edit the configuration set's Sending IP pool parameter in the General details panel"
    from selenium.webdriver.support.ui import Select
    pane("Configuration sets").click()
    wait.until(EC.element_to_be_clickable((By.LINK_TEXT, "alpha"))).click()
    general = wait.until(lambda d: section("General details"))
    Select(labelled("Sending IP pool", general)).select_by_visible_text("std1")
    button("Save").click()
    wait.until(lambda d: "was saved" in d.page_source)
    cs = sesm_json("config-set", "get", "alpha")
    check(cs["DeliveryOptions"]["SendingPoolName"] == "std1", f"set-pool seen by the CLI: {cs}")
    print("sending pool ok", flush=True)

    # 4. An HTML message with a script that would change the title, and an attachment.
    blob = bytes(range(256)) * 3
    sent = api("POST", "/v2/email/outbound-emails", {
        "FromEmailAddress": "news@example.com",
        "Destination": {"ToAddresses": ["jane@gmail.com"]},
        "ConfigurationSetName": "moving",
        "Content": {"Simple": {
            "Subject": {"Data": "Spring sale"},
            "Body": {
                "Text": {"Data": "Hello in text"},
                "Html": {"Data": "<p id='hello'>Hello from the message</p>"
                         "<script>document.title='pwned';top.document.title='pwned';</script>"
                         "<img src='http://127.0.0.1:9/beacon.png'>"},
            },
            "Attachments": [{"FileName": "report.bin", "ContentType": "application/pdf",
                             "RawContent": base64.b64encode(blob).decode()}],
        }},
    })
    mid = sent["MessageId"]
    go("/console/mail")
    link = wait.until(EC.element_to_be_clickable((By.LINK_TEXT, "Spring sale")))
    link.click()
    wait.until(EC.presence_of_element_located((By.ID, "html-body")))
    time.sleep(1)  # give a script, were it allowed, the time to run
    check(driver.title == "Spring sale · sesm console", f"title unchanged: {driver.title}")
    frame = by_id("html-body")
    check(frame.get_attribute("sandbox") == "", "the frame is sandboxed without scripts")
    driver.switch_to.frame(frame)
    check(driver.find_element(By.ID, "hello").text == "Hello from the message",
          "the message's HTML is shown")
    driver.switch_to.default_content()
    check(driver.title == "Spring sale · sesm console", f"title still unchanged: {driver.title}")
    check("Hello in text" in text_of("text-body"), "the text body is shown")
    driver.find_element(By.LINK_TEXT, "report.bin").click()
    target = os.path.join(downloads, "report.bin")
    deadline = time.time() + 20
    while time.time() < deadline and not (os.path.exists(target)
                                          and os.path.getsize(target) == len(blob)):
        time.sleep(0.2)
    check(os.path.exists(target), f"the attachment downloaded: {os.listdir(downloads)}")
    with open(target, "rb") as f:
        check(f.read() == blob, "the attachment is byte-identical")
    with urllib.request.urlopen(URL + f"/_sesm/outbox/{mid}/raw", timeout=20) as r:
        check(b"Subject: Spring sale" in r.read(), "the .eml link gives the message")
    print("message view ok", flush=True)

    # 5. Simulate 7 days from the console: the pool page shows them.
    sesm("traffic", "set", "moving", "gmail=40000", "yahoo=10000")
    go("/console/pools/console-pool")
    start = datetime.date.fromisoformat(text_of("clock"))
    days = by_id("simulate-days")
    days.clear()
    days.send_keys("7")
    by_id("simulate").click()
    wait.until(lambda d: "Simulated 7 days." in d.page_source)
    check("console-pool" in driver.title, "back on the pool page")
    end = start + datetime.timedelta(days=6)
    check(f"{start} to {end}" in driver.page_source, f"the window shows the 7 days {start}..{end}")
    check(text_of("clock") == str(start + datetime.timedelta(days=7)), "the clock moved 7 days")
    labels = driver.find_elements(By.CSS_SELECTOR, "figure[data-chart=volume] svg")
    check(len(labels) == 1, "the volume chart is drawn")
    metrics = sesm_json("pool", "get", "console-pool")
    check(len(metrics["DedicatedIps"]) >= 1, f"the managed pool has IPs after 7 days: {metrics}")
    print("simulate ok", flush=True)

    # 6. A form posted from another origin (another port of 127.0.0.1) is refused.
    before = state_bytes()
    page = f"""<!DOCTYPE html><html><body>
<form id="f" method="post" action="{URL}/console/create-pool">
<input name="mode" value="MANAGED"><input name="name" value="evil">
<input name="create" value="1"><input name="region" value="us-east-1">
<input name="csrf" value="0123456789abcdef0123456789abcdef">
</form><script>document.getElementById('f').submit()</script></body></html>"""

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    # Threads: Chromium preconnects sockets it never uses, which would block a serial server.
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    evil.daemon_threads = True
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    driver.get(f"http://127.0.0.1:{evil.server_address[1]}/")
    wait.until(lambda d: d.current_url.startswith(URL))
    check("refuses requests from the web origin" in driver.page_source,
          f"the cross-origin post is refused: {driver.page_source[:400]}")
    check(state_bytes() == before, "the state is byte-identical after the cross-origin post")
    out = subprocess.run([SESM, "pool", "get", "evil"], env=ENV, capture_output=True)
    check(out.returncode != 0, "no pool was created by the cross-origin post")
    evil.shutdown()
    print("cross-origin ok", flush=True)

    # 7. Every page, wide and on a phone, light and dark: axe-core clean, no sideways scroll.
    pages = ["/console", "/console?tab=standard", "/console/create-pool",
             "/console/create-pool?mode=STANDARD", "/console/pools/console-pool",
             "/console/pools/std1", "/console/pools/managed-0", "/console/config-sets",
             "/console/config-sets/moving", "/console/mail", f"/console/mail/{mid}",
             "/console/events", f"/console/events?message={mid}", "/console/compare",
             "/console/compare?run=1&days=30", "/console/no-such-page"]
    problems = []
    for width, height in [(1440, 900), (390, 844)]:
        for dark in [False, True]:
            screen(width, height, dark)
            for path in pages:
                go(path)
                where = f"{path} at {width}px {'dark' if dark else 'light'}"
                problems += [f"{where}: {v}" for v in axe_violations()]
                if width == 390:
                    wide = driver.execute_script(
                        "return document.documentElement.scrollWidth")
                    if wide > 390:
                        problems.append(f"{where}: scrollWidth {wide}")
    check(not problems, "axe-core and the phone width:\n" + "\n".join(problems))
    print(f"axe-core and 390 px ok ({len(pages)} pages, 4 views each)", flush=True)
    screen(390, 844, False)
    go("/console/pools/console-pool")
    driver.save_screenshot(os.path.join(SHOTS, "console-phone.png"))
    screen(1280, 860, False)
    go("/console/pools/console-pool")
    driver.save_screenshot(os.path.join(SHOTS, "console-pool.png"))
except TimeoutException as e:
    import traceback
    where = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == __file__][-1]
    print(f"FAILED: timed out waiting (console.py line {where.lineno}: {where.line}): {e}\n"
          f"{driver.current_url}\n{driver.page_source[:2000]}")
    sys.exit(1)
finally:
    driver.quit()

print(f"all ok ({count()} checks)")
