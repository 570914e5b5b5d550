# ---------------------------------------------------------------------------------------------
# The runner runtime for Locust: walks the collection above as `runner run` does, with Locust's
# HTTP session. Standard library and locust only. Generated: edit the collection, not this.
# ---------------------------------------------------------------------------------------------

import base64 as _b64
import datetime as _dt
import html.entities as _html_entities
import itertools as _itertools
import json as _json
import math as _math
import mimetypes as _mimetypes
import os as _os
import random as _random
import re as _re
import sys as _sys
import threading as _threading
import time as _time
import unicodedata as _unicodedata
import urllib.parse as _urlparse
import uuid as _uuid

from locust import HttpUser, constant, events, task
from locust.exception import StopUser

SHOWN = 120
BODY_START = 60
HELPERS = ("uuid", "now", "timestamp", "base64", "json", "urlencode", "lookup")


class RenderError(Exception):
    """A template that cannot be rendered (an undefined variable, a missing input)."""


class StepError(Exception):
    """A step that cannot be sent (a template, a `for_each` that is not a list)."""


# --- secrets -----------------------------------------------------------------------------------
#
# A port of runner's redactor (src/redact/mod.rs): a secret is masked as *** in every form it
# takes on the wire or in a server's answer (percent-encoded as each part of a URL, a form or a
# URI component writes it, in upper or lower case hex; JSON-escaped once or twice, with
# `\uXXXX`, `\/`; HTML/XML-escaped; base64, alone or at any of the three offsets inside a longer
# base64 text; as a host name; as mojibake; as runner's messages write it), and in a mix of
# JSON escapes, percent-encoding and HTML character references up to three layers deep, and
# inside base64 of text up to three base64 layers deep. The forms of a secret are worked out and
# compiled once per secret (for every user and iteration of the process).

MASK = "***"
MIN_SECRET_CHARS = 4
WITHHELD = "*** (withheld: it holds a secret in too many mixes of encodings)"
_DECODE_DEPTH = 3
_REVEAL_ROUNDS = 8
_BASE64_LAYERS = 3
_MIN_BASE64_RUN_CHARS = 6
_MIN_BASE64_PIECE_CHARS = 6
_MIN_BASE64_LINE_CHARS = 16
_MIN_SECRET_PIECE_CHARS = 8
_BASE64_LINE_BREAKS = ("\r\n", "\n", "\\r\\n", "\\n")
_BASE64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
_BASE64_RUN = _re.compile(r"[A-Za-z0-9+/_-]+")
_BASE64_RUN_START = _re.compile(r"[A-Za-z0-9+/_-]{%d,}" % 6)
_ESCAPE = _re.compile(r"%[0-9A-Fa-f]{2}|\\[\"\\/bfnrtu]")
_HEX4 = _re.compile(r"[0-9A-Fa-f]{4}")
_NUMBER = _re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_PRINTABLE_ASCII = "".join(chr(c) for c in range(0x21, 0x7F))
_CP1252_HIGH = (
    "\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f"
    "\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178"
)
# HTML's named character references (the WHATWG table): with `;`, and the few read without it.
_ENTITIES = {name[:-1]: text for name, text in _html_entities.html5.items() if name.endswith(";")}
_ENTITIES_BARE = frozenset(name for name in _html_entities.html5 if not name.endswith(";"))
_LONGEST_ENTITY = 31


def _keep(encoded):
    """The printable ASCII characters a percent-encode set leaves alone."""
    return frozenset(c for c in _PRINTABLE_ASCII if c not in encoded)


# What each part of a URL leaves alone (WHATWG's percent-encode sets; C0 controls, space, DEL
# and non-ASCII are always encoded), a URI component (RFC 3986 unreserved) and a form value.
_URL_PATH = _keep('"#<>?`{}')
_URL_QUERY = _keep("\"#<>'")
_URL_FRAGMENT = _keep('"<>`')
_URL_USERINFO = _keep('"#<>?`{}/:;=@[\\]^|')
_URL_COMPONENT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_FORM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._")
_FORBIDDEN_HOST = frozenset(' #%/:<>?@[\\]^|\x7f' + "".join(chr(c) for c in range(0x20)))


def _percent_encode(text, keep, plus=False):
    out = []
    for ch in text:
        if ch in keep:
            out.append(ch)
        elif plus and ch == " ":
            out.append("+")
        else:
            out.extend("%%%02X" % b for b in ch.encode("utf-8", "surrogatepass"))
    return "".join(out)


def _lower_hex(text):
    if "%" not in text:
        return None
    lower = _re.sub(r"%[^%]{0,2}", lambda m: m.group().lower(), text)
    return lower if lower != text else None


def _url_path(path):
    """`path` as the URL parser writes it after `http://host/` (without its leading `/`)."""
    path = path.replace("\t", "").replace("\n", "").replace("\r", "")
    pieces = _re.split(r"[/\\]", path)
    if pieces and pieces[0] == "" and len(pieces) > 1:
        pieces = pieces[1:]
    out = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        encoded = _percent_encode(piece, _URL_PATH)
        dots = encoded.lower().replace("%2e", ".")
        if dots == "..":
            if out:
                out.pop()
            if last:
                out.append("")
        elif dots == ".":
            if last:
                out.append("")
        else:
            out.append(encoded)
    return "/".join(out)


def _url_forms(secret):
    no_breaks = secret.replace("\t", "").replace("\n", "").replace("\r", "")
    forms = [
        _percent_encode(secret, _URL_COMPONENT),
        _percent_encode(secret, _FORM, plus=True),
        _url_path(secret).lstrip("/"),
        _percent_encode(no_breaks, _URL_QUERY),
        _percent_encode(no_breaks, _URL_FRAGMENT),
        _percent_encode(secret, _URL_USERINFO | {"%"}),
    ]
    forms.extend(f for f in map(_lower_hex, list(forms)) if f)
    return forms


def _json_escape(text, ascii=False, upper=False, slash=False, html=False):
    unicode = "\\u%04X" if upper else "\\u%04x"
    out = []
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "/" and slash:
            out.append("\\/")
        elif ch in "<>&'" and html:
            out.append(unicode % code)
        elif code < 0x20:
            out.append(unicode % code)
        elif ascii and code > 0x7F:
            if code > 0xFFFF:
                code -= 0x10000
                out.append(unicode % (0xD800 + (code >> 10)))
                out.append(unicode % (0xDC00 + (code & 0x3FF)))
            else:
                out.append(unicode % code)
        else:
            out.append(ch)
    return "".join(out)


def _json_forms(secret):
    """`secret` in a JSON string as common encoders write it, and escaped twice."""
    forms = []
    for ascii in (False, True):
        for slash in (False, True):
            for html in (False, True):
                for upper in (False, True):
                    if upper and not (ascii or html):
                        continue
                    forms.append(_json_escape(secret, ascii, upper, slash, html))
    with_unicode = [f for f in forms if "\\u" in f][:1]
    forms.extend(_json_escape(once) for once in forms[:2] + with_unicode)
    return forms


def _base64_forms(secret):
    data = secret.encode("utf-8", "surrogatepass")
    standard = _b64.b64encode(data).decode()
    url_safe = _b64.urlsafe_b64encode(data).decode()
    return [standard, standard.rstrip("="), url_safe, url_safe.rstrip("=")]


def _base64_pieces(text):
    """The base64 characters `text`'s bytes alone decide inside a longer base64 text, at each of
    the three offsets in a group of three bytes (the ones at either end, shared with the bytes
    around it, are left out)."""
    if len(text) < MIN_SECRET_CHARS:
        return []
    data = text.encode("utf-8", "surrogatepass")
    pieces = []
    for offset in range(3):
        first = -(-8 * offset // 6)
        end = (8 * offset + 8 * len(data)) // 6
        if end < first + _MIN_BASE64_PIECE_CHARS:
            continue
        padded = b"\0" * offset + data
        pieces.append(_b64.b64encode(padded).decode()[first:end])
        pieces.append(_b64.urlsafe_b64encode(padded).decode()[first:end])
    return pieces


def _html_forms(secret):
    if not any(c in secret for c in "&<>\"'"):
        return []
    forms = []
    for double, single in (("&quot;", "&#x27;"), ("&quot;", "&#039;"), ("&quot;", "&apos;"), ("&#34;", "&#39;"), ('"', "'")):
        table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': double, "'": single}
        forms.append("".join(table.get(c, c) for c in secret))
    return forms


def _latin1_forms(secret):
    if secret.isascii() or any(ord(c) > 0xFF for c in secret):
        return []
    data = secret.encode("latin-1")
    keep = frozenset(chr(c) for c in range(0x20, 0x7F))
    return [
        data.decode("utf-8", "replace"),
        "".join(chr(b) if chr(b) in keep else "%%%02X" % b for b in data),
    ]


def _mojibake_forms(secret):
    if secret.isascii():
        return []
    data = secret.encode("utf-8", "surrogatepass")
    return [
        data.decode("latin-1"),
        "".join(_CP1252_HIGH[b - 0x80] if 0x80 <= b <= 0x9F else chr(b) for b in data),
    ]


def _domain_to_ascii(text):
    """A host name as the URL parser writes it (lower case, punycode), or None."""
    mapped = _unicodedata.normalize("NFC", _unicodedata.normalize("NFKC", text).casefold())
    mapped = mapped.replace("\u3002", ".")
    labels = []
    for label in mapped.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append("xn--" + label.encode("punycode").decode("ascii"))
        except UnicodeError:
            return None
    domain = ".".join(labels)
    if not domain or any(c in _FORBIDDEN_HOST for c in domain):
        return None
    return domain


def _ipv4_number(part):
    if part[:2] in ("0x", "0X"):
        digits, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        digits, radix = part[1:], 8
    else:
        digits, radix = part, 10
    if digits == "":
        return 0
    allowed = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}[radix]
    if not all(c in allowed for c in digits):
        return None
    return int(digits, radix)


def _ends_in_a_number(domain):
    parts = domain.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    return (last != "" and last.isascii() and last.isdigit()) or _ipv4_number(last) is not None and last[:2] in ("0x", "0X")


def _ipv4(domain):
    """A host that ends in a number as the URL parser reads it (any IPv4 notation), or None."""
    parts = domain.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return None
    numbers = [_ipv4_number(p) if p else None for p in parts]
    if any(n is None for n in numbers) or any(n > 255 for n in numbers[:-1]):
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    address = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        address += number * 256 ** (3 - index)
    return ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _host_form(secret):
    """`secret` read as a host name (lower case, punycode), when it is a domain."""
    if secret.startswith("["):
        return None
    domain = _domain_to_ascii(_urlparse.unquote(secret, errors="replace"))
    if domain is None or _ends_in_a_number(domain):
        return None
    return domain


def _rust_debug_inner(secret):
    """`secret` as Rust's `{:?}` writes it inside its quotes (`\\u{a0}`, `\\u{200b}`)."""
    out = []
    for ch in secret:
        if ch in _RUST_ESCAPES:
            out.append(_RUST_ESCAPES[ch])
        elif not ch.isprintable() and ch != " " or _unicodedata.category(ch) in ("Mn", "Me"):
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


_RUST_ESCAPES = {"\0": "\\0", "\t": "\\t", "\r": "\\r", "\n": "\\n", "\\": "\\\\", '"': '\\"'}


