# Copied from ../shared/bench/make-fixtures.py (the side-by-side benchmark material); keep in sync by hand.
"""Writes the bench fixtures: a 20-item EMnify-shaped endpoint page and a large JSON document."""
import json, os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def endpoint(i):
    return {"id": i, "name": f"device-{i:05d}", "tags": "meter,temp", "created": "2021-11-18T08:25:53.000+0000",
            "last_updated": "2024-02-29T14:02:47.000+0000", "status": {"id": 0, "description": "Enabled"},
            "service_profile": {"id": 1, "name": "Smart Meter"}, "tariff_profile": {"id": 3, "name": "Domestic only"},
            "sim": {"id": 700 + i, "iccid": f"8988303{i:012d}", "imsi": f"2950509{i:08d}", "msisdn": f"42366{i:07d}"},
            "imei": f"86454548{i:07d}", "imei_lock": True, "ip_address": f"10.0.{i // 250}.{i % 250}", "ip_address_space": {"id": 2}}
p = os.path.join(out, "endpoints.json")
if not os.path.exists(p):
    json.dump([endpoint(i) for i in range(1, 21)], open(p, "w"))
p = os.path.join(out, "big.json")
if not os.path.exists(p):
    json.dump({"items": [endpoint(i) for i in range(1, 100001)], "total": 100000}, open(p, "w"))
