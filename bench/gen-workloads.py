"""Writes every workload of the side-by-side benchmark, for runner and for its peers.

Usage: gen-workloads.py BASE_URL OUTDIR [N ...]

  w0.*           start-up + one POST (status expectation)
  w1-N.*         authenticate once, then N authorised GETs of the 10 KB page, each with a status
                 and a JSONPath expectation and a JSONPath capture (one file per N given)
  w3.*           one GET of the 50 MB document: status + one JSONPath expectation, two captures
  w4/c01..c50    runner (and Hurl) only: 50 collections x 20 such GETs, for --jobs 1 vs 2

Extensions: .yaml runner, .hurl Hurl, .postman.json Newman, .stepci.yaml Step CI.
The peer formats of W1 follow ../shared/bench/gen-peers.py (copied here, extended to W0/W3/W4).
"""
import json
import os
import sys

base, out = sys.argv[1].rstrip("/"), sys.argv[2]
sizes = [int(n) for n in sys.argv[3:]] or [1000]
os.makedirs(out, exist_ok=True)
os.makedirs(os.path.join(out, "w4"), exist_ok=True)

PAGE = "/api/v1/endpoint?page=1&per_page=20&sort=id"
ENABLED = "$[0].status.description"
LAST_ID = "$[19].id"
BIG_EXPECT = "$.items[0].status.description"
BIG_CAPTURES = {"total": "$.total", "last_id": "$.items[99999].id"}


def write(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)


# ---------------------------------------------------------------- runner (collection format v1)
RUNNER_HEAD = 'name: {title}\nvars:\n  base_url: "{base}"\nsteps:\n'
RUNNER_AUTH = """  - name: authenticate
    request:
      method: POST
      url: "{{base_url}}/api/v1/authenticate"
      json: { application_token: bench }
    expect:
      status: 200
    capture:
      auth_token: $.auth_token
"""
RUNNER_GET = """  - name: list
    request:
      url: "{{base_url}}/api/v1/endpoint"
      query: { page: 1, per_page: 20, sort: id }
      headers: { Authorization: "Bearer {{auth_token}}" }
    expect:
      status: 200
      jsonpath:
        $[0].status.description: Enabled
    capture:
      last_id: $[19].id
"""
RUNNER_BIG = """  - name: big document
    request:
      url: "{{base_url}}/big.json"
    expect:
      status: 200
      jsonpath:
        $.items[0].status.description: Enabled
    capture:
      total: $.total
      last_id: $.items[99999].id
"""


def runner(title, *steps):
    return RUNNER_HEAD.format(title=title, base=base) + "".join(steps)


# ---------------------------------------------------------------- Hurl
HURL_AUTH = (f"POST {base}/api/v1/authenticate\nContent-Type: application/json\n"
             '{"application_token": "bench"}\nHTTP 200\n[Captures]\nauth_token: jsonpath "$.auth_token"\n\n')
HURL_GET = (f"GET {base}{PAGE}\nAuthorization: Bearer {{{{auth_token}}}}\nHTTP 200\n"
            f'[Captures]\nlast_id: jsonpath "{LAST_ID}"\n[Asserts]\njsonpath "{ENABLED}" == "Enabled"\n\n')
HURL_BIG = (f"GET {base}/big.json\nHTTP 200\n[Captures]\n"
            + "".join(f'{k}: jsonpath "{v}"\n' for k, v in BIG_CAPTURES.items())
            + f'[Asserts]\njsonpath "{BIG_EXPECT}" == "Enabled"\n')

# ---------------------------------------------------------------- Newman (Postman v2.1)