def _jsonpath_name_forms(secret):
    quotes_only = secret.replace("\\", "\\\\").replace("'", "\\'")
    table = {"\\": "\\\\", "'": "\\'", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    normalized = "".join(table.get(c) or ("\\u%04x" % ord(c) if ord(c) < 0x20 else c) for c in secret)
    return [f for f in (quotes_only, normalized) if f != secret]


def _forms(secret):
    """Every form `secret` may take in output (src/redact/mod.rs's `forms`)."""
    forms = [secret]
    if "\\" in secret:
        forms.append(secret.replace("\\", "/"))
    forms.extend(_url_forms(secret))
    forms.extend(_json_forms(secret))
    pieces = _base64_pieces(secret)
    plain_json = _json_escape(secret)
    if plain_json != secret:
        pieces.extend(_base64_pieces(plain_json))
    forms.extend(_base64_forms(secret))
    forms.extend(pieces)
    forms.extend(_html_forms(secret))
    forms.extend(_latin1_forms(secret))
    forms.extend(_mojibake_forms(secret))
    lower = secret.lower()
    if lower != secret:
        forms.append(lower)
    host = _host_form(secret)
    if host:
        forms.append(host)
    for debug in (_rust_debug_inner(secret), rust_debug(secret)[1:-1]):
        if debug != secret:
            forms.append(debug)
    pointer = secret.replace("~", "~0").replace("/", "~1")
    if pointer != secret:
        forms.append(pointer)
    forms.extend(_jsonpath_name_forms(secret))
    return forms


def _is_trimmed(ch):
    return ch.isspace() or _unicodedata.category(ch) == "Cc"


def _trimmed_forms(secret):
    start, end = 0, len(secret)
    while start < end and _is_trimmed(secret[start]):
        start += 1
    while end > start and _is_trimmed(secret[end - 1]):
        end -= 1
    last = len(secret)
    while last > 0 and _is_trimmed(secret[last - 1]):
        last -= 1
    return [secret[start:end], secret[start:], secret[:last]]


def _normalised_url_forms(secret):
    """An http(s) URL as the URL parser normalises it, and its path and query as the request
    line carries them (when 8 characters or more)."""
    text = secret.strip("".join(chr(c) for c in range(0x21)))
    text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    match = _re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):[/\\]*", text)
    if not match or match.group(1).lower() not in ("http", "https"):
        return []
    scheme = match.group(1).lower()
    rest = text[match.end():]
    authority = _re.match(r"[^/\\?#]*", rest).group()
    rest = rest[len(authority):]
    userinfo, at, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        close = hostport.find("]")
        if close < 0:
            return []
        try:
            import ipaddress

            host = "[%s]" % ipaddress.IPv6Address(hostport[1:close]).compressed
        except ValueError:
            return []
        port = hostport[close + 1:]
        if port and not port.startswith(":"):
            return []
        port = port[1:]
    else:
        host, _, port = hostport.partition(":")
        domain = _domain_to_ascii(_urlparse.unquote(host, errors="replace"))
        if not domain:
            return []
        host = _ipv4(domain) if _ends_in_a_number(domain) else domain
        if host is None:
            return []
    if port and (not port.isascii() or not port.isdigit() or int(port) > 65535):
        return []
    port = "" if not port or int(port) == {"http": 80, "https": 443}[scheme] else str(int(port))
    fragment = None
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
    query = None
    if "?" in rest:
        rest, query = rest.split("?", 1)
    path = "/" + _url_path(rest)
    target = path + ("?" + _percent_encode(query, _URL_QUERY) if query is not None else "")
    user, colon, password = userinfo.partition(":")
    credentials = ""
    if user or password:
        credentials = _percent_encode(user, _URL_USERINFO | {"%"})
        if password:
            credentials += ":" + _percent_encode(password, _URL_USERINFO | {"%"})
        credentials += "@"
    url = "%s://%s%s%s%s" % (scheme, credentials, host, ":" + port if port else "", target)
    if fragment is not None:
        url += "#" + _percent_encode(fragment, _URL_FRAGMENT)
    forms = [url]
    if len(target) >= _MIN_SECRET_PIECE_CHARS:
        forms.append(target)
    return forms


def _changed_secrets(secret):
    """What a secret turns into on its way out, each a secret of its own: trimmed, and an
    http(s) URL as the URL parser normalises it."""
    changed = _trimmed_forms(secret) + _normalised_url_forms(secret)
    return [form for index, form in enumerate(changed) if form and form != secret and form not in changed[:index]]


def _trie_pattern(words):
    """A regex matching any of `words`, the longest at a place first, as a trie: it tries one
    character at each place instead of every word."""
    root = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[None] = None

    def build(node):
        branches = []
        for ch in sorted(key for key in node if key is not None):
            chain, child = [ch], node[ch]
            while len(child) == 1 and None not in child:
                ((ch, child),) = child.items()
                chain.append(ch)
            branches.append(_re.escape("".join(chain)) + build(child))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:%s)" % "|".join(branches)
        return "(?:%s)?" % body if None in node else body

    return build(root)


_DERIVED = {}
_MATCHERS = {}


def _derived(secret):
    """Every form of `secret` and the secrets it turns into, worked out once per process."""
    known = _DERIVED.get(secret)
    if known is None:
        known = (frozenset(form for form in _forms(secret) if form), tuple(_changed_secrets(secret)))
        if len(_DERIVED) >= 4096:
            _DERIVED.clear()
        _DERIVED[secret] = known
    return known


def _matcher(secrets):
    """One regex over every form of `secrets` (a tuple), compiled once per process: each
    user's iterations share the matcher of the secrets they start with."""
    known = _MATCHERS.get(secrets)
    if known is None:
        forms = set()
        for secret in secrets:
            forms |= _derived(secret)[0]
        pattern = _trie_pattern(forms)
        if len(secrets[0]) < MIN_SECRET_CHARS:
            # Short secrets only as whole tokens: no letter, digit or `_` touching them.
            pattern = r"(?<!\w)(?:%s)(?!\w)" % pattern
        known = _re.compile(pattern)
        if len(_MATCHERS) >= 256:
            _MATCHERS.clear()
        _MATCHERS[secrets] = known
    return known


def _html_reference(text, at):
    """What the HTML/XML character reference at `text[at]` (an `&`) stands for, and its length."""
    if text.startswith("&#", at):
        start, radix = at + 2, 10
        if text[start:start + 1] in ("x", "X"):
            start, radix = start + 1, 16
        digits = "0123456789" if radix == 10 else "0123456789abcdefABCDEF"
        end = start
        while end < len(text) and text[end] in digits:
            end += 1
        significant = text[start:end].lstrip("0")
        if end == start or len(significant) > 7:
            return None
        code = int(significant or "0", radix)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), end - at + (1 if text.startswith(";", end) else 0)
    end = at + 1
    while end < len(text) and end - at <= _LONGEST_ENTITY + 1 and text[end].isascii() and text[end].isalnum():
        end += 1
    name = text[at + 1:end]
    if text.startswith(";", end) and name in _ENTITIES:
        return _ENTITIES[name], len(name) + 2
    for length in range(len(name), 0, -1):
        prefix = name[:length]
        if prefix in _ENTITIES_BARE and prefix in _ENTITIES:
            return _ENTITIES[prefix], length + 1
    return None


def _html_unescape(text):
    out, copied, at = [], 0, text.find("&")
    while at >= 0:
        found = _html_reference(text, at)
        if found is None:
            at = text.find("&", at + 1)
            continue
        out.append(text[copied:at])
        out.append(found[0])
        copied = at + found[1]
        at = text.find("&", copied)
    out.append(text[copied:])
    return "".join(out)


def _has_escapes(text):
    """True when decoding may show what masking did not find: a percent-escape, a JSON escape
    or an HTML/XML character reference."""
    if _ESCAPE.search(text):
        return True
    at = text.find("&")
    while at >= 0:
        if _html_reference(text, at) is not None:
            return True
        at = text.find("&", at + 1)
    return False


_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _json_unescape(text):
    """`text` with JSON string escapes undone; what is not a valid escape is left as it is."""
    out, copied = [], 0
    at = text.find("\\")
    while at >= 0:
        out.append(text[copied:at])
        escape = text[at + 1:at + 2]
        copied = at + 1
        if escape in _JSON_SIMPLE:
            out.append(_JSON_SIMPLE[escape])
            copied = at + 2
        elif escape == "u" and _HEX4.fullmatch(text, at + 2, at + 6):
            unit = int(text[at + 2:at + 6], 16)
            if 0xD800 <= unit <= 0xDBFF:
                if text.startswith("\\u", at + 6) and _HEX4.fullmatch(text, at + 8, at + 12):
                    low = int(text[at + 8:at + 12], 16)
                    if 0xDC00 <= low <= 0xDFFF:
                        out.append(chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)))
                        copied = at + 12
                if copied == at + 1:
                    out.append("\\")
            elif 0xDC00 <= unit <= 0xDFFF:
                out.append("\\")
            else:
                out.append(chr(unit))
                copied = at + 6
        else:
            out.append("\\")
        at = text.find("\\", copied)
    out.append(text[copied:])
    return "".join(out)


def _decodings(text):
    """`text` decoded one layer, each way it may have been encoded."""
    decoded = []
    if "\\" in text:
        decoded.append(_json_unescape(text))
    if "%" in text:
        decoded.append(_urlparse.unquote(text, errors="replace"))
        if "+" in text:
            decoded.append(_urlparse.unquote(text.replace("+", " "), errors="replace"))
    if "&" in text:
        decoded.append(_html_unescape(text))
    return decoded


def _base64_runs(text):
    """The runs of base64 in `text` worth decoding, as (start, end, past the padding): six
    characters or more mixing two of upper case, lower case, digits and `+/-_`; a run wrapped
    into lines as PEM and MIME write it is one run."""
    at = 0
    while True:
        # A run shorter than six characters is not decoded, nor goes on to a next line.
        found = _BASE64_RUN_START.search(text, at)
        if not found:
            return
        start = found.start()
        if start > 0 and text[start - 1] == "\\":
            at = start + 1
            continue
        at, width = found.end(), None
        while True:
            length = at - found.start()
            full_line = length >= _MIN_BASE64_LINE_CHARS and length % 4 == 0
            if full_line:
                width = length if width is None else width
                full_line = width == length
            following = None
            if full_line:
                for line_break in _BASE64_LINE_BREAKS:
                    if text.startswith(line_break, at):
                        following = at + len(line_break)
                        break
            if following is not None:
                line = _BASE64_RUN.match(text, following)
                goes_on = (
                    line is not None
                    and not text.startswith("--", following)
                    and (line.end() - following == width or text[line.end():line.end() + 1] not in (" ", "\t"))
                )
                if goes_on:
                    found, at = line, line.end()
                    continue
            break
        end = at
        while at < len(text) and text[at] == "=":
            at += 1
        if end - start >= _MIN_BASE64_RUN_CHARS and _mixes_kinds(text[start:end]):
            yield start, end, at


def _mixes_kinds(run):
    """True when `run` mixes two of upper case, lower case, digits and `+/-_` (as base64 of
    text does; a word or a number does not)."""
    if "\\" in run or "\n" in run:
        kinds = (
            any(c.isupper() for c in run),
            any(c.islower() for c in run),
            any(c.isdigit() for c in run),
            any(c in "+/-_" for c in run),
        )
        return sum(kinds) >= 2
    return not (run.isdigit() or run.isalpha() and (run.islower() or run.isupper()) or not run.strip("+/-_"))


