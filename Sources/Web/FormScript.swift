import HTTP
import JSON
import Survey

/// The little script of the form pages (`/static/form.js`): progressive enhancement only.
/// Without it every question shows and a `show_if` question says in words when to answer it;
/// with it such a question is hidden while its condition does not hold, by the same rules the
/// server applies (`Condition.evaluate`), and the error summary gets the focus.
enum FormScript {
    static let path = "/static/form.js"

    static var response: Response {
        Response(status: 200, contentType: "text/javascript; charset=utf-8", body: source,
                 headers: [("Cache-Control", "public, max-age=3600"), ("X-Content-Type-Options", "nosniff")])
    }

    /// A condition as the script reads it (`data-show-if`).
    static func json(_ condition: Condition) -> JSONValue {
        func ref(_ r: Condition.Reference, _ more: [(String, JSONValue)] = []) -> JSONValue {
            .object([("q", .string(r.question))] + (r.row.map { [("row", .string($0))] } ?? []) + more)
        }
        switch condition {
        case .and(let a, let b): return .object([("and", .array([json(a), json(b)]))])
        case .or(let a, let b): return .object([("or", .array([json(a), json(b)]))])
        case .not(let c): return .object([("not", json(c))])
        case .answered(let r): return .object([("answered", ref(r))])
        case .contains(let r, let v): return .object([("contains", ref(r, [("v", .string(v))]))])
        case .isIn(let r, let vs): return .object([("in", ref(r, [("vs", .array(vs.map(JSONValue.string)))]))])
        case .compare(let r, let op, let v): return .object([("cmp", ref(r, [("op", .string(op.rawValue)), ("v", .string(v))]))])
        }
    }

    /// An answer of an earlier page as the script's `answer()` reads it (`data-earlier`); a free
    /// text only as answered, never its words.
    static func json(_ answer: Answer) -> JSONValue {
        switch answer {
        case .choice(let code): return .object([("code", .string(code))])
        case .choices(let codes): return .object([("choices", .array(codes.map(JSONValue.string)))])
        case .number(let n): return .object([("number", .double(n))])
        case .text: return .object([("text", .bool(true))])
        case .rows(let rows): return .object([("rows", .object(rows.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))])
        case .order(let codes): return .object([("order", .array(codes.map(JSONValue.string)))])
        }
    }

    static let source = #"""
    // Mitreden: hides show_if questions while their condition does not hold, and focuses the
    // error summary. Without this script the form works the same; the server checks everything.
    (function () {
      "use strict";
      var summary = document.getElementById("errors");
      if (summary) summary.focus();
      var form = document.querySelector("form[data-survey]");
      if (!form) return;
      document.documentElement.className += " js";
      // Answers of earlier pages of a paged form, which conditions on this page read.
      var earlier = JSON.parse(form.getAttribute("data-earlier") || "{}");

      function box(id) { return document.getElementById("q-" + id); }

      // The answer to question `id` as the server reads it, or null.
      function answer(id) {
        var b = box(id);
        if (!b) return earlier.hasOwnProperty(id) ? earlier[id] : null;
        if (b.hidden) return null;
        var kind = b.getAttribute("data-kind"), found = [];
        if (kind === "matrix") {
          var rows = {}, any = false;
          b.querySelectorAll("input[type=radio]:checked").forEach(function (r) { rows[r.name.slice(id.length + 1)] = r.value; any = true; });
          return any ? { rows: rows } : null;
        }
        if (kind === "multi") {
          b.querySelectorAll("input[type=checkbox]:checked").forEach(function (c) { if (c.name === id) found.push(c.value); });
          return found.length ? { choices: found } : null;
        }
        if (kind === "ranking") {
          b.querySelectorAll("select").forEach(function (s) { if (s.value) found.push(s.value); });
          return found.length ? { order: found } : null;
        }
        var checked = b.querySelector("input[type=radio]:checked");
        var field = b.querySelector("input[type=text], textarea");
        var value = checked ? checked.value : (field ? field.value : "");
        if (!value || !value.trim()) return null;
        if (kind === "scale" || kind === "number") {
          var n = Number(value.trim().replace(",", "."));
          return isNaN(n) ? null : { number: n };
        }
        return kind === "text" ? { text: value } : { code: value };
      }

      function scalar(r) {
        var a = answer(r.q);
        if (!a) return null;
        if (a.rows) return r.row !== undefined && a.rows[r.row] !== undefined ? { code: a.rows[r.row] } : null;
        if (a.code !== undefined) return { code: a.code };
        if (a.number !== undefined) return { number: a.number };
        return null;
      }

      function compare(given, op, v) {
        if (given.code !== undefined) return op === "==" ? given.code === v : op === "!=" ? given.code !== v : false;
        var x = Number(v);
        if (isNaN(x)) return false;
        var n = given.number;
        return { "==": n === x, "!=": n !== x, "<": n < x, "<=": n <= x, ">": n > x, ">=": n >= x }[op] || false;
      }

      function holds(c) {
        if (c.and) return holds(c.and[0]) && holds(c.and[1]);
        if (c.or) return holds(c.or[0]) || holds(c.or[1]);
        if (c.not) return !holds(c.not);
        if (c.answered) {
          var a = answer(c.answered.q);
          if (!a) return false;
          return c.answered.row !== undefined ? !!(a.rows && a.rows[c.answered.row] !== undefined) : true;
        }
        if (c.contains) { var m = answer(c.contains.q); return !!(m && m.choices && m.choices.indexOf(c.contains.v) >= 0); }
        var test = c["in"] || c.cmp, s = scalar(test);
        if (!s) return false;
        if (c["in"]) return test.vs.some(function (v) { return compare(s, "==", v); });
        return compare(s, test.op, test.v);
      }

      function update() {
        // Twice, so a question that depends on one just hidden or shown settles too.
        for (var round = 0; round < 2; round++) {
          form.querySelectorAll("[data-show-if]").forEach(function (b) {
            b.hidden = !holds(JSON.parse(b.getAttribute("data-show-if")));
          });
        }
      }
      form.addEventListener("change", update);
      form.addEventListener("input", update);
      update();
    })();
    """#
}