def postman(name, items):
    return json.dumps({"info": {"name": name,
                                "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
                       "item": items})


def pm_test(*lines):
    return [{"listen": "test", "script": {"exec": list(lines)}}]


PM_AUTH = {"name": "authenticate",
           "event": pm_test("var jsonData = JSON.parse(responseBody);",
                            "pm.environment.set('auth_token', jsonData.auth_token);",
                            "pm.test('status', function () { pm.response.to.have.status(200); });"),
           "request": {"method": "POST", "header": [{"key": "Content-Type", "value": "application/json"}],
                       "body": {"mode": "raw", "raw": "{\"application_token\": \"bench\"}"},
                       "url": f"{base}/api/v1/authenticate"}}


def pm_get(i):
    return {"name": f"list {i}",
            "event": pm_test("pm.test('status', function () { pm.response.to.have.status(200); });",
                             "var d = pm.response.json(); pm.environment.set('last_id', d[19].id);",
                             "pm.test('enabled', function () { pm.expect(d[0].status.description).to.eql('Enabled'); });"),
            "request": {"method": "GET", "header": [{"key": "Authorization", "value": "Bearer {{auth_token}}"}],
                        "url": f"{base}{PAGE}"}}


PM_BIG = {"name": "big document",
          "event": pm_test("pm.test('status', function () { pm.response.to.have.status(200); });",
                           "var d = pm.response.json(); pm.environment.set('total', d.total);",
                           "pm.environment.set('last_id', d.items[99999].id);",
                           "pm.test('enabled', function () { pm.expect(d.items[0].status.description).to.eql('Enabled'); });"),
          "request": {"method": "GET", "header": [], "url": f"{base}/big.json"}}

# ---------------------------------------------------------------- Step CI (set STEPCI_DISABLE_ANALYTICS=1)
SC_AUTH = ("      - name: authenticate\n        http:\n          url: " + base + "/api/v1/authenticate\n          method: POST\n"
           "          json:\n            application_token: bench\n          captures:\n            auth_token:\n"
           "              jsonpath: $.auth_token\n          check:\n            status: 200\n")
SC_GET = ("      - name: list\n        http:\n          url: " + base + PAGE + "\n          method: GET\n"
          "          headers:\n            Authorization: Bearer ${{captures.auth_token}}\n          captures:\n"
          f"            last_id:\n              jsonpath: {LAST_ID}\n"
          f"          check:\n            status: 200\n            jsonpath:\n              {ENABLED}: Enabled\n")
SC_BIG = ("      - name: big document\n        http:\n          url: " + base + "/big.json\n          method: GET\n"
          "          captures:\n"
          + "".join(f"            {k}:\n              jsonpath: {v}\n" for k, v in BIG_CAPTURES.items())
          + f"          check:\n            status: 200\n            jsonpath:\n              {BIG_EXPECT}: Enabled\n")


def stepci(name, steps):
    return f'version: "1.1"\nname: {name}\ntests:\n  {name}:\n    steps:\n' + "".join(steps)


# ---------------------------------------------------------------- write them
write("w0.yaml", runner("W0 start-up and one POST", RUNNER_AUTH))
write("w0.hurl", HURL_AUTH)
write("w0.postman.json", postman("w0", [PM_AUTH]))
write("w0.stepci.yaml", stepci("w0", [SC_AUTH]))

for n in sizes:
    write(f"w1-{n}.yaml", runner(f"W1 authenticate and {n} GETs", RUNNER_AUTH, RUNNER_GET * n))
    write(f"w1-{n}.hurl", HURL_AUTH + HURL_GET * n)
    write(f"w1-{n}.postman.json", postman(f"w1-{n}", [PM_AUTH] + [pm_get(i) for i in range(n)]))
    write(f"w1-{n}.stepci.yaml", stepci(f"w1_{n}", [SC_AUTH] + [SC_GET] * n))

write("w3.yaml", runner("W3 one GET of a 50 MB document", RUNNER_BIG))
write("w3.hurl", HURL_BIG)
write("w3.postman.json", postman("w3", [PM_BIG]))
write("w3.stepci.yaml", stepci("w3", [SC_BIG]))

# W4: 50 collections x 20 steps (authenticate + 19 GETs each, so every collection stands alone).
for c in range(1, 51):
    write(f"w4/c{c:02d}.yaml", runner(f"W4 collection {c}", RUNNER_AUTH, RUNNER_GET * 19))
    write(f"w4/c{c:02d}.hurl", HURL_AUTH + HURL_GET * 19)

# W5: a long data-driven run: the 2-step flow (authenticate with the row's token, capture the
# auth token as a secret, list with it) once per row of a CSV, or once per --iterations.
W5 = """name: W5 data-driven authenticate and list
vars:
  base_url: "{base}"
  application_token: bench
  device: none
steps:
  - name: authenticate
    request:
      method: POST
      url: "{{{{base_url}}}}/api/v1/authenticate"
      json: {{ application_token: "{{{{application_token}}}}", device: "{{{{device}}}}" }}
    expect:
      status: 200
    capture:
      auth_token: {{ jsonpath: $.auth_token, secret: true }}
  - name: list
    request:
      url: "{{{{base_url}}}}/api/v1/endpoint"
      query: {{ page: 1, per_page: 20, sort: id }}
      headers: {{ Authorization: "Bearer {{{{auth_token}}}}" }}
    expect:
      status: 200
      jsonpath:
        $[0].status.description: Enabled
    capture:
      last_id: $[19].id
"""
write("w5.yaml", W5.format(base=base))
for n in [int(x) for x in os.environ.get("BENCH_W5_SIZES", "1000 100000").split()]:
    with open(os.path.join(out, f"w5-{n}.csv"), "w") as f:
        f.write("application_token,device\n")
        for i in range(n):
            f.write(f"token-{i:06d}-{(i * 2654435761) % 4294967296:08x},device-{i}\n")