def _printable_utf8(data):
    lead = 0
    while lead < min(3, len(data)) and 0x80 <= data[lead] < 0xC0:
        lead += 1
    data = data[lead:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason != "unexpected end of data" or len(data) - error.start > 3:
            return None
        text = data[:error.start].decode("utf-8")
    if any(_unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        return None
    return text


def _decode_base64(run):
    """`run` decoded as base64 (either alphabet, padding optional, line breaks left out) when
    that gives printable text of 4 bytes or more."""
    if "\n" in run or "\\" in run:
        run = run.replace("\\r", "").replace("\\n", "").replace("\r", "").replace("\n", "")
    if len(run) % 4 == 1:
        run = run[:-1]
    url_safe = "-" in run or "_" in run
    if url_safe and ("+" in run or "/" in run):
        return None
    try:
        data = _b64.b64decode(run + "=" * (-len(run) % 4), altchars=b"-_" if url_safe else None, validate=True)
    except ValueError:
        return None
    text = _printable_utf8(data)
    return text if text is not None and len(text.encode("utf-8")) >= MIN_SECRET_CHARS else None


def _rust_float_text(value):
    """A float as Rust's `Display` writes it (`100000000000000000000`, `0.1`)."""
    import decimal

    text = format(decimal.Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text


class Secrets:
    """Every secret of one user, masked as *** in what Locust shows, as runner masks it."""

    def __init__(self):
        self.values = set()
        self.numbers = []
        # Secrets not yet in a matcher: compiled together at the next use.
        self.pending = []
        self.compiled = []

    def add(self, value):
        """A secret value: text, a number, or every string and number in a list or object."""
        if isinstance(value, (dict, list)):
            self.add_text(json_text(value))
            for item in value.values() if isinstance(value, dict) else value:
                self.add(item)
            return
        if value is None or isinstance(value, bool):
            return
        text = value if isinstance(value, str) else to_text(value)
        self.add_text(text)
        # A number JSON holds as floating point is masked by value, however a text writes it.
        if isinstance(value, (int, float)) and (isinstance(value, float) or not -(2**63) <= value < 2**64):
            try:
                number = abs(float(value))
            except OverflowError:
                return
            if len(text) >= MIN_SECRET_CHARS and _math.isfinite(number) and number not in self.numbers:
                self.numbers.append(number)

    def add_text(self, text):
        if not text or text in self.values:
            return
        self.values.add(text)
        self.pending.append(text)
        for other in _derived(text)[1]:
            self.add_text(other)

    @property
    def matchers(self):
        if self.pending:
            for short in (False, True):
                group = tuple(s for s in self.pending if (len(s) < MIN_SECRET_CHARS) == short)
                if group:
                    self.compiled.append(_matcher(group))
            self.pending = []
        return self.compiled

    def _ranges(self, text):
        ranges = []
        for matcher in self.matchers:
            found = matcher.search(text)
            while found:
                ranges.append((found.start(), found.end()))
                found = matcher.search(text, found.start() + 1)
        if self.numbers:
            ranges.extend(self._number_ranges(text))
        return ranges

    def _number_ranges(self, text):
        for found in _NUMBER.finditer(text):
            start, end = found.span()
            before = text[start - 1:start]
            after = text[end:end + 1]
            if (before and (before.isascii() and before.isalnum() or before in "_.")) or (
                after and (after.isascii() and after.isalnum() or after == "_")
            ):
                continue
            literal = found.group()
            try:
                value = float(literal)
            except (ValueError, OverflowError):
                continue
            if value in self.numbers and _rust_float_text(value) != literal:
                yield start, end

    def contains_secret(self, text):
        if not text:
            return False
        if any(matcher.search(text) for matcher in self.matchers):
            return True
        return bool(self.numbers) and next(self._number_ranges(text), None) is not None

    def _mask(self, text):
        """`text` with every form of every secret replaced, overlapping ones joined; and
        whether anything was."""
        ranges = sorted(self._ranges(text)) if text else []
        if not ranges:
            return text, False
        out, last_end = [], 0
        joined = [list(ranges[0])]
        for start, end in ranges[1:]:
            if start <= joined[-1][1]:
                joined[-1][1] = max(joined[-1][1], end)
            else:
                joined.append([start, end])
        for start, end in joined:
            out.append(text[last_end:start])
            out.append(MASK)
            last_end = end
        out.append(text[last_end:])
        return "".join(out), True

    def mask(self, text):
        """`text` with every secret replaced by ***: in any form, in a mix of encodings, and
        inside base64 (then shown decoded, masked)."""
        if not self.values:
            return text
        return self._redact(text, 0)[0]

    def _redact(self, text, layers):
        masked, changed = self._mask(text)
        if layers < _BASE64_LAYERS:
            unwrapped = self._unwrap_base64(masked, layers)
            if unwrapped is not None:
                masked, changed = unwrapped, True
        for _ in range(_REVEAL_ROUNDS):
            if not _has_escapes(masked):
                return masked, changed
            decoded = self._reveal(masked)
            if decoded is None:
                return masked, changed
            masked, changed = decoded, True
        if _has_escapes(masked) and self._reveal(masked) is not None:
            return WITHHELD, True
        return masked, changed

    def _unwrap_base64(self, text, layers):
        """`text` with each run of base64 that hides a secret shown decoded and masked; None
        when no run hides one."""
        out, copied = [], 0
        for start, end, past_padding in _base64_runs(text):
            ways = 4 if text.endswith(MASK, 0, start) else 1
            shown = None
            for skip in range(ways):
                if start + skip > end:
                    break
                decoded = _decode_base64(text[start + skip:end])
                if decoded is None:
                    continue
                redacted, changed = self._redact(decoded, layers + 1)
                if changed:
                    shown = (start + skip, redacted)
                    break
            if shown is None:
                continue
            out.append(text[copied:shown[0]])
            out.append(shown[1])
            copied = past_padding
        if not out:
            return None
        out.append(text[copied:])
        return "".join(out)

    def _reveal(self, text):
        """`text` decoded (up to three layers, in any order) until a secret shows, then
        masked; None when no decoding shows one."""
        seen, layer = set(), [text]
        for _ in range(_DECODE_DEPTH):
            following = []
            for current in layer:
                for decoded in _decodings(current):
                    if decoded == current or decoded in seen:
                        continue
                    seen.add(decoded)
                    if self.contains_secret(decoded):
                        return self._mask(decoded)[0]
                    following.append(decoded)
            layer = following
        return None


# --- values as text, as runner writes them -----------------------------------------------------


def json_text(value):
    """JSON as serde_json writes it: compact, non-ASCII kept."""
    return _json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def to_text(value):
    """runner's value_to_text: text as is, anything else as JSON."""
    return value if isinstance(value, str) else json_text(value)


def hb_render(value):
    """How handlebars writes a value inside text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(hb_render(v) for v in value) + "]"
    return "[object]"


def truthy(value):
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return value != 0 and not (isinstance(value, float) and _math.isnan(value))
    return len(value) > 0


def shorten(text, limit):
    return text if len(text) <= limit else text[:limit] + "…"


def show(value, secrets):
    if value is MISSING:
        return "nothing"
    return shorten(secrets.mask(json_text(value)), SHOWN)


def rust_debug(text):
    """A string as Rust's {:?} writes it."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


MISSING = object()


def parse_duration(text):
    """Seconds of `500ms`, `2s`, `1.5m`, `4h`."""
    if isinstance(text, (int, float)):
        return float(text)
    match = _re.fullmatch(r"\s*([0-9.]+)\s*(ms|s|m|h)\s*", text)
    if not match:
        raise StepError("`%s` is not a duration" % text)
    return float(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2)]


# --- templates (handlebars, the subset runner collections use) ---------------------------------

_MUSTACHE = _re.compile(r"\{\{\{?(.*?)\}?\}\}", _re.S)
_WORD = _re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[^\s]+)')


def parse_template(source):
    """A template as a tree: text, expressions and `#if`/`#unless` blocks. `\\{{` is the text
    `{{`, as handlebars reads it (what follows is text up to the next `{{`)."""
    root = []
    stack = [(root, None)]
    position = 0
    while True:
        at = source.find("{{", position)
        if at > 0 and source[at - 1] == "\\":
            stack[-1][0].append(("text", source[position : at - 1] + "{{"))
            position = at + 2
            continue
        match = _MUSTACHE.match(source, at) if at >= 0 else None
        if match is None:
            break
        if match.start() > position:
            stack[-1][0].append(("text", source[position : match.start()]))
        position = match.end()
        inner = match.group(1).strip()
        if inner.startswith("!"):
            continue
        if inner.startswith("#"):
            words = _WORD.findall(inner[1:])
            block = {"kind": words[0], "args": words[1:], "then": [], "else": []}
            stack[-1][0].append(("block", block))
            stack.append((block["then"], block))
        elif inner == "else":
            block = stack[-1][1]
            stack[-1] = (block["else"], block)
        elif inner.startswith("/"):
            stack.pop()
        else:
            stack[-1][0].append(("expr", _WORD.findall(inner)))
    if position < len(source):
        stack[-1][0].append(("text", source[position:]))
    return root


_TEMPLATES = {}
_WHOLE = _re.compile(r"\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}")
_DYNAMIC_WHOLE = _re.compile(r"\{\{\s*(\$[A-Za-z]+)\s*\}\}")


def compiled(source):
    tree = _TEMPLATES.get(source)
    if tree is None:
        tree = _TEMPLATES[source] = parse_template(source)
    return tree


def lookup_path(context, path):
    """A dotted path in the variables (`a.b`, `list.0`, `env.NAME`, `steps.id.json.x`)."""
    parts = path.split(".")
    if parts[0] == "this":
        parts = parts[1:]
    current = context.root(parts[0])
    for part in parts[1:]:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            raise RenderError("undefined variable `%s`" % path)
    return current


def argument(context, word):
    if word[0] in "\"'":
        return word[1:-1].replace('\\"', '"')
    if _re.fullmatch(r"-?\d+", word):
        return int(word)
    if _re.fullmatch(r"-?\d+\.\d+", word):
        return float(word)
    if word in ("true", "false"):
        return word == "true"
    if word == "null":
        return None
    return lookup_path(context, word)


# --- Postman's dynamic variables ({{$randomInt}}, ...): runner's table, DYNAMIC above ---------

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CHARACTERS = {
    "#": "0123456789",
    "x": "0123456789abcdef",
    "a": "abcdefghijklmnopqrstuvwxyz0123456789",
    "A": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "w": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
    "b": "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
}


def _sentence():
    words = [_random.choice(DYNAMIC["words"]["lorem"]) for _ in range(_random.randint(3, 10))]
    return " ".join([words[0][:1].upper() + words[0][1:]] + words[1:]) + "."


def _placeholder(inside):
    """One `{...}` of a dynamic variable's pattern, as runner's template::dynamic::expand."""
    args = inside.split(" ")
    head = args[0]
    if head in _CHARACTERS:
        return _random.choice(_CHARACTERS[head])
    if head == "int":
        return str(_random.randint(int(args[1]), int(args[2])))
    if head == "decimal":
        low, high, decimals = int(args[1]), int(args[2]), int(args[3])
        return "%.*f" % (decimals, low + _random.random() * (high - low))
    if head == "uuid":
        return str(_uuid.uuid4())
    if head == "timestamp":
        return str(int(_time.time()))
    if head == "iso":
        return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if head == "date":
        day = 86400
        seconds = {
            "future": _random.randint(1, 365 * day),
            "recent": -_random.randint(1, day),
        }.get(args[1] if len(args) > 1 else "", -_random.randint(1, 365 * day))
        at = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=seconds)
        return "%s %s %02d %04d %02d:%02d:%02d GMT+0000 (Coordinated Universal Time)" % (
            _DAYS[at.weekday()], _MONTHS[at.month - 1], at.day, at.year, at.hour, at.minute, at.second)
    if head == "sentence":
        return _sentence()
    if head == "sentences":
        separator = inside.split('"')[1] if '"' in inside else " "
        separator = "\n" if separator == "\\n" else separator
        return separator.join(_sentence() for _ in range(_random.randint(int(args[1]), int(args[2]))))
    if head == "paragraphs":
        return "\n \r".join(
            " ".join(_sentence() for _ in range(_random.randint(3, 6))) for _ in range(int(args[1])))
    if "*" in head:
        name, span = head.split("*", 1)
        low, _, high = span.partition("-")
        count = _random.randint(int(low), int(high or low))
        return " ".join(_random.choice(DYNAMIC["words"][name]) for _ in range(count))
    if head in DYNAMIC["words"]:
        return _random.choice(DYNAMIC["words"][head])
    return "{" + inside + "}"


def dynamic_value(name):
    """A new value of the dynamic variable `name`: a number, a boolean or a text, as Postman's."""
    pattern = _random.choice(DYNAMIC["variables"][name])
    text = _re.sub(r"\{([^}]*)\}", lambda m: _placeholder(m.group(1)), pattern)
    if name in ("$randomInt", "$timestamp"):
        return int(text)
    if name == "$randomBoolean":
        return text == "true"
    return text


def call(context, words):
    name, args = words[0], words[1:]
    if name.startswith("$") and name in DYNAMIC["variables"] and not args:
        return dynamic_value(name)
    if name == "uuid" and not args:
        return str(_uuid.uuid4())
    if name == "now" and not args:
        return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if name == "timestamp" and not args:
        return int(_time.time())
    values = [argument(context, a) for a in args]
    if name == "base64":
        text = to_text(values[0])
        out = _b64.b64encode(text.encode()).decode()
        context.derived(text, out)
        return out
    if name == "json":
        out = json_text(values[0])
        context.derived(out, out)
        return out
    if name == "urlencode":
        text = to_text(values[0])
        out = _urlparse.quote(text, safe="-_.~")
        context.derived(text, out)
        return out
    if name == "lookup":
        target, key = values
        if isinstance(target, list) and isinstance(key, (int, str)) and str(key).isdigit():
            index = int(key)
            return target[index] if index < len(target) else None
        if isinstance(target, dict):
            return target.get(to_text(key))
        return None
    if not args:
        return lookup_path(context, name)
    raise RenderError("unknown helper `%s`" % name)


