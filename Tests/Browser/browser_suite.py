"""Mitreden in a real browser: headless Chromium driven by Selenium through the whole flow,
with axe-core 4.x (WCAG 2.1 A and AA rules) on every page, reflow at 320 and 360 px (WCAG
1.4.10), keyboard checks, phone-sized screenshots, and the same flow with JavaScript switched
off. Besides the example surveys of surveys/ it loads its own from Tests/Browser/fixtures/
(lange-texte.yml: deliberately long texts in every question type).

    python3 Tests/Browser/browser_suite.py MITREDEN_BINARY

The daemon runs on its real socket with a real SMTP server (aiosmtpd, Tests/Support/smtp_server.py);
links come out of the received mail. Screenshots go to artifacts/browser/. Exit 1 on any failure.
"""
import base64, json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Support"))
from ports import free_port  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pages_flow  # noqa: E402
BINARY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/mitreden"))
ARTIFACTS = os.path.join(ROOT, "artifacts", "browser")
TOKEN = "browser-suite-admin-token-0123456789"
AXE = None
failures, passed, axe_results, screenshots = [], [0], [], []


def check(condition, what):
    if condition:
        passed[0] += 1
    else:
        failures.append(what)
        print("FAIL:", what, flush=True)


def axe_source():
    global AXE
    if AXE is None:
        import axe_playwright_python
        with open(os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js"), encoding="utf-8") as f:
            AXE = f.read()
    return AXE


def axe(driver, page):
    """axe-core with the WCAG 2.0/2.1 A and AA rules; records and checks zero violations."""
    driver.execute_script(axe_source())
    version = driver.execute_script("return axe.version")
    violations = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
           .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))
           .catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));
    """)
    axe_results.append((page, version, violations))
    for v in violations:
        print(f"  axe {page}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:3]}", flush=True)
    check(not violations, f"axe: no WCAG 2.1 A/AA violations on {page}")


def errors_on(driver):
    """The error summary's items, if the page shows one."""
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#errors li")] or driver.title


def gone(element):
    """Whether the page that held `element` has been replaced. While the next page is being
    swapped in, Chromium may answer "Node with given id does not belong to the document"
    instead of a stale-element error: that also means the old page is gone."""
    def check(_driver):
        try:
            return expected_conditions.staleness_of(element)(_driver)
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return check


def submit(driver):
    """Clicks the page's submit button and waits for the next page to load."""
    button = driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
    button.click()
    WebDriverWait(driver, 15).until(gone(button))
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def browser(javascript=True, width=1280, height=800):
    options = Options()
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--disable-gpu")
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument("--lang=de-DE")
    options.add_argument("--allow-file-access-from-files")
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(60)
    return driver


