"""A paged survey driven over HTTP the way a browser without JavaScript drives it, and the way a
hostile client would: prints one JSON object per check ({"name", "ok", "expected", "got"}).

    paged_flow.py PORT DATABASE INVITE_TOKEN OTHER_TOKEN OPEN_SURVEY

INVITE_TOKEN and OTHER_TOKEN: personal links of fachkraeftebedarf-2027 (four pages; the second
shows only with open positions, `azubis` on the third only to those who said on the first that
they train). OPEN_SURVEY: an open, anonymous survey with three pages (`kinder` and `wohnort`,
then `kita` shown only when kinder == yes, then `wunsch`).
"""
import base64, http.client, json, re, sqlite3, sys, urllib.parse

port, database, token, other, open_survey = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]


def check(name, expected, got):
    same = json.loads(json.dumps(expected)) == json.loads(json.dumps(got))
    print(json.dumps({"name": name, "ok": same, "expected": expected, "got": got}, ensure_ascii=False), flush=True)


def request(method, path, fields=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = urllib.parse.urlencode(fields, doseq=True) if fields is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    page = r.read().decode()
    c.close()
    return r.status, r.getheader("Location") or "", page


def page_of(html):
    m = re.search(r"Seite (\d) von (\d)", html)
    return int(m.group(1)) if m else 0


def checked(html):
    return sorted(re.findall(r'name="([^"]+)" id="[^"]+" value="([^"]*)" checked', html))


def value(html, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    return m.group(1) if m else None


def carry(html):
    m = re.search(r'name="_carry" value="([^"]*)"', html)
    return m.group(1) if m else None


def rows(sql, *args):
    with sqlite3.connect(database) as db:
        return db.execute(sql, args).fetchall()


link = f"/t/{token}"

# A personal link: page 1's required questions, a skipped page, back keeps the values.
status, _, html = request("GET", link)
check("first page", [200, 1, True], [status, page_of(html), "<progress max=\"4\" value=\"1\"" in html])
status, _, html = request("POST", link, {"_page": "0", "_nav": "next", "beschaeftigte": "10-49"})
check("required error on page 1: 422, the answer kept, two errors", [422, 1, [("beschaeftigte", "10-49")], 2],
      [status, page_of(html), checked(html), html.count('class="error"')])
status, _, html = request("POST", link, {"_page": "0", "_nav": "next", "beschaeftigte": "10-49", "offene_stellen": "0", "bildet_aus": "yes"})
check("no open positions: page 2 is skipped, page 3 asks about apprentices", [200, 3, True],
      [status, page_of(html), 'id="q-azubis"' in html])
check("a condition page 1 decided is not shown as a condition", [False, False], ["data-show-if" in html, "Nur beantworten" in html])
status, _, html = request("POST", link, {"_page": "2", "_nav": "back", "azubis": "3"})
check("back: page 1 with its answers", [200, 1, [("beschaeftigte", "10-49"), ("bildet_aus", "yes")], "0"],
      [status, page_of(html), checked(html), value(html, "offene_stellen")])
status, _, html = request("POST", link, {"_page": "0", "_nav": "next", "beschaeftigte": "10-49", "offene_stellen": "2", "bildet_aus": "no"})
check("open positions now: page 2", [200, 2], [status, page_of(html)])
status, _, html = request("POST", link, {"_page": "1", "_nav": "later", "engpaesse": "meister", "engpaesse.other": ""})
check("continue later: saved", [200, True], [status, "Gespeichert" in html])
check("the draft in the database", [1], [len(rows("SELECT 1 FROM drafts"))])

# Opened again (a fresh client, no cookie): continues at the furthest page reached, everything filled in.
status, _, html = request("GET", link)
check("reopened: page 3 (reached before), apprentices question gone (trains: no)", [200, 3, False],
      [status, page_of(html), 'id="q-azubis"' in html])
status, _, html = request("POST", link, {"_page": "2", "_nav": "back"})
check("back to page 2: its answer kept", [200, 2, [("engpaesse", "meister")]], [status, page_of(html), checked(html)])

# Hostile: pages out of range, a page never shown, a forged page number.
other_link = f"/t/{other}"
for name, page in [("a page never shown", "3"), ("a page out of range", "99"), ("a negative page", "-1"), ("no number", "zwei"), ("a huge number", "9" * 40)]:
    status, _, html = request("POST", other_link, {"_page": page, "_nav": "next", "weiterbildung": "5"})
    check(f"hostile: {name} → 400, nothing kept", [400, 0, 0],
          [status, len(rows("SELECT 1 FROM drafts d JOIN participants p ON p.id = d.participant_id WHERE p.token = ?", other)),
           len(rows("SELECT 1 FROM responses"))])
status, _, _ = request("POST", other_link, {"_nav": "next"})
check("hostile: no page at all → 400", 400, status)

# Hostile: what a draft may hold is what the page's form could send, each value as long as its
# question allows; thousands of distinct values for a multi question cost linear time.
def draft_of(t):
    found = rows("SELECT d.fields, d.reached FROM drafts d JOIN participants p ON p.id = d.participant_id WHERE p.token = ?", t)
    return found[0] if found else ("", -1)


status, _, html = request("POST", other_link, {"_page": "0", "_nav": "next", "beschaeftigte": "1-9", "offene_stellen": "3", "bildet_aus": "no",
                                               "offene_stellen.junk": "j" * 300000, "anmerkungen": "fremde Seite", "erfunden": "x" * 1000})
fields, _ = draft_of(other)
check("hostile: made-up field names and another page's field are not kept", [200, 2, False, False, True],
      [status, page_of(html), "junk" in fields, "anmerkungen" in fields, len(fields) < 200])
status, _, html = request("POST", other_link, [("_page", "1"), ("_nav", "later"), ("engpaesse.other", "s" * 50000)]
                                              + [("engpaesse", f"code{i}") for i in range(30000)])
pairs = urllib.parse.parse_qsl(draft_of(other)[0], keep_blank_values=True)
check("hostile: 30,000 values for a multi question: answered, at most options + other + 1 kept (7), 'other' cut to 2,001 characters",
      [200, 7, [2001]], [status, sum(1 for n, _ in pairs if n == "engpaesse"), [len(v) for n, v in pairs if n == "engpaesse.other"]])
# A page made incomplete again: the link continues there, not at the furthest page.
status, _, html = request("POST", other_link, {"_page": "0", "_nav": "later", "offene_stellen": "3", "bildet_aus": "no"})
status, _, html = request("GET", other_link)
check("reopened after page 1 lost a required answer: page 1, the first unfinished", [200, 1], [status, page_of(html)])

# Through to the end: the single stored response equals what was entered.
status, _, html = request("POST", link, {"_page": "1", "_nav": "next", "engpaesse": "meister"})
check("page 2 → 3", [200, 3], [status, page_of(html)])
status, _, html = request("POST", link, {"_page": "2", "_nav": "next", "berufsorientierung": ["praktika", "messe"]})
check("page 3 → 4, the last: its button sends", [200, 4, True], [status, page_of(html), "Antworten absenden</button>" in html])
check("nothing stored before the last page", 0, len(rows("SELECT 1 FROM responses")))
status, location, _ = request("POST", link, {"_page": "3", "_nav": "next", "weiterbildung": "4", "massnahmen.1": "wohnen",
                                              "massnahmen.2": "mobilitaet", "massnahmen.3": "berufsorientierung", "kontakt": "yes", "anmerkungen": "Danke!"})
check("sent: 303 to the thank-you page", [303, "/thanks/fachkraeftebedarf-2027?lang=de"], [status, location])
stored = rows("SELECT answers FROM responses")
answers = json.loads(stored[0][0]) if stored else {}
check("one response, equal to what was entered (azubis dropped: hidden)", [1, {
    "beschaeftigte": "10-49", "offene_stellen": 2, "bildet_aus": "no", "engpaesse": ["meister"], "berufsorientierung": ["praktika", "messe"],
    "weiterbildung": 4, "massnahmen": ["wohnen", "mobilitaet", "berufsorientierung"], "kontakt": "yes", "anmerkungen": "Danke!"}],
    [len(stored), {k: v for k, v in answers.items() if k != "bedarf_entwicklung"}])
check("the draft is gone with the answer", -1, draft_of(token)[1])
status, _, _ = request("GET", link)
check("the link has answered: 409", 409, status)
status, _, _ = request("POST", link, {"_page": "0", "_nav": "later", "beschaeftigte": "1-9"})
check("a draft for a link that has answered: 409, nothing kept", [409, -1], [status, draft_of(token)[1]])

# An open survey: earlier pages travel in the form, signed; nothing on the server before the end.
path = f"/s/{open_survey}"
status, _, html = request("GET", path)
check("open: first page, no carried answers yet, no 'continue later'", [200, 1, None, False],
      [status, page_of(html), carry(html), "Später weitermachen" in html])
status, _, html = request("POST", path, {"_page": "0", "_nav": "next", "kinder": "yes", "wohnort": "Stadt"})
sealed = carry(html)
check("open: page 2 (kinder == yes), answers carried", [200, 2, True], [status, page_of(html), sealed is not None])
check("open: nothing in the database before the end", [0, 0], [len(rows("SELECT 1 FROM responses WHERE survey_id = ?", open_survey)),
                                                               len(rows("SELECT 1 FROM drafts d JOIN participants p ON p.id = d.participant_id WHERE p.survey_id = ?", open_survey))])
reached, payload, tag = sealed.split(".")
fields = base64.b64decode(payload).decode()
forged = base64.b64encode(fields.replace("Stadt", "Land").encode()).decode()
for name, value_ in [("an answer changed", f"{reached}.{forged}.{tag}"), ("the page reached raised", f"2.{payload}.{tag}"),
                     ("the signature cut", f"{reached}.{payload}.{tag[:-4]}"), ("garbage", "x" * 5000), ("empty", "")]:
    status, _, html = request("POST", path, {"_carry": value_, "_page": "1", "_nav": "next", "kita": "4"})
    check(f"open, tampered ({name}): 400, nothing stored", [400, 0], [status, len(rows("SELECT 1 FROM responses WHERE survey_id = ?", open_survey))])
status, _, html = request("POST", f"{path}?lang=en", {"_carry": sealed, "_page": "1", "_nav": "stay", "kita": "3"})
check("open: another language shows the same page, typed answers kept, nothing checked", [200, 2, True, [("kita", "3")]],
      [status, int(re.search(r"Page (\d) of", html).group(1)) if "Page " in html else 0, 'action="/s/seiten-offen?lang=en"' in html, checked(html)])
status, _, html = request("POST", f"/s/{open_survey}", {"_carry": sealed, "_page": "1", "_nav": "next", "kita": "4", "wohnort": "Land"})
check("open: a page cannot change an earlier page's answer (wohnort ignored on page 2)", [200, 3], [status, page_of(html)])
status, location, _ = request("POST", path, {"_carry": carry(html), "_page": "2", "_nav": "next", "wunsch": "Mehr Spielplätze"})
stored = rows("SELECT answers FROM responses WHERE survey_id = ?", open_survey)
check("open: stored once, with the signed earlier answers", [303, 1, {"kinder": "yes", "wohnort": "Stadt", "kita": 4, "wunsch": "Mehr Spielplätze"}],
      [status, len(stored), json.loads(stored[0][0]) if stored else None])
