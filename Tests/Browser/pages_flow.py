"""Paged surveys in the browser (part of browser_suite.py, which passes itself in as `s`).

fachkraeftebedarf-2027 (four pages, personal links) with JavaScript: a required error on page 1,
a skipped page, back keeps the values, "Continue later", and the answer sent after the last
page; without JavaScript: page 1 answered, the link opened again in a fresh browser continues on
page 2 with page 1 filled in. seiten-offen (fixture, open, three pages): show_if within a page
and across pages with and without JavaScript. Every page state audited by axe, checked for
reflow at 320/360 px and for horizontal scrolling at 360 px.
"""
import json, os, sqlite3

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def paged(s, base, run, work):
    database = os.path.join(work, "data", "mitreden.sqlite")
    with open(os.path.join(work, "firmen.csv"), "w", encoding="utf-8") as f:
        f.write("email;name;branche\nhr@baeckerei.example;Bäckerei Lehmann;Handwerk\nhr@logistik.example;Logistik Süd;Verkehr\n")
    run("participants", "import", "fachkraeftebedarf-2027", "firmen.csv")
    with sqlite3.connect(database) as db:
        link = {email: f"{base}/t/{token}" for email, token in db.execute(
            "SELECT email, token FROM participants WHERE survey_id = 'fachkraeftebedarf-2027'")}

    def audit(d, page, shot=None, javascript=True):
        if javascript:   # axe is a script: it runs only where scripts do
            s.axe(d, page)
        s.reflow(d, page)
        s.no_horizontal_scroll(d, page, 360)
        s.size(d, 1280, 800)
        if shot:
            s.screenshot(d, shot, 360, 740)
            s.size(d, 1280, 800)

    def page_number(d):
        return d.find_element(By.ID, "progress-label").text

    def press(d, value):
        """Clicks the form's button with name _nav and this value, and waits for the next page."""
        button = d.find_element(By.CSS_SELECTOR, f"button[name=_nav][value={value}]")
        button.click()
        WebDriverWait(d, 15).until(s.gone(button))
        WebDriverWait(d, 15).until(lambda driver: driver.execute_script("return document.readyState") == "complete")

    def choose(d, element_id):
        d.find_element(By.CSS_SELECTOR, f"label[for='{element_id}']").click()

    def selected(d, element_id):
        return d.find_element(By.ID, element_id).is_selected()

    # --- With JavaScript, a personal link through all four pages.
    d = s.browser()
    try:
        d.get(link["hr@baeckerei.example"])
        s.check(page_number(d) == "Seite 1 von 4" and d.find_element(By.TAG_NAME, "progress").get_attribute("value") == "1",
                f"paged: page 1 of 4 with a progress bar ({d.title})")
        audit(d, "paged form, page 1", "paged-page-1")
        s.touch_targets(d, "paged form, page 1")
        s.tab_order(d, "paged form, page 1")
        choose(d, "beschaeftigte-10-49")
        press(d, "next")
        s.check(page_number(d) == "Seite 1 von 4" and d.find_element(By.ID, "errors").is_displayed() and selected(d, "beschaeftigte-10-49"),
                f"paged: a required error keeps page 1, with the summary and the answer given ({s.errors_on(d)})")
        s.check(d.switch_to.active_element.get_attribute("id") == "errors", "paged: the error summary has the focus")
        audit(d, "paged form, page 1 with errors", "paged-page-1-errors")
        d.find_element(By.ID, "offene_stellen").send_keys("0")
        choose(d, "bildet_aus-yes")
        press(d, "next")
        s.check(page_number(d) == "Seite 3 von 4", f"paged: no open positions, page 2 skipped ({page_number(d)})")
        s.check(d.find_element(By.ID, "q-azubis").is_displayed() and not d.find_elements(By.ID, "when-azubis"),
                "paged: the apprentices question, decided by page 1, shown without a condition note")
        audit(d, "paged form, page 3", "paged-page-3")
        d.find_element(By.ID, "azubis").send_keys("3")
        press(d, "back")
        s.check(page_number(d) == "Seite 1 von 4" and selected(d, "beschaeftigte-10-49") and selected(d, "bildet_aus-yes")
                and d.find_element(By.ID, "offene_stellen").get_attribute("value") == "0", "paged: back shows page 1 with its answers")
        field = d.find_element(By.ID, "offene_stellen")
        field.clear()
        field.send_keys("2")
        press(d, "next")
        s.check(page_number(d) == "Seite 2 von 4", f"paged: open positions now, page 2 ({page_number(d)})")
        audit(d, "paged form, page 2", "paged-page-2")
        choose(d, "engpaesse-meister")
        press(d, "later")
        s.check("Gespeichert" in d.page_source, f"paged: continue later, saved ({d.title})")
        audit(d, "paged form, saved for later", "paged-saved")
        d.find_element(By.PARTIAL_LINK_TEXT, "Jetzt weitermachen").click()
        WebDriverWait(d, 15).until(lambda driver: driver.find_elements(By.ID, "progress-label"))
        s.check(page_number(d) == "Seite 3 von 4" and d.find_element(By.ID, "azubis").get_attribute("value") == "3",
                f"paged: continuing goes to the furthest page reached, its answer kept ({page_number(d)})")
        choose(d, "berufsorientierung-praktika")
        press(d, "next")
        s.check(page_number(d) == "Seite 4 von 4" and "Antworten absenden" in d.find_element(By.CSS_SELECTOR, "button[value=next]").text,
                "paged: the last page's button sends")
        audit(d, "paged form, last page", "paged-page-4")
        choose(d, "weiterbildung-4")
        choose(d, "kontakt-yes")
        d.find_element(By.ID, "anmerkungen").send_keys("Danke für die Umfrage.")
        with sqlite3.connect(database) as db:
            before = db.execute("SELECT count(*) FROM responses WHERE survey_id = 'fachkraeftebedarf-2027'").fetchone()[0]
        s.check(before == 0, "paged: nothing stored before the last page")
        press(d, "next")
        s.check("/thanks/" in d.current_url, f"paged: sent, the thank-you page ({d.current_url}: {s.errors_on(d)})")
        with sqlite3.connect(database) as db:
            rows = db.execute("SELECT answers FROM responses WHERE survey_id = 'fachkraeftebedarf-2027'").fetchall()
            drafts = db.execute("SELECT count(*) FROM drafts").fetchone()[0]
        answers = json.loads(rows[0][0]) if rows else {}
        s.check(len(rows) == 1 and answers == {"beschaeftigte": "10-49", "offene_stellen": 2, "bildet_aus": "yes", "engpaesse": ["meister"],
                                               "azubis": 3, "berufsorientierung": ["praktika"], "weiterbildung": 4, "kontakt": "yes",
                                               "anmerkungen": "Danke für die Umfrage."},
                f"paged: one response, equal to what was entered ({answers})")
        s.check(drafts == 0, "paged: the draft is gone once the answer is stored")

        # --- The open survey: show_if within a page and across pages, with JavaScript.
        d.get(base + "/s/seiten-offen")
        anzahl = d.find_element(By.ID, "q-anzahl")
        s.check(not anzahl.is_displayed(), "paged, open: 'anzahl' hidden until 'kinder' is yes (within the page)")
        choose(d, "kinder-yes")
        s.check(anzahl.is_displayed(), "paged, open: 'anzahl' appears when 'kinder' is yes")
        audit(d, "paged open form, page 1", "paged-open-1")
        d.find_element(By.ID, "anzahl").send_keys("2")
        press(d, "next")
        s.check(page_number(d) == "Seite 2 von 3" and d.find_element(By.ID, "q-kita").is_displayed(), f"paged, open: page 2 ({page_number(d)})")
        zeiten = d.find_element(By.ID, "q-zeiten")
        s.check(not zeiten.is_displayed(), "paged, open: 'zeiten' (kinder on page 1 and kita here) hidden until kita <= 2")
        choose(d, "kita-1")
        s.check(zeiten.is_displayed(), "paged, open: 'zeiten' appears for kita 1: the script read page 1's answer")
        audit(d, "paged open form, page 2", "paged-open-2")
        choose(d, "zeiten-ferien")
        press(d, "next")
        s.check(page_number(d) == "Seite 3 von 3", f"paged, open: page 3 ({page_number(d)})")
        audit(d, "paged open form, page 3")
        d.find_element(By.ID, "wunsch").send_keys("Mehr Spielplätze")
        press(d, "next")
        s.check("/thanks/" in d.current_url, f"paged, open: sent ({d.current_url}: {s.errors_on(d)})")
        with sqlite3.connect(database) as db:
            rows = db.execute("SELECT answers FROM responses WHERE survey_id = 'seiten-offen'").fetchall()
        s.check([json.loads(r[0]) for r in rows] == [{"kinder": "yes", "anzahl": 2, "kita": 1, "zeiten": "ferien", "wunsch": "Mehr Spielplätze"}],
                f"paged, open: stored once, as entered ({rows})")
    finally:
        d.quit()

    # --- Without JavaScript: save as you go, and resume in a fresh browser.
    n = s.browser(javascript=False)
    try:
        n.get(link["hr@logistik.example"])
        choose(n, "beschaeftigte-50-249")
        n.find_element(By.ID, "offene_stellen").send_keys("12")
        choose(n, "bildet_aus-no")
        press(n, "next")
        s.check(page_number(n) == "Seite 2 von 4", f"paged without JavaScript: page 2 ({page_number(n)})")
        audit(n, "paged form without JavaScript, page 2", javascript=False)
    finally:
        n.quit()
    fresh = s.browser(javascript=False)
    try:
        fresh.get(link["hr@logistik.example"])
        s.check(page_number(fresh) == "Seite 2 von 4", f"paged: the link opened in a fresh browser continues on page 2 ({page_number(fresh)})")
        press(fresh, "back")
        s.check(selected(fresh, "beschaeftigte-50-249") and selected(fresh, "bildet_aus-no")
                and fresh.find_element(By.ID, "offene_stellen").get_attribute("value") == "12",
                "paged: page 1 filled in from the draft")
        audit(fresh, "paged form resumed, page 1", javascript=False)
        fresh.get(base + "/s/seiten-offen")
        s.check(fresh.find_element(By.ID, "q-anzahl").is_displayed() and "Nur beantworten, wenn" in fresh.find_element(By.ID, "when-anzahl").text,
                "paged, open, without JavaScript: a condition within the page is shown in words")
        choose(fresh, "kinder-yes")
        press(fresh, "next")
        s.check(fresh.find_element(By.ID, "q-zeiten").is_displayed() and "Nur beantworten, wenn" in fresh.find_element(By.ID, "when-zeiten").text
                and not fresh.find_elements(By.ID, "when-kita"), "paged, open, without JavaScript: page 2's conditions as page 1 left them")
        audit(fresh, "paged open form without JavaScript, page 2", javascript=False)
        english = fresh.find_element(By.CSS_SELECTOR, "button[name=_nav][value=stay][lang=en]")
        english.click()
        WebDriverWait(fresh, 15).until(s.gone(english))
        s.check(fresh.find_element(By.ID, "progress-label").text == "Page 2 of 3" and "lang=en" in fresh.current_url,
                f"paged, open: switching to English keeps the page ({fresh.find_element(By.ID, 'progress-label').text})")
        press(fresh, "back")
        s.check(selected(fresh, "kinder-yes") and "Do children under 14" in fresh.page_source,
                "paged, open: the first page's answer kept across the language switch")
    finally:
        fresh.quit()