def render_tree(context, tree, out):
    for kind, item in tree:
        if kind == "text":
            out.append(item)
        elif kind == "expr":
            out.append(hb_render(call(context, item)))
        else:
            try:
                value = argument(context, item["args"][0])
            except RenderError:
                value = None
            holds = truthy(value)
            if item["kind"] == "unless":
                holds = not holds
            render_tree(context, item["then"] if holds else item["else"], out)


def render_text(context, source):
    if not isinstance(source, str):
        return to_text(source)
    if "{{" not in source:
        return source
    whole = _WHOLE.fullmatch(source)
    if whole and whole.group(1) not in HELPERS:
        return to_text(lookup_path(context, whole.group(1)))
    out = []
    render_tree(context, compiled(source), out)
    return "".join(out)


def render_value(context, source):
    """A template keeping the variable's JSON type when it is exactly one `{{variable}}`."""
    if isinstance(source, str) and "{{" in source:
        whole = _WHOLE.fullmatch(source)
        if whole and whole.group(1) not in HELPERS:
            return lookup_path(context, whole.group(1))
        # A dynamic variable standing alone is its own type: `$randomInt` a number.
        dynamic = _DYNAMIC_WHOLE.fullmatch(source)
        if dynamic and dynamic.group(1) in DYNAMIC["variables"]:
            return dynamic_value(dynamic.group(1))
        return render_text(context, source)
    return source


def repeated(context, fields):
    """A `query` or `form` map as (name, text) pairs, as runner sends them: a list is the name
    once per value, in order, and so is a value that is exactly one `{{var}}` holding a list."""
    pairs = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            rendered = render_value(context, item)
            if not isinstance(rendered, list):
                pairs.append((key, to_text(rendered)))
                continue
            for one in rendered:
                if one is None or isinstance(one, (list, dict)):
                    raise RenderError(
                        "`%s` holds a list whose element is not a string, number or boolean" % item
                    )
                pairs.append((key, to_text(one)))
    return pairs


def render_json(context, value):
    if isinstance(value, dict):
        # Keys are templates too, as in runner; keys that render alike keep the last value.
        return {render_text(context, k): render_json(context, v) for k, v in value.items()}
    if isinstance(value, list):
        return [render_json(context, v) for v in value]
    return render_value(context, value)


# --- JSONPath (RFC 9535), evaluated on the tree runner's own parser compiled at export ---------


def _children(node):
    if isinstance(node, dict):
        return list(node.values())
    if isinstance(node, list):
        return list(node)
    return []


def _descendants(node):
    out = [node]
    for child in _children(node):
        out.extend(_descendants(child))
    return out


def _slice(items, start, end, step):
    step = 1 if step is None else step
    if step == 0:
        return []
    n = len(items)

    def norm(i):
        return i if i >= 0 else n + i

    if step > 0:
        lower = min(max(norm(start if start is not None else 0), 0), n)
        upper = min(max(norm(end if end is not None else n), 0), n)
        return [items[i] for i in range(lower, upper, step)]
    upper = min(max(norm(start if start is not None else n - 1), -1), n - 1)
    lower = min(max(norm(end) if end is not None else -n - 1, -1), n - 1)
    return [items[i] for i in range(upper, lower, step)]


def _select(selector, node, root):
    kind = selector[0]
    if kind == "name":
        return [node[selector[1]]] if isinstance(node, dict) and selector[1] in node else []
    if kind == "wild":
        return _children(node)
    if kind == "index":
        if isinstance(node, list):
            i = selector[1] if selector[1] >= 0 else len(node) + selector[1]
            return [node[i]] if 0 <= i < len(node) else []
        return []
    if kind == "slice":
        return _slice(node, selector[1], selector[2], selector[3]) if isinstance(node, list) else []
    if kind == "filter":
        return [child for child in _children(node) if _filter(selector[1], child, root)]
    return []


def _query(segments, node, root):
    nodes = [node]
    for segment in segments:
        found = []
        for current in nodes:
            targets = _descendants(current) if segment["d"] else [current]
            for target in targets:
                for selector in segment["s"]:
                    found.extend(_select(selector, target, root))
        nodes = found
    return nodes