def size(driver, width, height):
    """The viewport (not the window) at width × height CSS pixels."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def screenshot(driver, name, width, height):
    size(driver, width, height)
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.2)
    path = os.path.join(ARTIFACTS, f"{name}-{width}x{height}.png")
    driver.save_screenshot(path)
    screenshots.append(os.path.relpath(path, ROOT))
    return path


def no_horizontal_scroll(driver, page, width):
    size(driver, width, 740)
    time.sleep(0.2)
    scroll, client = driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    check(scroll <= client, f"{page}: no horizontal scrolling at {width} px (scrollWidth {scroll}, clientWidth {client})")


OVERFLOW = """
    // What sticks out past the right (or left) edge of a viewport `limit` px wide: element boxes
    // and lines of text. Exempt is what a box that scrolls sideways on its own scrolls, if that
    // box is labelled for keyboard and screen-reader users (role=region, aria-label(ledby),
    // tabindex=0) as the report's tables are, and what an overflow:hidden box clips (that box
    // itself is checked). An absolutely positioned box escapes every scroller up to its
    // containing block, so it is followed there. Inside an SVG only the SVG's own box counts.
    const limit = arguments[0], root = document.documentElement, out = [];
    const skip = new Set(['SCRIPT', 'STYLE', 'OPTION', 'OPTGROUP', 'TEXTAREA', 'TITLE', 'HEAD']);
    const labelled = p => p.getAttribute('role') === 'region' && p.tabIndex === 0
      && (p.hasAttribute('aria-label') || p.hasAttribute('aria-labelledby'));
    // Whether the box that clips `box` (if any) keeps it from widening the page.
    function held(box) {
      const x = getComputedStyle(box).overflowX;
      return x === 'hidden' || x === 'clip' || ((x === 'auto' || x === 'scroll') && labelled(box));
    }
    function contained(el) {
      for (let node = el; ;) {
        const position = getComputedStyle(node).position;
        if (position === 'fixed') return false;
        let parent = node.parentElement;
        if (position === 'absolute')
          while (parent && parent !== root && getComputedStyle(parent).position === 'static') parent = parent.parentElement;
        if (!parent || parent === root || parent === document.body) return false;
        if (getComputedStyle(parent).overflowX !== 'visible') return held(parent);
        node = parent;
      }
    }
    function name(el) {
      return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    }
    function outside(r) { return r.width > 0 && r.height > 0 && (r.right > limit + 1 || r.left < -1); }
    for (const el of document.body.querySelectorAll('*')) {
      if (skip.has(el.tagName) || el.ownerSVGElement || el.closest('select, textarea') || contained(el)) continue;
      const r = el.getBoundingClientRect();
      if (outside(r)) out.push(`${name(el)} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const el = t.parentElement;
      if (!t.data.trim() || skip.has(el.tagName) || el.ownerSVGElement || el.closest('select, textarea')) continue;
      if (getComputedStyle(el).overflowX !== 'visible' ? held(el) : contained(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(t);
      for (const r of range.getClientRects()) {
        if (outside(r)) { out.push(`text in ${name(el)} "${t.data.trim().slice(0, 30)}" ${Math.round(r.left)}..${Math.round(r.right)}`); break; }
      }
    }
    return [root.scrollWidth, window.innerWidth, out];
"""


def reflow(driver, page, widths=(320, 360)):
    """WCAG 1.4.10 Reflow: at 320 and 360 CSS px nothing scrolls sideways (the document is no
    wider than the window) and nothing sticks out of it but what a labelled region scrolls.
    innerWidth is compared with the width asked for too: a phone (and Chromium's mobile
    emulation) zooms out to show a page wider than the screen, and innerWidth then grows with it
    (1066 = scrollWidth for the long-text form before the fix), so scrollWidth <= innerWidth alone
    would pass."""
    for width in widths:
        size(driver, width, 740)
        time.sleep(0.2)
        scroll, inner, outside = driver.execute_script(OVERFLOW, width)
        check(scroll <= inner <= width and not outside,
              f"{page}: reflows at {width} px (scrollWidth {scroll}, innerWidth {inner}; {len(outside)} boxes stick out: {outside[:4]})")
    size(driver, 1280, 800)


def full_screenshot(driver, name, width):
    """The whole page (not only the viewport) at `width` CSS px, to look at long pages."""
    size(driver, width, 740 if width < 600 else 800)
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.2)
    w, h = driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                             "clip": {"x": 0, "y": 0, "width": max(w, width), "height": h, "scale": 1}})
    path = os.path.join(ARTIFACTS, f"{name}-{width}-full.png")
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    screenshots.append(os.path.relpath(path, ROOT))
    size(driver, 1280, 800)
    return path


def printed(driver, page, name):
    """The page as printed on A4: in print media at A4's width nothing is cut off by a box that
    would scroll on screen (paper cannot scroll), and Chromium's PDF of it, read back by
    pdftotext, is returned (the PDF is kept in the artifacts)."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    size(driver, 720, 1000)   # 210 mm less Chromium's default margins of about 1 cm, at 96 px per inch
    time.sleep(0.2)
    cut = driver.execute_script("""
        return [...document.body.querySelectorAll('*')]
          .filter(e => e.clientWidth > 1)   // text for screen readers only, clipped to 1 px on purpose
          .filter(e => e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX))
          .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + e.scrollWidth + '>' + e.clientWidth)""")
    check(not cut, f"{page}, printed: nothing cut off at A4 width ({cut[:4]})")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    size(driver, 1280, 800)
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})["data"])
    path = os.path.join(ARTIFACTS, f"{name}.pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    screenshots.append(os.path.relpath(path, ROOT))
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


ACCESS_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def access_code(body):
    """`body` (eleven characters of the code alphabet) with its check character, Luhn mod 32 as
    Sources/Store/AccessCode.swift computes it, written XXXX-XXXX-XXXX."""
    factor, total = 2, 0
    for ch in reversed(body):
        addend = factor * ACCESS_ALPHABET.index(ch)
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    code = body + ACCESS_ALPHABET[(32 - total % 32) % 32]
    return f"{code[0:4]}-{code[4:8]}-{code[8:12]}"


def touch_targets(driver, page):
    """Every control, or the option row its label fills, is at least 44 px tall."""
    small = driver.execute_script("""
        const out = [];
        for (const el of document.querySelectorAll('input, select, textarea, button, a[href]')) {
          if (el.type === 'hidden' || !el.offsetParent) continue;
          let box = el.getBoundingClientRect();
          if (el.type === 'radio' || el.type === 'checkbox') box = el.closest('.option').getBoundingClientRect();
          if (el.tagName === 'A' && el.closest('p, li')) continue;   // links in running text: WCAG 2.5.5 exempts inline links
          if (box.height < 44) out.push((el.id || el.name || el.textContent.trim()).slice(0, 40) + ' ' + Math.round(box.height));
        }
        return out;""")
    check(not small, f"{page}: touch targets at least 44 px tall ({small[:5]})")


def readable_at_200(driver, page):
    """200 % zoom of a 1280-px window is a 640-px viewport: text stays at least 16 px and nothing scrolls sideways."""
    size(driver, 640, 400)
    time.sleep(0.2)
    font, scroll, client = driver.execute_script(
        "return [parseFloat(getComputedStyle(document.body).fontSize), document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    check(font >= 16 and scroll <= client, f"{page}: readable at 200 % zoom (font {font}px, scrollWidth {scroll} ≤ {client})")
    size(driver, 1280, 800)


def tab_order(driver, page):
    """Tab from the top reaches every visible control once, in document order, each with a visible focus outline."""
    expected = driver.execute_script("""
        return [...document.querySelectorAll('a[href], input, select, textarea, button, [tabindex="0"]')]
          .filter(el => el.offsetParent && !el.disabled && el.tabIndex >= 0)
          .filter((el, i, all) => !(el.type === 'radio' && all.slice(0, i).some(o => o.type === 'radio' && o.name === el.name)))
          .map(el => el.id || el.name || el.textContent.trim());""")
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    body = driver.find_element(By.TAG_NAME, "body")
    seen, unstyled = [], []
    body.send_keys(Keys.TAB) if False else driver.switch_to.active_element.send_keys(Keys.TAB)
    for _ in range(len(expected) + 5):
        el = driver.switch_to.active_element
        ident = driver.execute_script("const el = arguments[0]; return el.id || el.name || el.textContent.trim()", el)
        if ident in seen:
            break
        seen.append(ident)
        outline = driver.execute_script("const s = getComputedStyle(arguments[0]); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2", el)
        if not outline:
            unstyled.append(ident)
        el.send_keys(Keys.TAB)
        if len(seen) >= len(expected):
            break
    # Radios: Tab enters a group at its checked (or first) radio, so compare group names.
    def norm(xs):
        return [re.sub(r"-[^-]*$", "", x) if x.count("-") and not x.startswith("q-") else x for x in xs]
    check(norm(seen[:len(expected)]) == norm(expected), f"{page}: Tab order follows the page ({seen[:8]}… vs {expected[:8]}…)")
    check(not unstyled, f"{page}: visible focus outline on every control ({unstyled[:5]})")


def console(d, base, run, work, record):
    """The organizers' console, as an organizer goes through it: signed in through its form (a
    wrong token first), the survey list, a survey page with its report, breakdown and comparison,
    the form preview answered with an error and then correctly, the invitation as it will go
    out, a test mail received by the SMTP server and its link opened, letters, and invitations
    started through the confirmation page and received. Every page audited by axe and checked
    for reflow at 320 and 360 px and for horizontal scrolling at 360 px."""
    def audit(page, shot=None):
        axe(d, page)
        reflow(d, page)
        no_horizontal_scroll(d, page, 360)
        size(d, 1280, 800)
        if shot:
            screenshot(d, shot, 360, 740)
            size(d, 1280, 800)

    def received(address, count=1):
        for _ in range(150):
            mails = [json.loads(line) for line in open(record, encoding="utf-8")] if os.path.exists(record) else []
            found = [m for m in mails if address in m["rcpt"]]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        return []

    # Two people without email, so the letters page has something to print.
    run("codes", "jugendcheck-2027", "--count", "2", "--set", "kommune=Herzberg", "--set", "altersgruppe=12-14")
    d.get(base + "/admin")
    check("/admin/login" in d.current_url, f"console: without a session, the sign-in page ({d.current_url})")
    audit("console sign-in", "console-sign-in")
    d.find_element(By.ID, "token").send_keys("not-the-token")
    submit(d)
    check("not the admin token" in d.page_source, "console: a wrong token is refused with a message that says what to do")
    audit("console sign-in with an error")
    d.find_element(By.ID, "token").send_keys(TOKEN)
    submit(d)
    check(d.current_url.rstrip("/").endswith("/admin"), f"console: signed in, the survey list ({d.current_url}: {d.find_element(By.TAG_NAME, 'body').text[:300]})")
    check("jugendcheck-2027" in d.page_source and "Sign out" in d.page_source, "console: the survey list shows the surveys")
    audit("console survey list", "console-surveys")
    for path, page, shot in [("/admin/surveys/jugendcheck-2027", "console survey page", "console-survey"),
                             ("/admin/surveys/jugendcheck-2027?by=kommune", "console survey page by kommune", None),
                             ("/admin/surveys/jugendcheck-2027?compare=lange-texte", "console survey page compared with another wave", None),
                             ("/admin/surveys/familienfreundlichkeit-herzberg", "console survey page of an open survey", None),
                             ("/admin/surveys/jugendcheck-2027/letters", "console letters confirmation", "console-letters"),
                             ("/admin/surveys/jugendcheck-2027/mail/invitation", "console invitation preview", "console-mail"),
                             ("/admin/surveys/jugendcheck-2027/mail/reminder?lang=en", "console reminder preview (en)", None)]:
        d.get(base + path)
        check("/admin/login" not in d.current_url and "Sign out" in d.page_source, f"{page}: shown to the signed-in organizer ({d.current_url})")
        audit(page, shot)
        if page == "console letters confirmation":
            check("<strong>2 letters</strong> not printed before" in d.page_source, "console: the letters page says how many will be printed")
    d.get(base + "/admin/surveys/jugendcheck-2027")
    Select(d.find_element(By.ID, "compare")).select_by_value("lange-texte")
    d.find_element(By.CSS_SELECTOR, "form[method=get] button[type=submit]").click()
    WebDriverWait(d, 15).until(lambda driver: "compare=lange-texte" in driver.current_url)
    check("Change since lange-texte" in d.page_source, "console: the comparison picked in the form is shown")
    full_screenshot(d, "console-compare", 360)

    # The preview: answered with an error, then correctly; nothing stored.
    d.get(base + "/admin/surveys/bildungskonferenz-2027/preview")
    check("Preview" in d.page_source, "console form preview shown, marked as a preview")
    audit("console form preview", "console-preview")
    submit(d)
    check(d.find_element(By.ID, "errors").is_displayed() and "/preview" in d.current_url, f"console preview: a missing answer shows the error summary ({errors_on(d)})")
    audit("console form preview with an error", "console-preview-error")
    d.execute_script("arguments[0].click()", d.find_element(By.ID, "gesamt-5"))
    submit(d)
    check("Vielen Dank" in d.page_source, f"console preview: answered correctly, the thank-you page ({d.title})")
    audit("console form preview thank-you page")

    # A test mail to the organizer, received by the SMTP server; its link opens the preview.
    d.get(base + "/admin/surveys/jugendcheck-2027")
    d.find_element(By.ID, "email").send_keys("organisatorin@lkee.example")
    d.find_element(By.CSS_SELECTOR, "form[action$='/test-mail'] button[type=submit]").click()
    WebDriverWait(d, 15).until(lambda driver: "/test-mail" in driver.current_url)
    check("Test mail sent" in d.page_source, f"console: test mail sent ({d.find_element(By.TAG_NAME, 'body').text[:200]})")
    audit("console test mail sent")
    mails = received("organisatorin@lkee.example")
    check(len(mails) == 1, f"console: the test mail reached the SMTP server ({len(mails)})")
    link = re.search(re.escape(base) + r"/admin/surveys/jugendcheck-2027/preview\S*", mails[0]["text"]).group(0) if mails else base
    check("/t/" in link and "/preview" in link, f"console: the test mail's link is a preview link ({link})")
    d.get(link)
    check("Preview" in d.page_source and d.find_element(By.TAG_NAME, "h1").text.startswith("Jugendcheck"), f"console: the test mail's link opens the preview ({d.current_url})")

    # Invitations through the confirmation page, received by the SMTP server.
    with open(os.path.join(work, "konferenz.csv"), "w", encoding="utf-8") as f:
        f.write("email;name;bereich\nanna@kita.example;Anna Berg;Kita\nbernd@schule.example;Bernd Ost;Schule\n")
    run("participants", "import", "bildungskonferenz-2027", "konferenz.csv")
    d.get(base + "/admin/surveys/bildungskonferenz-2027")
    d.find_element(By.LINK_TEXT, "Start the invitations…").click()
    WebDriverWait(d, 15).until(lambda driver: driver.current_url.endswith("/invite"))
    check("2 invitations" in d.page_source, f"console: the confirmation page says how many ({d.find_element(By.TAG_NAME, 'body').text[:200]})")
    audit("console invitation confirmation", "console-confirm")
    time.sleep(1)
    so_far = [json.loads(line) for line in open(record, encoding="utf-8")] if os.path.exists(record) else []
    check(not any("anna@kita.example" in m["rcpt"] for m in so_far), "console: nothing is queued before the confirmation")
    button = d.find_element(By.CSS_SELECTOR, "form[action$='/invite'] button[type=submit]")
    button.click()
    WebDriverWait(d, 15).until(gone(button))
    check("Queued 2 invitations" in d.page_source, f"console: invitations queued ({d.find_element(By.TAG_NAME, 'body').text[:200]})")
    audit("console invitations queued")
    for address in ("anna@kita.example", "bernd@schule.example"):
        got = received(address)
        check(len(got) == 1 and re.search(re.escape(base) + r"/t/[A-Za-z0-9_-]+", got[0]["text"] if got else ""), f"console: the invitation to {address} was received with its link")
    d.get(base + "/admin")
    d.find_element(By.CSS_SELECTOR, "form[action='/admin/logout'] button[type=submit]").click()
    WebDriverWait(d, 15).until(lambda driver: "/admin/login" in driver.current_url)
    d.get(base + "/admin")
    check("/admin/login" in d.current_url, "console: signed out, the console asks to sign in again")


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    for f in os.listdir(ARTIFACTS):
        os.remove(os.path.join(ARTIFACTS, f))
    started = time.time()
    work = tempfile.mkdtemp(prefix="mitreden-browser-")
    for folder in ("surveys", "templates"):
        shutil.copytree(os.path.join(ROOT, folder), os.path.join(work, folder))
    # The examples carry real dates: one that closes within 60 days (or has closed) is kept open
    # here, so that the suite does not change with the calendar (the 2025 wave stays closed).
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 60 * 86400))
    for name in os.listdir(os.path.join(work, "surveys")):
        path = os.path.join(work, "surveys", name)
        text = open(path, encoding="utf-8").read()
        closes = re.search(r"^closes: (\S{10})", text, re.M)
        if "2025" not in name and closes and closes.group(1) < soon:
            open(path, "w", encoding="utf-8").write(re.sub(r"^closes: .*$", "closes: 2099-12-31", text, flags=re.M))
    # The suite's own surveys (not examples for users): lange-texte.yml, long texts everywhere.
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
    for name in sorted(os.listdir(fixtures)):
        if name.endswith(".yml"):
            shutil.copy(os.path.join(fixtures, name), os.path.join(work, "surveys", name))
    # A closed copy of the conference survey, for the closed page.
    conf = open(os.path.join(work, "surveys", "bildungskonferenz-2027.yml"), encoding="utf-8").read()
    conf = (conf.replace("id: bildungskonferenz-2027", "id: konferenz-geschlossen").replace("access: invite", "access: open")
                .replace("attributes: [bereich]\n", "").replace("reminders:\n  after: 5d\n  max: 1\n", ""))
    conf = re.sub(r"^closes: .*$", "closes: 2025-02-01", re.sub(r"^opens: .*$", "opens: 2025-01-01", conf, flags=re.M), flags=re.M)
    open(os.path.join(work, "surveys", "konferenz-geschlossen.yml"), "w", encoding="utf-8").write(conf)

    record = os.path.join(work, "mail.jsonl")
    smtp = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Support/smtp_server.py"), "--record", record], stdout=subprocess.PIPE, text=True)
    smtp_port = int(smtp.stdout.readline().split()[1])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, MITREDEN_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}", MITREDEN_SMTP_TLS="none",
               MITREDEN_SMTP_FROM="Bildungsbüro Elbe-Elster <bildung@lkee.example>", MITREDEN_ADMIN_TOKEN=TOKEN)
    run = lambda *args: subprocess.run([BINARY, *args], cwd=work, env=env, check=True, capture_output=True, text=True)
    with open(os.path.join(work, "liste.csv"), "w", encoding="utf-8") as f:
        f.write("email;name;language;kommune;altersgruppe\n")
        f.write("lena@schule.example;Lena Krüger;de;Herzberg;15-17\nmax@schule.example;Max Neumann;de;Herzberg;15-17\n")
        f.write("ida@schule.example;Ida Schmidt;de;Finsterwalde;12-14\n")
    run("participants", "import", "jugendcheck-2027", "liste.csv")
    serve = subprocess.Popen([BINARY, "serve", "--listen", f"127.0.0.1:{port}", "--base-url", base], cwd=work, env=env,
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "serve.log"), "w"))
    drivers = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        run("invite", "jugendcheck-2027")
        mails = []
        for _ in range(150):
            mails = [json.loads(l) for l in open(record, encoding="utf-8")] if os.path.exists(record) else []
            if len(mails) >= 3:
                break
            time.sleep(0.1)
        check(len(mails) == 3, f"three invitations received by the SMTP server ({len(mails)})")
        links = {m["rcpt"][0]: re.search(re.escape(base) + r"/t/[A-Za-z0-9_-]+", m["text"]).group(0) for m in mails}
        unsubscribe = {m["rcpt"][0]: re.search(re.escape(base) + r"/u/[A-Za-z0-9_-]+", m["text"]).group(0) for m in mails}

        # --- With JavaScript: the personal link, every question type, show_if, an error fixed.
        d = browser()
        drivers.append(d)
        # The harness itself: axe must find the faults of a page made faulty on purpose.
        d.get("data:text/html,<html><body><img src='x.png'><input type='text'></body></html>")
        d.execute_script(axe_source())
        found = d.execute_async_script("const done = arguments[arguments.length - 1]; axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a']}}).then(r => done(r.violations.map(v => v.id)))")
        check({"image-alt", "label"} <= set(found), f"axe finds a missing alt text and a missing label ({found})")
        d.get(links["lena@schule.example"])
        check(d.find_element(By.TAG_NAME, "h1").text.startswith("Jugendcheck"), "the invitation's link opens the survey")
        axe(d, "form")
        reflow(d, "form")
        touch_targets(d, "form")
        tab_order(d, "form")
        no_horizontal_scroll(d, "form", 360)
        readable_at_200(d, "form")
        screenshot(d, "form", 360, 740)
        screenshot(d, "form", 1280, 800)
        size(d, 1280, 800)
        stunden, vermisst = d.find_element(By.ID, "q-stunden"), d.find_element(By.ID, "q-vermisst")
        check(not stunden.is_displayed() and not vermisst.is_displayed(), "show_if questions hidden before their condition holds")
        click = lambda element_id: d.execute_script("arguments[0].click()", d.find_element(By.ID, element_id))
        click("alter-15-17")
        click("themen-oepnv")
        click("themen-other")
        d.find_element(By.ID, "themen-other-text").send_keys("Radweg nach Herzberg")
        click("zufriedenheit-4")
        click("aussagen_mitreden-4")
        click("aussagen_gehoert-2")
        click("engagiert-yes")
        check(stunden.is_displayed(), "show_if: 'stunden' appears when 'engagiert' is yes")
        check(not vermisst.is_displayed(), "show_if: 'vermisst' stays hidden (satisfaction 4)")
        d.find_element(By.ID, "stunden").send_keys("99")
        d.find_element(By.ID, "wunsch").send_keys("Einen Jugendclub, der auch am Wochenende offen hat.")
        for place, code in enumerate(["skatepark", "wlan", "jugendtreff"], 1):
            Select(d.find_element(By.ID, f"vorschlaege-{place}")).select_by_value(code)
        submit(d)
        check(d.find_element(By.ID, "errors").is_displayed(), "an answer out of range shows the error summary")
        check(d.switch_to.active_element.get_attribute("id") == "errors", "the error summary has the focus after a failed submit")
        check(d.find_element(By.ID, "stunden").get_attribute("value") == "99", "what was typed is kept")
        axe(d, "form with errors")
        reflow(d, "form with errors")
        screenshot(d, "form-errors", 360, 740)
        size(d, 1280, 800)
        field = d.find_element(By.ID, "stunden")
        field.clear()
        field.send_keys("5")
        submit(d)
        check("/thanks/" in d.current_url and "Vielen Dank" in d.page_source, f"sent: the thank-you page ({d.current_url}, {d.title})")
        axe(d, "thank-you page")
        reflow(d, "thank-you page")
        d.get(links["lena@schule.example"])
        check("Schon beantwortet" in d.page_source, "the same link again says it was answered")
        axe(d, "already-answered page")
        reflow(d, "already-answered page")

        def results():
            request = urllib.request.Request(base + "/api/surveys/jugendcheck-2027/results", headers={"Authorization": "Bearer " + TOKEN})
            return json.load(urllib.request.urlopen(request, timeout=10))

        doc = results()
        q = {x["id"]: x for x in doc["questions"]}
        check(doc["responses"] == 1, f"the results API counts exactly that response ({doc['responses']})")
        check(next(o["count"] for o in q["alter"]["options"] if o["code"] == "15-17") == 1 and q["stunden"]["sum"] == 5
              and q["vermisst"]["not_shown"] == 1 and q["themen"]["other"] == ["Radweg nach Herzberg"]
              and q["vorschlaege"]["options"][1]["first"] == 1, "the API's tallies are that response's answers")

        # --- Without JavaScript: the same flow.
        n = browser(javascript=False)
        drivers.append(n)
        n.get(links["max@schule.example"])
        check(n.find_element(By.ID, "q-stunden").is_displayed() and "Nur beantworten, wenn" in n.find_element(By.ID, "when-stunden").text,
              "without JavaScript a show_if question shows and says when to answer it")
        nclick = lambda element_id: n.find_element(By.CSS_SELECTOR, f"label[for='{element_id}']").click()
        for element_id in ["alter-18-21", "themen-schule", "zufriedenheit-2", "aussagen_mitreden-3", "engagiert-no"]:
            nclick(element_id)
        n.find_element(By.ID, "vermisst").send_keys("Ein Kino")
        n.find_element(By.ID, "stunden").send_keys("7")   # hidden by its condition: the server drops it
        submit(n)
        check("/thanks/" in n.current_url, f"without JavaScript: sent, thank-you page ({n.current_url}: {errors_on(n)})")
        doc = results()
        q = {x["id"]: x for x in doc["questions"]}
        check(doc["responses"] == 2 and q["stunden"]["answered"] == 1 and q["vermisst"]["answers"] == ["Ein Kino"],
              "without JavaScript: counted, the hidden answer dropped")

        # --- The open survey, the closed one, unsubscribe.
        d.get(base + "/s/familienfreundlichkeit-herzberg")
        axe(d, "open survey form")
        reflow(d, "open survey form")
        d.execute_script("arguments[0].click()", d.find_element(By.CSS_SELECTOR, "input[name=wohnort]"))
        submit(d)
        check("/thanks/" in d.current_url, f"open survey: sent, thank-you page ({d.current_url}: {errors_on(d)})")
        d.get(base + "/s/konferenz-geschlossen")
        check("geschlossen" in d.page_source.lower() or "beendet" in d.page_source.lower() or "closed" in d.page_source.lower(), f"a closed survey says so ({d.title})")
        axe(d, "closed-survey page")
        reflow(d, "closed-survey page")
        d.get(unsubscribe["ida@schule.example"])
        axe(d, "unsubscribe page")
        reflow(d, "unsubscribe page")
        touch_targets(d, "unsubscribe page")
        submit(d)
        axe(d, "unsubscribed page")
        reflow(d, "unsubscribed page")
        n.get(unsubscribe["max@schule.example"])
        submit(n)
        check("abgemeldet" in n.page_source.lower() or "unsubscribed" in n.page_source.lower(), f"without JavaScript: unsubscribed ({n.title})")

        # --- The HTML report, opened from a file.
        report = os.path.join(work, "bericht.html")
        run("results", "jugendcheck-2027", "--by", "kommune", "--format", "html", "--output", report)
        d.get("file://" + report)
        axe(d, "results report (HTML file)")
        reflow(d, "report")
        no_horizontal_scroll(d, "report", 360)
        readable_at_200(d, "report")
        screenshot(d, "report", 360, 740)
        screenshot(d, "report", 1280, 800)

        # --- The front door and the access-code form with its error pages.
        d.get(base + "/")
        check("lange-texte" in d.page_source and "familienfreundlichkeit-herzberg" in d.page_source, f"the front page lists the open surveys ({d.title})")
        axe(d, "front page")
        reflow(d, "front page")
        touch_targets(d, "front page")
        screenshot(d, "front", 320, 740)
        screenshot(d, "front", 1280, 800)
        unknown = access_code("ZZZZZZZZZZZ")
        typo = unknown[:-1] + ("2" if unknown[-1] != "2" else "3")
        for typed, status in [(typo, 422), (unknown, 404)]:
            try:
                answer = urllib.request.urlopen(urllib.request.Request(base + "/c", data=f"code={typed}".encode(),
                                                                       headers={"Content-Type": "application/x-www-form-urlencoded"}), timeout=10).status
            except urllib.error.HTTPError as error:
                answer = error.code
            check(answer == status, f"POST /c with {typed}: {status} ({answer})")
        d.get(base + "/c")
        axe(d, "access code form")
        reflow(d, "access code form")
        touch_targets(d, "access code form")
        screenshot(d, "code", 320, 740)
        screenshot(d, "code", 1280, 800)
        for typed, page in [(typo, "access code with a typo (422)"), (unknown, "unknown access code (404)")]:
            field = d.find_element(By.ID, "code")
            field.clear()
            field.send_keys(typed)
            submit(d)
            check(d.find_element(By.ID, "code-error").is_displayed() and d.find_element(By.ID, "code").get_attribute("aria-invalid") == "true",
                  f"{page}: the error is shown beside the field")
            axe(d, page)
            reflow(d, page)
        screenshot(d, "code-unknown", 320, 740)

        # --- Long texts everywhere (Tests/Browser/fixtures/lange-texte.yml): sentences as options,
        # a 40-character compound word, URLs in help texts. Nothing may scroll sideways at 320 px.
        d.get(base + "/s/lange-texte")
        axe(d, "long-text form")
        reflow(d, "long-text form")
        touch_targets(d, "long-text form")
        for width in (320, 360, 1280):
            full_screenshot(d, "long-form", width)
        d.find_element(By.ID, "stunden").send_keys("999")
        submit(d)
        check(len(d.find_elements(By.CSS_SELECTOR, "#errors li")) == 2, f"long-text form: a missing answer and a number out of range are two errors ({errors_on(d)})")
        axe(d, "long-text form with errors")
        reflow(d, "long-text form with errors")
        for width in (320, 360, 1280):
            full_screenshot(d, "long-form-errors", width)
        click("traeger-frei")
        click("massnahmen-personal")
        click("massnahmen-other")
        d.find_element(By.ID, "massnahmen-other-text").send_keys("https://www.example.de/ein/sehr/langer/pfad/ohne-leerzeichen-bis-zum-ende-der-zeile.html")
        click("zufriedenheit-2")
        click("aussagen_abholen-4")
        click("aussagen_ferien-2")
        click("beteiligt-no")
        field = d.find_element(By.ID, "stunden")
        field.clear()
        field.send_keys("12")
        d.find_element(By.ID, "wunsch").send_keys("Der Jugendhilfeplanungsausschussvorsitzender soll die Ganztagsbetreuungsfinanzierungsvereinbarung vorstellen.")
        for place, code in enumerate(["personal", "beitraege", "raeume"], 1):
            Select(d.find_element(By.ID, f"reihenfolge-{place}")).select_by_value(code)
        submit(d)
        check("/thanks/" in d.current_url, f"long-text form: sent, thank-you page ({d.current_url}: {errors_on(d)})")
        reflow(d, "long-text thank-you page")
        d.get(base + "/r/lange-texte")
        check("Jugendhilfeplanungsausschussvorsitzendenberatung" in d.page_source, f"published results of the long-text survey shown, with the note ({d.title})")
        axe(d, "published results (long texts)")
        reflow(d, "published results (long texts)")
        full_screenshot(d, "published-results", 320)
        text = " ".join(printed(d, "published results (long texts)", "published-results-a4").split())
        check("Jugendhilfeplanungsausschussvorsitzendenberatung" in text.replace("-", "").replace(" ", "")
              and "Ganztagsbetreuungsfinanzierungsvereinbarung" in text.replace(" ", "") and re.search(r"\d+ ?%", text),
              f"published results printed: title, note and percents in the PDF's text ({text[:200]})")
        n.get(base + "/s/lange-texte")
        reflow(n, "long-text form without JavaScript")
        report = os.path.join(work, "lange-texte.html")
        run("results", "lange-texte", "--format", "html", "--output", report)
        d.get("file://" + report)
        axe(d, "long-text report")
        reflow(d, "long-text report")
        for width in (320, 360, 1280):
            full_screenshot(d, "long-report", width)
        console(d, base, run, work, record)
        pages_flow.paged(sys.modules[__name__], base, run, work)
    finally:
        for driver in drivers:
            driver.quit()
        serve.kill()
        smtp.kill()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nbrowser suite: {passed[0]} checks passed, {len(failures)} failed, {time.time() - started:.1f} s")
    for page, version, violations in axe_results:
        print(f"  axe {version} {page}: {len(violations)} violations")
    for path in screenshots:
        print("  screenshot", path)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
