// runner's expectations, checked as `runner run` checks them (docs/format.md, "Predicates"):
// written by `runner export postman`, read back by `runner import postman`. `kind` is how the
// value is read ("json": as JSON, "text": a header or the body, where numbers compare by
// value); `predicate` holds runner's operators; `regex` is `matches` as a JavaScript regex.
function runnerExpect(actual, kind, predicate, label, regex) {
    var SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
    var TRIM = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");
    var NUMBER = /^[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)$/i;
    var OPERATORS = ["exists", "type", "equals", "not_equals", "contains", "not_contains", "starts_with", "ends_with", "matches", "one_of", "lt", "le", "gt", "ge", "length", "empty"];
    var SYMBOLS = { lt: "<", le: "<=", gt: ">", ge: ">=" };
    var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
    var isObject = function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); };
    // A text as Rust reads a number: trimmed, decimal or `inf`/`nan`; null if it is not one.
    var number = function (text) {
        var t = text.replace(TRIM, "");
        if (!NUMBER.test(t)) { return null; }
        var word = t.replace(/^[+-]/, "").toLowerCase();
        if (word === "nan") { return NaN; }
        if (word === "inf" || word === "infinity") { return t.charAt(0) === "-" ? -Infinity : Infinity; }
        return Number(t);
    };
    var numeric = function (v) { return typeof v === "number" ? v : typeof v === "string" ? number(v) : null; };
    var text = function (v) { return typeof v === "string" ? v : JSON.stringify(v); };
    var show = function (v) {
        if (v === undefined) { return "nothing"; }
        var shown = JSON.stringify(v);
        return shown.length > 120 ? shown.slice(0, 120) + "…" : shown;
    };
    var equal = function (a, b) {
        if (Array.isArray(a)) {
            return Array.isArray(b) && a.length === b.length && a.every(function (x, i) { return equal(x, b[i]); });
        }
        if (isObject(a)) {
            return isObject(b) && Object.keys(a).length === Object.keys(b).length &&
                Object.keys(a).every(function (k) { return has(b, k) && equal(a[k], b[k]); });
        }
        return a === b;
    };
    var same = function (a, e, how) {
        if (how === "text" && typeof a === "string") {
            if (typeof e === "string") { return a === e; }
            if (typeof e === "number") { return number(a) === e; }
            return JSON.stringify(e) === a;
        }
        if (how === "count" && typeof e === "string") { return number(e) === a; }
        return equal(a, e);
    };
    var order = function (x, y) { return x !== x || y !== y ? null : x < y ? -1 : x > y ? 1 : 0; };
    // Two texts by code point, as Rust orders them.
    var codePoints = function (a, b) {
        var x = Array.from(a), y = Array.from(b);
        for (var i = 0; i < x.length && i < y.length; i++) {
            var p = x[i].codePointAt(0), q = y[i].codePointAt(0);
            if (p !== q) { return p < q ? -1 : 1; }
        }
        return order(x.length, y.length);
    };
    var compare = function (a, e) {
        if (typeof a === "string" && typeof e === "string") {
            var x = number(a), y = number(e);
            return x !== null && y !== null ? order(x, y) : codePoints(a, e);
        }
        var p = numeric(a), q = numeric(e);
        return p === null || q === null ? null : order(p, q);
    };
    var contains = function (h, n) {
        if (Array.isArray(h)) { return h.some(function (x) { return equal(x, n); }); }
        if (isObject(h)) { return typeof n === "string" && has(h, n); }
        return text(h).indexOf(text(n)) !== -1;
    };
    var length = function (v) {
        if (typeof v === "string") { return Array.from(v).length; }
        if (Array.isArray(v)) { return v.length; }
        return isObject(v) ? Object.keys(v).length : null;
    };
    var empty = function (v) {
        return v === null || v === "" || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
    };
    var isType = function (v, t) {
        switch (t) {
        case "string": return typeof v === "string";
        case "number": return typeof v === "number";
        case "integer": return typeof v === "number" && Math.floor(v) === v;
        case "boolean": return typeof v === "boolean";
        case "array": return Array.isArray(v);
        case "object": return isObject(v);
        case "null": return v === null;
        default: return false;
        }
    };
    var describe = function (op, o) {
        switch (op) {
        case "equals": return show(o);
        case "not_equals": return "not equal to " + show(o);
        case "type": return "type " + o;
        case "contains": return "contains " + show(o);
        case "not_contains": return "does not contain " + show(o);
        case "starts_with": return "starts with " + show(String(o));
        case "ends_with": return "ends with " + show(String(o));
        case "matches": return "matches /" + o + "/";
        case "one_of": return "one of [" + o.map(show).join(", ") + "]";
        case "length": return "length " + (isObject(o) ? Object.keys(o).map(function (k) { return describe(k, o[k]); })[0] : show(o));
        case "empty": return o ? "to be empty" : "not to be empty";
        default: return SYMBOLS[op] + " " + show(o);
        }
    };
    // The first operator that does not hold, in words; null when all hold.
    var check = function (v, how, p) {
        if (!isObject(p)) { p = { equals: p }; }
        for (var i = 0; i < OPERATORS.length; i++) {
            var op = OPERATORS[i];
            if (!has(p, op)) { continue; }
            var o = p[op], holds;
            if (op === "exists") {
                if (o && v === undefined) { return "expected to exist, got nothing"; }
                if (!o && v !== undefined) { return "expected to be absent, got " + show(v); }
                continue;
            }
            if (v === undefined) { return "expected " + describe(op, o) + ", got nothing"; }
            switch (op) {
            case "equals": holds = same(v, o, how); break;
            case "not_equals": holds = !same(v, o, how); break;
            case "type": holds = isType(v, o); break;
            case "contains": holds = contains(v, o); break;
            case "not_contains": holds = !contains(v, o); break;
            case "starts_with": holds = text(v).startsWith(String(o)); break;
            case "ends_with": holds = text(v).endsWith(String(o)); break;
            case "matches": holds = regex.test(text(v)); break;
            case "one_of": holds = o.some(function (e) { return same(v, e, how); }); break;
            case "length":
                var n = length(v);
                if (n === null) { holds = false; break; }
                var inner = check(n, "count", o);
                if (inner !== null) { return "expected length " + inner.replace(/^expected /, "").replace(/, got .*$/, "") + ", got length " + n + ": " + show(v); }
                holds = true;
                break;
            case "empty": holds = empty(v) === o; break;
            default:
                var ordering = compare(v, o);
                holds = ordering !== null && (op === "lt" ? ordering < 0 : op === "le" ? ordering <= 0 : op === "gt" ? ordering > 0 : ordering >= 0);
            }
            if (!holds) { return "expected " + describe(op, o) + ", got " + show(v); }
        }
        return null;
    };
    var failure = check(actual, kind, predicate);
    if (failure !== null) { throw new Error(label + ": " + failure); }
}