def _json_eq(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_eq(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_eq(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _i_regexp(pattern):
    """An I-Regexp (RFC 9485) as a Python regex: `.` matches anything but \\n and \\r."""
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        elif ch == ".":
            out.append("[^\\n\\r]")
        else:
            out.append(ch)
    return "".join(out)


def _as_value(arg):
    """A function argument as a value: a query's single node, or nothing."""
    kind, value = arg
    if kind == "nodes":
        return value[0] if len(value) == 1 else MISSING
    return value


def _function(fn, current, root):
    name = fn[0]
    args = [_fn_arg(a, current, root) for a in fn[1:]]
    if name == "length":
        value = _as_value(args[0])
        if isinstance(value, (str, list, dict)):
            return len(value)
        return MISSING
    if name == "count":
        return len(args[0][1]) if args[0][0] == "nodes" else MISSING
    if name == "value":
        return _as_value(args[0]) if args[0][0] == "nodes" else MISSING
    if name in ("match", "search"):
        text, pattern = _as_value(args[0]), _as_value(args[1])
        if not isinstance(text, str) or not isinstance(pattern, str):
            return False
        try:
            compiled_regex = _re.compile(_i_regexp(pattern))
        except _re.error:
            return False
        found = compiled_regex.fullmatch(text) if name == "match" else compiled_regex.search(text)
        return found is not None
    return MISSING


def _fn_arg(arg, current, root):
    """A function argument, tagged: ("value", v), ("nodes", [...]) or ("logical", b)."""
    kind = arg[0]
    if kind == "lit":
        return ("value", arg[1])
    if kind == "test":
        test = arg[1]
        if test[0] == "fn":
            return ("value", _function(test[1], current, root))
        return ("nodes", _query(test[1], current if test[0] == "rel" else root, root))
    return ("logical", _filter(arg[1], current, root))


def _comparable(comparable, current, root):
    kind = comparable[0]
    if kind == "lit":
        return comparable[1]
    if kind == "fn":
        return _function(comparable[1], current, root)
    node = current if comparable[1] == "rel" else root
    for segment in comparable[2]:
        if isinstance(segment, int):
            if isinstance(node, list):
                i = segment if segment >= 0 else len(node) + segment
                if not 0 <= i < len(node):
                    return MISSING
                node = node[i]
            else:
                return MISSING
        elif isinstance(node, dict) and segment in node:
            node = node[segment]
        else:
            return MISSING
    return node


def _less(a, b):
    if _is_number(a) and _is_number(b):
        return a < b
    if isinstance(a, str) and isinstance(b, str):
        return a < b
    return False


def _compare(op, a, b):
    if op in ("==", "!="):
        equal = (a is MISSING and b is MISSING) or (
            a is not MISSING and b is not MISSING and _json_eq(a, b)
        )
        return equal if op == "==" else not equal
    if a is MISSING or b is MISSING:
        return False
    if op == "<":
        return _less(a, b)
    if op == ">":
        return _less(b, a)
    if op == "<=":
        return _less(a, b) or _json_eq(a, b)
    return _less(b, a) or _json_eq(a, b)


def _filter(expr, current, root):
    kind = expr[0]
    if kind == "or":
        return any(_filter(e, current, root) for e in expr[1])
    if kind == "and":
        return all(_filter(e, current, root) for e in expr[1])
    if kind == "not":
        return not _filter(expr[1], current, root)
    if kind == "test":
        test = expr[1]
        if test[0] == "fn":
            return _function(test[1], current, root) is True
        return len(_query(test[1], current if test[0] == "rel" else root, root)) > 0
    return _compare(
        expr[1], _comparable(expr[2], current, root), _comparable(expr[3], current, root)
    )


def jsonpath(path, document):
    """Every node `path` selects, in document order."""
    return _query(JSONPATHS[path], document, document)


# --- JSON Schema (the keywords runner's collections use) ---------------------------------------

_TYPES = {
    "string": lambda v: isinstance(v, str),
    "number": _is_number,
    "integer": lambda v: _is_number(v) and float(v).is_integer(),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _pointer(root, ref):
    node = root
    for part in ref.lstrip("#").split("/")[1:]:
        part = _urlparse.unquote(part).replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


_TYPE_ORDER = ("array", "boolean", "integer", "null", "number", "object", "string")


def _plural(n, one, many):
    return one if n == 1 else many


def _enum_message(instance, options):
    """As the jsonschema crate writes it: `"x" is not one of "a", "b" or "c"`."""
    shown = [json_text(o) for o in options]
    if len(shown) <= 3:
        listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    else:
        listed = ", ".join(shown[:2]) + " or %d other candidates" % (len(shown) - 2)
    return "%s is not one of %s" % (json_text(instance), listed)


def _object_errors(schema, instance, root, at):
    """`properties`, `patternProperties` and `additionalProperties` together: with
    `additionalProperties`, in the instance's order, else in the schema's."""
    errors = []
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})

    def where(name):
        return at + "/" + name.replace("~", "~0").replace("/", "~1")

    if "additionalProperties" not in schema:
        for name, sub in properties.items():
            if name in instance:
                errors += schema_errors(sub, instance[name], root, where(name))
        for pattern, sub in patterns.items():
            for name, value in instance.items():
                if _re.search(pattern, name):
                    errors += schema_errors(sub, value, root, where(name))
        return errors
    extra = schema["additionalProperties"]
    unexpected = []
    for name, value in instance.items():
        known = False
        if name in properties:
            known = True
            errors += schema_errors(properties[name], value, root, where(name))
        for pattern, sub in patterns.items():
            if _re.search(pattern, name):
                known = True
                errors += schema_errors(sub, value, root, where(name))
        if not known:
            if extra is False:
                unexpected.append(name)
            elif isinstance(extra, dict):
                errors += schema_errors(extra, value, root, where(name))
    if unexpected:
        errors.append((at, "Additional properties are not allowed (%s %s)" % (
            ", ".join("'%s'" % n for n in unexpected),
            _plural(len(unexpected), "was unexpected", "were unexpected"),
        )))
    return errors


def schema_errors(schema, instance, root=None, at=""):
    """(instance path, message) for each place `instance` breaks `schema`, keyword by keyword
    in the schema's order, with the jsonschema crate's messages."""
    root = schema if root is None else root
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [(at, "False schema does not allow %s" % json_text(instance))]
    errors = []
    shown = json_text(instance)
    objects_done = False
    for keyword, value in schema.items():
        if keyword == "$ref":
            errors += schema_errors(_pointer(root, value), instance, root, at)
        elif keyword == "type":
            types = value if isinstance(value, list) else [value]
            if not any(_TYPES[t](instance) for t in types):
                if len(types) == 1:
                    errors.append((at, '%s is not of type "%s"' % (shown, types[0])))
                else:
                    ordered = [t for t in _TYPE_ORDER if t in types]
                    errors.append((at, "%s is not of types %s" % (shown, ", ".join('"%s"' % t for t in ordered))))
        elif keyword == "enum":
            if not any(_json_eq(instance, e) for e in value):
                errors.append((at, _enum_message(instance, value)))
        elif keyword == "const":
            if not _json_eq(instance, value):
                errors.append((at, "%s was expected" % json_text(value)))
        elif keyword == "allOf":
            for sub in value:
                errors += schema_errors(sub, instance, root, at)
        elif keyword == "anyOf":
            if all(schema_errors(sub, instance, root, at) for sub in value):
                errors.append((at, "%s is not valid under any of the schemas listed in the 'anyOf' keyword" % shown))
        elif keyword == "oneOf":
            passed = sum(1 for sub in value if not schema_errors(sub, instance, root, at))
            if passed == 0:
                errors.append((at, "%s is not valid under any of the schemas listed in the 'oneOf' keyword" % shown))
            elif passed > 1:
                errors.append((at, "%s is valid under more than one of the schemas listed in the 'oneOf' keyword" % shown))
        elif keyword == "not":
            if not schema_errors(value, instance, root, at):
                errors.append((at, "%s is not allowed for %s" % (json_text(value), shown)))
        elif keyword == "if":
            branch = "then" if not schema_errors(value, instance, root, at) else "else"
            if branch in schema:
                errors += schema_errors(schema[branch], instance, root, at)
        elif isinstance(instance, dict):
            if keyword == "required":
                for name in value:
                    if name not in instance:
                        errors.append((at, "%s is a required property" % json_text(name)))
            elif keyword in ("properties", "patternProperties", "additionalProperties"):
                if not objects_done:
                    objects_done = True
                    errors += _object_errors(schema, instance, root, at)
            elif keyword == "propertyNames":
                for name in instance:
                    errors += schema_errors(value, name, root, at)
            elif keyword == "minProperties" and len(instance) < value:
                errors.append((at, "%s has less than %d %s" % (shown, value, _plural(value, "property", "properties"))))
            elif keyword == "maxProperties" and len(instance) > value:
                errors.append((at, "%s has more than %d %s" % (shown, value, _plural(value, "property", "properties"))))
            elif keyword == "dependentRequired":
                for name, needed in value.items():
                    if name in instance:
                        for other in needed:
                            if other not in instance:
                                errors.append((at, "%s is a required property" % json_text(other)))
        elif isinstance(instance, list):
            if keyword in ("items", "prefixItems") and keyword == ("prefixItems" if "prefixItems" in schema else "items"):
                prefix = schema.get("prefixItems", [])
                items = schema.get("items")
                if isinstance(items, list):
                    prefix, items = items, schema.get("additionalItems")
                for i, item in enumerate(instance):
                    sub = prefix[i] if i < len(prefix) else items
                    if isinstance(sub, (dict, bool)):
                        errors += schema_errors(sub, item, root, "%s/%d" % (at, i))
            elif keyword == "minItems" and len(instance) < value:
                errors.append((at, "%s has less than %d %s" % (shown, value, _plural(value, "item", "items"))))
            elif keyword == "maxItems" and len(instance) > value:
                errors.append((at, "%s has more than %d %s" % (shown, value, _plural(value, "item", "items"))))
            elif keyword == "uniqueItems" and value and any(
                _json_eq(a, b) for i, a in enumerate(instance) for b in instance[i + 1 :]
            ):
                errors.append((at, "%s has non-unique elements" % shown))
            elif keyword == "contains" and not any(not schema_errors(value, v, root, at) for v in instance):
                errors.append((at, "None of %s are valid under the given schema" % shown))
        elif isinstance(instance, str):
            if keyword == "minLength" and len(instance) < value:
                errors.append((at, "%s is shorter than %d %s" % (shown, value, _plural(value, "character", "characters"))))
            elif keyword == "maxLength" and len(instance) > value:
                errors.append((at, "%s is longer than %d %s" % (shown, value, _plural(value, "character", "characters"))))
            elif keyword == "pattern" and not _re.search(value, instance):
                errors.append((at, '%s does not match "%s"' % (shown, value)))
        elif _is_number(instance) and _is_number(value):
            for name, broken, text in (
                ("minimum", lambda v, m: v < m, "less than the minimum of"),
                ("maximum", lambda v, m: v > m, "greater than the maximum of"),
                ("exclusiveMinimum", lambda v, m: v <= m, "less than or equal to the minimum of"),
                ("exclusiveMaximum", lambda v, m: v >= m, "greater than or equal to the maximum of"),
            ):
                if keyword == name and broken(instance, value):
                    errors.append((at, "%s is %s %s" % (shown, text, json_text(value))))
            if keyword == "multipleOf" and (instance / value) % 1:
                errors.append((at, "%s is not a multiple of %s" % (shown, json_text(value))))
    return errors


# --- predicates, as runner's check::predicate ---------------------------------------------------

_OPERATORS = (
    "exists", "type", "equals", "not_equals", "contains", "not_contains", "starts_with",
    "ends_with", "matches", "one_of", "lt", "le", "gt", "ge", "length", "empty",
)
_REGEXES = {}


def regex(pattern):
    compiled_regex = _REGEXES.get(pattern)
    if compiled_regex is None:
        compiled_regex = _REGEXES[pattern] = _re.compile(pattern)
    return compiled_regex


class Mismatch(Exception):
    def __init__(self, expected, actual):
        super().__init__(expected)
        self.expected = expected
        self.actual = actual


def _text_number(text):
    try:
        return float(text.strip())
    except (ValueError, AttributeError):
        return None


def _equal(subject, actual, expected):
    if subject == "text" and isinstance(actual, str):
        if isinstance(expected, str):
            return actual == expected
        if _is_number(expected):
            return _text_number(actual) == float(expected)
        return json_text(expected) == actual
    if subject == "count" and isinstance(expected, str):
        return _is_number(actual) and _text_number(expected) == float(actual)
    return _json_eq(actual, expected)


def _contains(haystack, needle):
    if isinstance(haystack, str):
        return to_text(needle) in haystack
    if isinstance(haystack, list):
        return any(_json_eq(item, needle) for item in haystack)
    if isinstance(haystack, dict):
        return isinstance(needle, str) and needle in haystack
    return to_text(needle) in to_text(haystack)


def _as_number(value):
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        return _text_number(value)
    return None


def _order(actual, expected):
    if isinstance(actual, str) and isinstance(expected, str):
        a, b = _text_number(actual), _text_number(expected)
        if a is not None and b is not None:
            return (a > b) - (a < b)
        return (actual > expected) - (actual < expected)
    a, b = _as_number(actual), _as_number(expected)
    if a is None or b is None:
        return None
    return (a > b) - (a < b)


def _length(value):
    if isinstance(value, (str, list, dict)):
        return len(value)
    return None


def _is_type(value, wanted):
    return _TYPES[wanted](value)


class Check:
    """Evaluates predicates with the variables of the moment."""

    def __init__(self, context, secrets):
        self.context = context
        self.secrets = secrets

    def operand(self, spec, subject, key):
        if subject == "duration" and key in ("lt", "le", "gt", "ge") and isinstance(spec, str) and "{{" not in spec:
            return int(round(parse_duration(spec) * 1000))
        return render_json(self.context, spec)

    def predicate(self, spec, actual, subject="json"):
        """Raises Mismatch when `spec` does not hold for `actual` (MISSING: absent)."""
        if not isinstance(spec, dict):
            return self.one("equals", spec, actual, subject)
        for key in _OPERATORS:
            if key in spec:
                self.one(key, spec[key], actual, subject)

    def describe(self, key, spec, subject):
        def shown():
            try:
                return show(self.operand(spec, subject, key), self.secrets)
            except RenderError:
                return "?"

        if key == "equals":
            return shown()
        if key == "not_equals":
            return "not equal to " + shown()
        if key == "exists":
            return "to exist" if spec else "to be absent"
        if key == "type":
            return "type " + spec
        if key == "contains":
            return "contains " + shown()
        if key == "not_contains":
            return "does not contain " + shown()
        if key in ("starts_with", "ends_with"):
            try:
                text = render_text(self.context, spec)
            except RenderError:
                text = ""
            return ("starts with " if key == "starts_with" else "ends with ") + rust_debug(text)
        if key == "matches":
            return "matches /%s/" % spec
        if key == "one_of":
            parts = []
            for item in spec:
                try:
                    parts.append(show(render_json(self.context, item), self.secrets))
                except RenderError:
                    parts.append("?")
            return "one of [%s]" % ", ".join(parts)
        if key in ("lt", "le", "gt", "ge"):
            return {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[key] + " " + shown()
        if key == "length":
            if isinstance(spec, dict):
                first = next((k for k in _OPERATORS if k in spec), None)
                return "length " + (self.describe(first, spec[first], "count") if first else "")
            return "length " + self.describe("equals", spec, "count")
        if key == "empty":
            return "to be empty" if spec else "not to be empty"
        return key

    def one(self, key, spec, actual, subject):
        def fail(expected=None):
            raise Mismatch(
                expected if expected is not None else self.describe(key, spec, subject),
                show(actual, self.secrets),
            )

        def rendered():
            try:
                return self.operand(spec, subject, key)
            except RenderError as error:
                raise Mismatch("an operand that renders (%s)" % error, show(actual, self.secrets))

        if key == "exists":
            if spec and actual is MISSING:
                fail("to exist")
            if not spec and actual is not MISSING:
                fail("to be absent")
            return
        if actual is MISSING:
            fail()
        if key == "equals":
            holds = _equal(subject, actual, rendered())
        elif key == "not_equals":
            holds = not _equal(subject, actual, rendered())
        elif key == "type":
            holds = _is_type(actual, spec)
        elif key == "contains":
            holds = _contains(actual, rendered())
        elif key == "not_contains":
            holds = not _contains(actual, rendered())
        elif key == "starts_with":
            holds = to_text(actual).startswith(render_text(self.context, spec))
        elif key == "ends_with":
            holds = to_text(actual).endswith(render_text(self.context, spec))
        elif key == "matches":
            holds = regex(spec).search(to_text(actual)) is not None
        elif key == "one_of":
            holds = any(_equal(subject, actual, render_json(self.context, item)) for item in spec)
        elif key in ("lt", "le", "gt", "ge"):
            order = _order(actual, rendered())
            holds = order is not None and {
                "lt": order < 0, "le": order <= 0, "gt": order > 0, "ge": order >= 0
            }[key]
        elif key == "length":
            n = _length(actual)
            if n is None:
                fail()
            try:
                self.predicate(spec, n, "count")
            except Mismatch as inner:
                raise Mismatch("length " + inner.expected, "length %d: %s" % (n, show(actual, self.secrets)))
            return
        elif key == "empty":
            empty = actual is None or (isinstance(actual, (str, list, dict)) and len(actual) == 0)
            holds = empty == spec
        else:
            holds = True
        if not holds:
            fail()


# --- responses ----------------------------------------------------------------------------------


class Received:
    """A response as checks judge it."""

    def __init__(self, response, took):
        self.response = response
        self.status = response.status_code or 0
        # http.client reads header bytes as Latin-1; runner reads them as UTF-8 (a byte that
        # is not UTF-8 as U+FFFD): the same text here.
        self.headers = {
            k.lower(): v.encode("latin-1", "replace").decode("utf-8", "replace")
            for k, v in (response.headers or {}).items()
        }
        self.body = response.content or b""
        self.url = response.url or ""
        self.took_ms = int(took * 1000)
        self._json = MISSING
        self._json_error = None

    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        if self._json is MISSING and self._json_error is None:
            try:
                # "utf-8-sig": after a byte order mark, as runner reads a JSON body.
                self._json = _json.loads(self.body.decode("utf-8-sig"))
            except (ValueError, UnicodeDecodeError) as error:
                self._json_error = str(error)
        if self._json_error is not None:
            raise NotJson(self)
        return self._json

    def set_cookies(self):
        """Every Set-Cookie, redirects on the way included, parsed."""
        found = []
        for hop in list(getattr(self.response, "history", None) or []) + [self.response]:
            raw = getattr(hop, "raw", None)
            headers = getattr(raw, "headers", None)
            values = headers.getlist("Set-Cookie") if hasattr(headers, "getlist") else []
            for value in values:
                found.append(parse_set_cookie(value))
        return found

    def cookie(self, name):
        for cookie in reversed(self.set_cookies()):
            if cookie["name"] == name:
                return cookie
        return None

    def redirects(self):
        hops = list(getattr(self.response, "history", None) or [])
        return [hops[i + 1].url if i + 1 < len(hops) else self.url for i in range(len(hops))]


class NotJson(Exception):
    def __init__(self, received):
        super().__init__("not JSON")
        self.received = received

    def describe(self, secrets):
        return "the body is not JSON (%s); Content-Type: %s, body starts with: %s" % (
            self.received._json_error,
            rust_debug(self.received.header("content-type") or ""),
            rust_debug(shorten(secrets.mask(self.received.text()), BODY_START)),
        )


def parse_set_cookie(text):
    parts = [p.strip() for p in text.split(";")]
    name, _, value = parts[0].partition("=")
    cookie = {"name": name.strip(), "value": value.strip(), "secure": False, "http_only": False}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        key = key.strip().lower()
        if key == "secure":
            cookie["secure"] = True
        elif key == "httponly":
            cookie["http_only"] = True
        elif key == "path":
            cookie["path"] = val
        elif key == "domain":
            cookie["domain"] = val
        elif key == "samesite":
            cookie["same_site"] = val
        elif key == "max-age":
            try:
                cookie["max_age"] = int(val)
            except ValueError:
                pass
        elif key == "expires":
            cookie["expires"] = val
    return cookie


class Failure:
    def __init__(self, subject, expected, actual):
        self.subject, self.expected, self.actual = subject, expected, actual

    def __str__(self):
        return "%s: expected %s, got %s" % (self.subject, self.expected, self.actual)


def check_status(spec, received, check):
    """`None` when the status is accepted, else what was expected."""
    if spec is None:
        return None if 200 <= received.status < 400 else (
            "a success (2xx or 3xx: the step sets no `expect.status`; `status: any` accepts every status)"
        )
    value = spec
    if isinstance(spec, str) and "{{" in spec:
        try:
            value = render_value(check.context, spec)
        except RenderError as error:
            return "`%s` to render (%s)" % (spec, error)
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                value = _json.loads(value)
            except ValueError:
                pass
    if isinstance(value, bool):
        return "`%s` to render a status, got %s" % (spec, json_text(value))
    if isinstance(value, int):
        return None if received.status == value else str(value)
    if isinstance(value, list):
        if received.status in value:
            return None
        return str(value[0]) if len(value) == 1 else "one of " + ", ".join(str(c) for c in value)
    text = str(value).strip()
    if text == "any":
        return None
    if text == "success":
        return None if 200 <= received.status < 400 else "a success (2xx or 3xx)"
    if _re.fullmatch(r"[1-9][xX][xX]", text):
        return None if received.status // 100 == int(text[0]) else text[0] + "xx"
    if text.isdigit():
        return None if received.status == int(text) else text
    return "`%s` to render a status, got %s" % (spec, json_text(value))


def check_expect(expect, received, check, default_status, pages=False):
    """Every failure of `expect` on the response (not `values`), in runner's order."""
    failures = []
    status = expect.get("status", default_status)
    expected = check_status(status, received, check)
    if expected is not None:
        failures.append(Failure("status", expected, str(received.status)))
    for name, spec in (expect.get("headers") or {}).items():
        value = received.header(name)
        try:
            check.predicate(spec, MISSING if value is None else value, "text")
        except Mismatch as m:
            failures.append(Failure("header " + name, m.expected, m.actual))
    for path, spec in (expect.get("jsonpath") or {}).items():
        try:
            nodes = jsonpath(path, received.json())
        except NotJson as error:
            failures.append(Failure(path, "a JSON body", error.describe(check.secrets)))
            continue
        operators = spec if isinstance(spec, dict) else {"equals": spec}
        if isinstance(spec, dict) and "count" in spec:
            try:
                check.predicate(spec["count"], len(nodes), "count")
            except Mismatch as m:
                failures.append(Failure(path, "count " + m.expected, "%d matches" % len(nodes)))
        rest = {k: v for k, v in operators.items() if k != "count"} if isinstance(spec, dict) else spec
        if isinstance(spec, dict) and not rest:
            continue
        if not nodes:
            try:
                check.predicate(rest, MISSING)
            except Mismatch as m:
                failures.append(Failure(path, m.expected, "no match"))
            continue
        for node in nodes:
            try:
                check.predicate(rest, node)
            except Mismatch as m:
                failures.append(Failure(path, m.expected, m.actual))
                break
    if "body" in expect:
        try:
            check.predicate(expect["body"], received.text(), "text")
        except Mismatch as m:
            failures.append(Failure("body", m.expected, m.actual))
    if "schema" in expect:
        written = expect["schema"]
        subject = "schema (inline)" if written.startswith("(inline) ") else "schema " + written
        try:
            document = received.json()
            for at, message in schema_errors(SCHEMAS[written], document)[:5]:
                failures.append(Failure(subject, "the body to match the schema at `%s`" % (at or "/"), check.secrets.mask(message)))
        except NotJson as error:
            failures.append(Failure(subject, "a JSON body", error.describe(check.secrets)))
    if "url" in expect:
        try:
            check.predicate(expect["url"], received.url, "text")
        except Mismatch as m:
            failures.append(Failure("url", m.expected, m.actual))
    for name, spec in (expect.get("cookies") or {}).items():
        failures.extend(check_cookie(name, spec, received, check))
    if "duration" in expect:
        try:
            check.predicate(expect["duration"], received.took_ms, "duration")
        except Mismatch as m:
            failures.append(Failure("duration", m.expected + " ms", m.actual + " ms"))
    return failures


_COOKIE_ATTRIBUTES = ("value", "secure", "http_only", "path", "domain", "same_site", "max_age", "expires")


def check_cookie(name, spec, received, check):
    cookie = received.cookie(name)
    if cookie is None:
        return [Failure("cookie " + name, "the response to set it", "no such Set-Cookie")]
    failures = []
    if not (isinstance(spec, dict) and spec and all(k in _COOKIE_ATTRIBUTES for k in spec)):
        spec = {"value": spec}
    for attribute, key, label in (
        ("value", "value", ""), ("path", "path", " Path"), ("domain", "domain", " Domain"),
        ("same_site", "same_site", " SameSite"), ("max_age", "max_age", " Max-Age"),
        ("expires", "expires", " Expires"),
    ):
        if attribute in spec:
            actual = cookie.get(key, MISSING)
            try:
                check.predicate(spec[attribute], actual, "text" if key != "max_age" else "json")
            except Mismatch as m:
                failures.append(Failure("cookie " + name + label, m.expected, m.actual))
    for attribute, label in (("secure", "Secure"), ("http_only", "HttpOnly")):
        if attribute in spec and bool(spec[attribute]) != cookie[attribute]:
            state = lambda on: "set" if on else "not set"
            failures.append(Failure("cookie %s %s" % (name, label), state(spec[attribute]), state(cookie[attribute])))
    return failures


def capture(spec, received, secrets):
    """The value a capture takes, or raises Mismatch with runner's reason."""
    if isinstance(spec, str):
        spec = {"jsonpath": spec}

    def first_group(pattern, text, subject):
        match = regex(pattern).search(text)
        if match is None:
            raise Mismatch("a value", "regex /%s/ did not match %s" % (pattern, subject))
        return match.group(1) if match.re.groups >= 1 and match.group(1) is not None else match.group(0)

    if "jsonpath" in spec:
        path = spec["jsonpath"]
        try:
            nodes = jsonpath(path, received.json())
        except NotJson as error:
            raise Mismatch("a value", error.describe(secrets))
        if spec.get("all"):
            return nodes
        if not nodes:
            raise Mismatch("a value", "JSONPath `%s` matched nothing" % path)
        if len(nodes) > 1:
            raise Mismatch("a value", "JSONPath `%s` matched %d nodes; capture one (e.g. `[0]`) or set `all: true`" % (path, len(nodes)))
        return nodes[0]
    if "header" in spec:
        value = received.header(spec["header"])
        if value is None:
            raise Mismatch("a value", "the response has no `%s` header" % spec["header"].lower())
        if "regex" in spec:
            return first_group(spec["regex"], value, "the `%s` header" % spec["header"].lower())
        return value
    if "regex" in spec:
        return first_group(spec["regex"], received.text(), "the body")
    if spec.get("status"):
        return received.status
    if spec.get("body"):
        return received.text()
    if spec.get("duration"):
        return received.took_ms
    if "cookie" in spec:
        cookie = received.cookie(spec["cookie"])
        if cookie is None:
            raise Mismatch("a value", "the response set no cookie `%s`" % spec["cookie"])
        return cookie["value"]
    if spec.get("url"):
        return received.url
    if spec.get("redirects"):
        return received.redirects()
    raise Mismatch("a value", "an unknown capture")


# --- variables ----------------------------------------------------------------------------------


class Context:
    """The variables of one iteration of one user, as templates read them."""

    def __init__(self, runtime, secrets):
        self.variables = {}
        self.runtime = runtime
        self.secrets = secrets

    def root(self, name):
        if name == "env":
            return self.runtime.env_view()
        if name == "sandbox" and "sandbox" not in self.variables:
            return self.runtime.sandbox_vars()
        if name in self.variables:
            return self.variables[name]
        raise RenderError("undefined variable `%s`" % name)

    def derived(self, source, output):
        if self.secrets.contains_secret(source):
            self.secrets.add(output)


class InputsView(dict):
    """`env.NAME`: the declared inputs, read from the environment when first used."""

    def __init__(self, runtime):
        super().__init__()
        self.runtime = runtime

    def __contains__(self, name):
        return name in self.runtime.inputs

    def __getitem__(self, name):
        return self.runtime.input(name)


# --- the runtime of the collection --------------------------------------------------------------

_USER_NUMBERS = _itertools.count()
_ROWS = _itertools.count()
_LOCK = _threading.Lock()


def _env_json(name):
    text = _os.environ.get(name)
    if not text:
        return {}
    try:
        value = _json.loads(text)
    except ValueError:
        _sys.exit("%s must hold a JSON object of NAME: value" % name)
    if not isinstance(value, dict):
        _sys.exit("%s must hold a JSON object of NAME: value" % name)
    return value


class Runtime:
    """What every user of this process shares: the collection, the chosen environment."""

    def __init__(self, collection):
        self.collection = collection
        self.inputs = collection.get("inputs", {})
        self.environment_name = _os.environ.get("RUNNER_ENV") or collection.get("environment")
        environments = collection.get("environments", {})
        if self.environment_name and self.environment_name not in environments:
            _sys.exit(
                "RUNNER_ENV=%s is not an environment of %s (it has: %s)"
                % (self.environment_name, collection["source"], ", ".join(environments) or "none")
            )
        self.environment = environments.get(self.environment_name, {}) if self.environment_name else {}
        self.overrides = _env_json("RUNNER_VARS")
        self.secret_overrides = _env_json("RUNNER_SECRETS")
        # 0 is no limit, as in runner: its longest duration, 24 h.
        self.timeout = parse_duration(_os.environ.get("RUNNER_TIMEOUT", "30s")) or 86400.0
        self.iterations = int(_os.environ.get("RUNNER_ITERATIONS", "0") or "0")
        self.rows = collection.get("data") or []
        data_file = _os.environ.get("RUNNER_DATA")
        if data_file:
            with open(data_file, encoding="utf-8") as handle:
                self.rows = _json.load(handle)
        self._env = InputsView(self)

    def env_view(self):
        return self._env

    def input(self, name):
        spec = self.inputs.get(name)
        if spec is None:
            raise RenderError("undefined variable `env.%s`" % name)
        value = _os.environ.get(name)
        if value is None and spec.get("default_from"):
            value = _os.environ.get(spec["default_from"])
        if value is None:
            value = spec.get("default")
        if value is None:
            raise RenderError(
                "input `%s` is not set: export %s=...%s"
                % (name, name, (" (" + spec["description"] + ")") if spec.get("description") else "")
            )
        return value

    def sandbox_vars(self):
        if not self.environment.get("sandbox"):
            raise RenderError("undefined variable `sandbox` (the environment starts no sandbox)")
        url = _os.environ.get("RUNNER_SANDBOX_URL")
        token = _os.environ.get("RUNNER_SANDBOX_APPLICATION_TOKEN")
        if not url or not token:
            raise RenderError(
                "the environment `%s` runs against the bundled %s sandbox: start it with "
                "`runner sandbox %s` and set RUNNER_SANDBOX_URL and RUNNER_SANDBOX_APPLICATION_TOKEN "
                "(`runner load` does this for you)"
                % (self.environment_name, self.environment["sandbox"], self.environment["sandbox"])
            )
        return {"url": url, "application_token": token}

    def secret_inputs(self):
        found = []
        for name, spec in self.inputs.items():
            if spec.get("secret") and _os.environ.get(name):
                found.append(_os.environ[name])
            elif spec.get("secret") and _os.environ.get(spec.get("default_from") or ""):
                found.append(_os.environ[spec["default_from"]])
        token = _os.environ.get("RUNNER_SANDBOX_APPLICATION_TOKEN")
        if token and self.environment.get("sandbox"):
            found.append(token)
        return found + list(self.secret_overrides.values())

    def next_row(self, environment=None):
        """The next `--data` row of this process; workers take turns (RUNNER_WORKER_COUNT
        workers, this one's index from Locust's master or RUNNER_WORKER_INDEX), so that
        every row is used once before any is used again."""
        if not self.rows:
            return {}
        with _LOCK:
            n = next(_ROWS)
        count = int(_os.environ.get("RUNNER_WORKER_COUNT", "1") or "1")
        index = _os.environ.get("RUNNER_WORKER_INDEX")
        if index is None:
            runner = getattr(environment, "runner", None)
            index = getattr(runner, "worker_index", 0) if type(runner).__name__ == "WorkerRunner" else 0
        return self.rows[(n * max(count, 1) + int(index)) % len(self.rows)]

    def prepare(self, context, row=None, environment=None):
        """The variables of one iteration: collection › environment › data row › overrides."""
        templated = dict(self.collection.get("vars", {}))
        templated.update(self.environment.get("vars", {}))
        literal = {}
        literal.update(self.next_row(environment) if row is None else row)
        literal.update(self.overrides)
        literal.update(self.secret_overrides)
        for name in literal:
            templated.pop(name, None)
        context.variables.update(literal)
        resolve(context, templated)


def resolve(context, templated, only_missing=False):
    """Renders variables that may read one another, in any order."""
    pending = dict(templated)
    if only_missing:
        pending = {k: v for k, v in pending.items() if k not in context.variables}
    error = None
    while pending:
        progressed = False
        for name in list(pending):
            try:
                context.variables[name] = render_json(context, pending[name])
            except RenderError as e:
                error = e
                continue
            del pending[name]
            progressed = True
        if not progressed:
            raise error


# --- HTTP ---------------------------------------------------------------------------------------


class OAuth2Tokens:
    """OAuth2 client-credentials tokens of one user: fetched once, again before they expire."""

    def __init__(self, user):
        self.user = user
        self.tokens = {}

    def token(self, spec, secrets, force=False):
        key = (spec["token_url"], spec["client_id"], spec.get("scope"), spec.get("audience"))
        cached = self.tokens.get(key)
        if cached and not force and (cached[1] is None or cached[1] > _time.time() + 10):
            return cached[0]
        form = {"grant_type": "client_credentials"}
        if spec.get("scope"):
            form["scope"] = spec["scope"]
        if spec.get("audience"):
            form["audience"] = spec["audience"]
        auth = None
        if spec.get("client_auth", "basic") == "body":
            form["client_id"] = spec["client_id"]
            form["client_secret"] = spec["client_secret"]
        else:
            auth = (spec["client_id"], spec["client_secret"])
        with self.user.client.post(
            spec["token_url"], data=form, auth=auth, name="OAuth2 token", catch_response=True,
            headers={"Accept": "application/json"},
        ) as response:
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            if response.status_code != 200 or "access_token" not in answer:
                reason = "the token endpoint %s answered %s" % (spec["token_url"], response.status_code)
                if isinstance(answer, dict) and answer.get("error"):
                    reason += ": %s" % answer["error"]
                    if answer.get("error_description"):
                        reason += " (%s)" % answer["error_description"]
                response.failure(secrets.mask(reason))
                raise StepError(secrets.mask(reason))
            response.success()
        token = answer["access_token"]
        secrets.add(token)
        expires = answer.get("expires_in")
        self.tokens[key] = (token, _time.time() + float(expires) if _is_number(expires) else None)
        return token


def _origin(url):
    """Scheme, host and port (the scheme's default when none is written)."""
    parts = _urlparse.urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme, parts.hostname, port)


def _guard_redirects(user):
    """As runner does, credentials go only to the request's own origin: on a redirect to
    another one, the helper's header, `Authorization`, `Proxy-Authorization` and the cookies
    the step wrote are dropped (requests itself drops only `Authorization`)."""
    client = user.client
    original = client.rebuild_auth

    def rebuild_auth(prepared, response):
        original(prepared, response)
        if _origin(prepared.url) == _origin(user.runner_origin):
            return
        for header in list(prepared.headers):
            if header.lower() in user.runner_private:
                del prepared.headers[header]
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(client.cookies)

    client.rebuild_auth = rebuild_auth


class Iteration:
    """One pass of one user through the collection."""

    def __init__(self, user, runtime):
        self.user = user
        self.runtime = runtime
        self.secrets = Secrets()
        for secret in user.runner_secrets:
            self.secrets.add(secret)
        for secret in runtime.secret_inputs():
            self.secrets.add(secret)
        self.context = Context(runtime, self.secrets)
        self.stopped = False

    def run(self):
        collection = self.runtime.collection
        try:
            self.runtime.prepare(self.context, environment=self.user.environment)
        except RenderError as error:
            self.report_error("prepare variables", str(error))
            return
        self.mark_secret_variables()
        scope = collection
        try:
            self.steps(collection["steps"], "", scope)
        finally:
            for step in collection.get("finally", []):
                self.stopped = False
                self.step(step, "", scope)

    def mark_secret_variables(self):
        for value in list(self.context.variables.values()):
            text = json_text(value) if not isinstance(value, str) else value
            if self.secrets.contains_secret(text):
                self.secrets.add(value)

    def report_error(self, name, message):
        """A step that could not be sent, as a failed Locust request of that step."""
        events.request.fire(
            request_type="ERROR", name=name, response_time=0, response_length=0,
            exception=StepError(self.secrets.mask(message)), context={},
        )
        self.stopped = True

    def steps(self, steps, prefix, scope):
        for step in steps:
            self.step(step, prefix, scope)

    def step(self, step, prefix, scope):
        if self.stopped:
            return
        name = prefix + step["name"]
        check = Check(self.context, self.secrets)
        for source, spec in (step.get("when") or {}).items():
            try:
                actual = render_value(self.context, source)
            except RenderError:
                actual = MISSING
            try:
                check.predicate(spec, actual)
            except Mismatch:
                return
        if step.get("delay"):
            _time.sleep(parse_duration(step["delay"]))
        if "for_each" not in step:
            return self.action(step, name, scope)
        try:
            items = render_json(self.context, step["for_each"])
        except RenderError as error:
            return self.report_error(name, str(error))
        if not isinstance(items, list):
            return self.report_error(name, "`for_each` must give a list, got %s" % show(items, self.secrets))
        for item in items:
            if self.stopped:
                return
            self.context.variables[step.get("as", "item")] = item
            self.action(step, name, scope)

    def action(self, step, name, scope):
        if "steps" in step:
            return self.steps(step["steps"], name + " › ", scope)
        if "include" in step:
            return self.include(step, name)
        try:
            self.request_step(step, name, scope)
        except StepError as error:
            self.report_error(name, str(error))
        except RenderError as error:
            self.report_error(name, str(error))

    def include(self, step, name):
        included = step["include"]
        outer = dict(self.context.variables)
        passed = {}
        outer_context = Context(self.runtime, self.secrets)
        outer_context.variables = outer
        for variable, value in (step.get("vars") or {}).items():
            try:
                passed[variable] = render_json(outer_context, value)
            except RenderError:
                pass
        try:
            resolve(self.context, included.get("vars", {}), only_missing=True)
        except RenderError:
            pass
        self.context.variables.update(passed)
        self.steps(included["steps"], name + " › ", included)
        exported = {v: self.context.variables[v] for v in step.get("export", []) if v in self.context.variables}
        seen = self.context.variables.get("steps")
        self.context.variables = outer
        self.context.variables.update(exported)
        if seen is not None:
            self.context.variables["steps"] = seen

    # -- one request step -----------------------------------------------------------------------

    def render_request(self, request, scope):
        ctx = self.context
        defaults = scope.get("defaults") or {}
        url = render_text(ctx, request["url"])
        params = repeated(ctx, request.get("query") or {})
        if params:
            split = _urlparse.urlsplit(url)
            query = split.query + ("&" if split.query else "") + _urlparse.urlencode(params)
            url = _urlparse.urlunsplit((split.scheme, split.netloc, split.path, query, split.fragment))
        merged = {}
        for source in (defaults.get("headers") or {}, request.get("headers") or {}):
            for key, value in source.items():
                for existing in [k for k in merged if k.lower() == key.lower()]:
                    del merged[existing]
                merged[key] = value
        headers = {k: render_text(ctx, v) for k, v in merged.items() if v is not None}
        auth = request.get("auth", defaults.get("auth"))
        timeout = request.get("timeout", defaults.get("timeout"))
        follow = request.get("follow_redirects", defaults.get("follow_redirects", True))
        max_redirects = request.get("max_redirects", defaults.get("max_redirects", 10))
        kwargs = {
            "headers": headers,
            "allow_redirects": bool(follow),
            "timeout": (parse_duration(timeout) or 86400.0) if timeout is not None else self.runtime.timeout,
        }
        has_type = any(k.lower() == "content-type" for k in headers)

        def content_type(value):
            if not has_type:
                headers["Content-Type"] = value

        if "json" in request:
            kwargs["data"] = json_text(render_json(ctx, request["json"])).encode()
            content_type("application/json")
        elif "body" in request:
            kwargs["data"] = render_text(ctx, request["body"]).encode()
            content_type("text/plain; charset=utf-8")
        elif "body_file" in request:
            kwargs["data"] = _b64.b64decode(FILES[request["body_file"]])
            content_type("application/octet-stream")
        elif "form" in request:
            kwargs["data"] = _urlparse.urlencode(repeated(ctx, request["form"]))
            content_type("application/x-www-form-urlencoded")
        elif "multipart" in request:
            for existing in [k for k in headers if k.lower() == "content-type"]:
                del headers[existing]
            files = []
            for key, part in request["multipart"].items():
                if not isinstance(part, dict):
                    part = {"value": to_text(part)}
                if "file" in part:
                    files.append((key, (
                        part.get("filename") or part["file"].replace("\\", "/").rsplit("/", 1)[-1],
                        _b64.b64decode(FILES[part["file"]]),
                        part.get("content_type") or _mimetypes.guess_type(part["file"])[0] or "application/octet-stream",
                    )))
                elif "content_type" in part:
                    files.append((key, (None, render_text(ctx, part["value"]).encode(), part["content_type"])))
                else:
                    files.append((key, (None, render_text(ctx, part["value"]).encode())))
            kwargs["files"] = files
        elif "graphql" in request:
            graphql = request["graphql"]
            document = {"query": render_text(ctx, graphql["query"])}
            if "variables" in graphql:
                document["variables"] = render_json(ctx, graphql["variables"])
            if "operation_name" in graphql:
                document["operationName"] = render_text(ctx, graphql["operation_name"])
            kwargs["data"] = json_text(document).encode()
            content_type("application/json")
        cookies = {k: render_text(ctx, v) for k, v in (request.get("cookies") or {}).items()}
        if cookies:
            kwargs["cookies"] = cookies
        oauth2 = None
        if isinstance(auth, dict):
            if "basic" in auth:
                user = render_text(ctx, auth["basic"]["username"])
                password = render_text(ctx, auth["basic"].get("password", ""))
                encoded = _b64.b64encode(("%s:%s" % (user, password)).encode()).decode()
                for secret in (password, "%s:%s" % (user, password), encoded):
                    self.secrets.add(secret)
                kwargs["auth_header"] = ("Authorization", "Basic " + encoded)
            elif "bearer" in auth:
                token = render_text(ctx, auth["bearer"])
                self.secrets.add(token)
                kwargs["auth_header"] = ("Authorization", "Bearer " + token)
            elif "api_key" in auth:
                key = auth["api_key"]
                value = render_text(ctx, key["value"])
                self.secrets.add(value)
                if "header" in key:
                    kwargs["auth_header"] = (key["header"], value)
                else:
                    kwargs["auth_query"] = (key["query"], value)
            elif "oauth2" in auth:
                spec = auth["oauth2"]["client_credentials"]
                oauth2 = {k: render_text(ctx, v) for k, v in spec.items()}
                self.secrets.add(oauth2["client_secret"])
        return request.get("method", "GET").upper(), url, kwargs, max_redirects, oauth2

    def send(self, name, method, url, kwargs, max_redirects, oauth2, judge):
        """Sends once; `judge(received)` returns the failure text or None. Returns Received."""
        kwargs = dict(kwargs)
        headers = dict(kwargs["headers"])
        auth_header = kwargs.pop("auth_header", None)
        auth_query = kwargs.pop("auth_query", None)
        if auth_header:
            headers[auth_header[0]] = auth_header[1]
        if auth_query:
            split = _urlparse.urlsplit(url)
            query = split.query + ("&" if split.query else "") + _urlparse.urlencode([auth_query])
            url = _urlparse.urlunsplit((split.scheme, split.netloc, split.path, query, split.fragment))
        if oauth2:
            headers["Authorization"] = "Bearer " + self.user.oauth2.token(oauth2, self.secrets)
        kwargs["headers"] = headers
        self.user.client.max_redirects = max_redirects
        self.user.runner_origin = url
        self.user.runner_private = {"authorization", "proxy-authorization", "cookie"} | (
            {auth_header[0].lower()} if auth_header else set()
        )
        for again in (False, True):
            began = _time.perf_counter()
            try:
                pending = self.user.client.request(method, url, name=name, catch_response=True, **kwargs)
            except Exception as error:
                # Should requests refuse a URL before sending and Locust let the error
                # through (versions differ), its message holds the URL, secrets and all.
                message = self.secrets.mask(str(error))
                self.report_error(name, message)
                raise Transport(message) from None
            with pending as response:
                took = _time.perf_counter() - began
                if getattr(response, "error", None) is not None and not response.status_code:
                    response.failure(self.secrets.mask(str(response.error)))
                    raise Transport(self.secrets.mask(str(response.error)))
                received = Received(response, took)
                if oauth2 and received.status == 401 and not again:
                    response.success()
                    headers["Authorization"] = "Bearer " + self.user.oauth2.token(oauth2, self.secrets, force=True)
                    continue
                failure = judge(received)
                if failure:
                    response.failure(self.secrets.mask(failure))
                else:
                    response.success()
                return received

    def request_step(self, step, name, scope):
        request = step["request"]
        expect = step.get("expect") or {}
        default_status = ((scope.get("defaults") or {}).get("expect") or {}).get("status")
        method, url, kwargs, max_redirects, oauth2 = self.render_request(request, scope)
        check = Check(self.context, self.secrets)
        captures = step.get("capture") or {}
        failures = []

        def verdict(received, with_expect=True):
            """Captures into the variables, then expectations; the failure text or None."""
            found = []
            for variable, spec in captures.items():
                try:
                    value = capture(spec, received, self.secrets)
                except Mismatch as m:
                    found.append(Failure("capture " + variable, m.expected, m.actual))
                    continue
                if isinstance(spec, dict) and spec.get("secret"):
                    self.secrets.add(value)
                self.context.variables[variable] = value
            if with_expect:
                found.extend(check_expect(expect, received, check, default_status))
            found.extend(self.check_values(expect, check))
            failures.extend(found)
            return "; ".join(str(f) for f in found) or None

        if "paginate" in step:
            received = self.pages(step, name, method, url, kwargs, max_redirects, oauth2, check, default_status, verdict)
        else:
            received = self.attempts(step, name, method, url, kwargs, max_redirects, oauth2, check, default_status, verdict)
        if received is None:
            return
        if step.get("id"):
            seen = {
                "status": received.status,
                "headers": dict(received.headers),
                "json": received.json() if self._is_json(received) else None,
            }
            self.context.variables.setdefault("steps", {})
            self.context.variables["steps"] = dict(self.context.variables["steps"], **{step["id"]: seen})
        if failures:
            self.stopped = True

    @staticmethod
    def _is_json(received):
        try:
            received.json()
            return True
        except NotJson:
            return False

    def check_values(self, expect, check):
        found = []
        for source, spec in (expect.get("values") or {}).items():
            try:
                actual = render_value(self.context, source)
            except RenderError as error:
                found.append(Failure(source, "`%s` to render (%s)" % (source, error), "nothing"))
                continue
            try:
                check.predicate(spec, actual, "json")
            except Mismatch as m:
                found.append(Failure(source, m.expected, m.actual))
        return found

    def attempts(self, step, name, method, url, kwargs, max_redirects, oauth2, check, default_status, verdict):
        retry = step.get("retry")
        total = retry.get("attempts", 1) if retry else 1
        wait = parse_duration(retry.get("interval", "1s")) if retry else 0
        on = {str(o) for o in retry.get("on", [])} if retry else set()
        expect = step.get("expect") or {}
        until = retry.get("until", expect) if retry else expect
        for attempt in range(1, total + 1):
            last = attempt == total
            state = {}

            def judge(received):
                retryable = ("5xx" in on and 500 <= received.status < 600) or (
                    "429" in on and received.status == 429
                )
                state["retryable"] = retryable and not last
                if state["retryable"]:
                    state["retry_after"] = received.header("retry-after")
                    return None
                if retry and not last:
                    unmet = check_expect(until, received, check, default_status)
                    if unmet:
                        state["retry"] = True
                        return None
                return verdict(received)

            try:
                received = self.send(name, method, url, kwargs, max_redirects, oauth2, judge)
            except Transport as error:
                if last or "transport" not in on:
                    self.stopped = True
                    return None
                received, state = None, {"retryable": True}
            if received is not None and not state.get("retryable") and not state.get("retry"):
                return received
            pause = wait
            after = state.get("retry_after")
            if after and after.strip().isdigit():
                pause = min(int(after.strip()), 300)
            if retry and retry.get("max_interval"):
                pause = min(pause, parse_duration(retry["max_interval"]))
            _time.sleep(pause)
            if retry:
                wait = wait * float(retry.get("backoff", 1))
        return None

    def pages(self, step, name, method, url, kwargs, max_redirects, oauth2, check, default_status, verdict):
        paginate = step["paginate"]
        expect = step.get("expect") or {}
        collect = paginate.get("collect") or {}
        collected = {variable: [] for variable in collect}
        page_failures = []
        max_pages = paginate.get("max_pages", 100)
        page = 0
        while True:
            page += 1
            state = {}

            def judge(received):
                found = []
                for failure in check_expect(expect, received, check, default_status):
                    failure.subject = "page %d: %s" % (page, failure.subject)
                    found.append(failure)
                page_failures.extend(found)
                count = 0
                for variable, path in collect.items():
                    try:
                        nodes = jsonpath(path, received.json())
                    except NotJson:
                        nodes = []
                    count += len(nodes)
                    collected[variable].extend(nodes)
                nxt = paginate["next"]
                target = None
                if nxt == "link":
                    target = next_link(received.header("link") or "")
                elif isinstance(nxt, dict) and "jsonpath" in nxt:
                    try:
                        nodes = jsonpath(nxt["jsonpath"], received.json())
                    except NotJson:
                        nodes = []
                    target = nodes[0] if nodes and isinstance(nodes[0], str) else None
                elif isinstance(nxt, dict) and "query" in nxt and count > 0:
                    target = next_page_number(state.get("url", url), nxt["query"])
                state["next"] = _urlparse.urljoin(received.url if nxt == "link" else state.get("url", url), target) if target else None
                if state["next"] and page < max_pages:
                    return "; ".join(str(f) for f in found) or None
                for variable, values in collected.items():
                    self.context.variables[variable] = values
                text = verdict(received, with_expect=False)
                parts = [str(f) for f in page_failures] + ([text] if text else [])
                return "; ".join(parts) or None

            state["url"] = url
            try:
                received = self.send(name, method, url, kwargs, max_redirects, oauth2, judge)
            except Transport:
                self.stopped = True
                return None
            if page_failures:
                self.stopped = True
            if not (state["next"] and page < max_pages):
                return received
            url = state["next"]


class Transport(Exception):
    """No response: connection refused, DNS, TLS, timeout."""


def next_link(header):
    for part in header.split(","):
        target, _, params = part.partition(";")
        if not params:
            continue
        rels = [p.strip().lower() for p in params.split(";")]
        if 'rel="next"' in rels or "rel=next" in rels:
            return target.strip().lstrip("<").rstrip(">")
    return None


def next_page_number(url, name):
    split = _urlparse.urlsplit(url)
    pairs = _urlparse.parse_qsl(split.query, keep_blank_values=True)
    current = 1
    for key, value in pairs:
        if key == name and value.isdigit():
            current = int(value)
    others = [(k, v) for k, v in pairs if k != name] + [(name, str(current + 1))]
    return _urlparse.urlunsplit((split.scheme, split.netloc, split.path, _urlparse.urlencode(others), split.fragment))


class RunnerUser(HttpUser):
    """Runs the collection in order, once per task iteration, with its own variables and cookies."""

    abstract = True
    host = "http://runner.invalid"
    wait_time = constant(float(_os.environ.get("RUNNER_WAIT", "0") or "0"))
    collection = None

    def on_start(self):
        self.runner_runtime = _runtime_for(self.collection)
        self.runner_secrets = []
        self.oauth2 = OAuth2Tokens(self)
        self.runner_iterations = 0
        self.client.headers["User-Agent"] = "runner/%s" % self.collection["version"]
        self.runner_origin = ""
        self.runner_private = set()
        _guard_redirects(self)

    @task
    def run_collection(self):
        runtime = self.runner_runtime
        self.runner_iterations += 1
        Iteration(self, runtime).run()
        if runtime.iterations and self.runner_iterations >= runtime.iterations:
            raise StopUser()


@events.init.add_listener
def _quit_when_every_user_is_done(environment, **_kwargs):
    """With RUNNER_ITERATIONS, ends the run (local or master) once no user is left, rather
    than at the end of --run-time. A master waits for the workers' last statistics first."""
    if not int(_os.environ.get("RUNNER_ITERATIONS", "0") or "0"):
        return
    runner = environment.runner
    kind = type(runner).__name__
    if kind not in ("LocalRunner", "MasterRunner"):
        return
    import gevent

    def watch():
        while True:
            gevent.sleep(0.5)
            if runner.state == "running" and runner.user_count == 0:
                break
        if kind == "MasterRunner":
            gevent.sleep(4)
        runner.quit()

    gevent.spawn(watch)


_RUNTIMES = {}


def _runtime_for(collection):
    runtime = _RUNTIMES.get(id(collection))
    if runtime is None:
        runtime = _RUNTIMES[id(collection)] = Runtime(collection)
    return runtime


@events.init.add_listener
def _check_inputs(environment, **_kwargs):
    """Fails fast, before any user starts, when a variable cannot be prepared. Not on a
    master: it sends no request, and needs neither the environment nor its secrets."""
    if type(environment.runner).__name__ == "MasterRunner":
        return
    runtime = _runtime_for(COLLECTION)
    probe = Context(runtime, Secrets())
    try:
        runtime.prepare(probe, runtime.rows[0] if runtime.rows else {})
    except RenderError as error:
        _sys.exit("%s: %s" % (COLLECTION["source"], error))
    for pattern in PATTERNS:
        try:
            regex(pattern)
        except _re.error as error:
            _sys.exit("%s: the regex /%s/ does not compile in Python: %s" % (COLLECTION["source"], pattern, error))


_ENVIRONMENT = []


@events.init.add_listener
def _remember_environment(environment, **_kwargs):
    _ENVIRONMENT.append(environment)


def _failure_text(error):
    """A failure as the step wrote it, without Locust's exception wrapper."""
    if not isinstance(error, str):
        return str(error)
    match = _re.fullmatch(r"CatchResponseError\((.*)\)", error, _re.S)
    if match:
        try:
            import ast

            return ast.literal_eval(match.group(1))
        except (ValueError, SyntaxError):
            return match.group(1)
    return error


@events.quit.add_listener
def _write_statistics(**_kwargs):
    """RUNNER_STATS_FILE: the final per-step statistics and failures, as `runner load` reads them."""
    path = _os.environ.get("RUNNER_STATS_FILE")
    if not path or not _ENVIRONMENT:
        return
    runner = _ENVIRONMENT[0].runner
    if runner is None or type(runner).__name__ == "WorkerRunner":
        return
    stats = runner.stats

    def entry(item):
        return {
            "method": item.method or "",
            "name": item.name,
            "requests": item.num_requests,
            "failures": item.num_failures,
            "p50": item.get_response_time_percentile(0.5) if item.num_requests else 0,
            "p95": item.get_response_time_percentile(0.95) if item.num_requests else 0,
            "p99": item.get_response_time_percentile(0.99) if item.num_requests else 0,
        }

    document = {
        "steps": [entry(item) for item in stats.entries.values()],
        "total": entry(stats.total),
        "failures": [
            {"method": e.method, "name": e.name, "error": _failure_text(e.error), "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
    }
    with open(path, "w", encoding="utf-8") as handle:
        _json.dump(document, handle)
