"""After the fuzz runs: the database holds exactly what the accepted requests wrote, and no real repair ran.

Usage: fuzz_count.py MONGO_URI DATABASE PROFILE_OWNER REPORT_DIR=SUB...
Each fuzz run has its own report directory and its own token, so a run's requests are the SUB's. PROFILE_OWNER
lists (comma-separated) the users whose profile fuzz.sh created before fuzzing. Prints one closing line; exits 1 when
a count is off.
"""
import json
import pathlib
import sys
from urllib.parse import parse_qs, urlparse

from pymongo import MongoClient

uri, database, owners, *runs = sys.argv[1:]
subs = owners.split(",")
problems = []

entries = []  # (sub, entry)
for run in runs:
    report_dir, sub = run.split("=", 1)
    hars = sorted(pathlib.Path(report_dir).rglob("*.har"))
    run_entries = [e for har in hars for e in json.loads(har.read_text())["log"]["entries"]]
    if not run_entries:
        problems.append(f"no request recorded under {report_dir}")
    entries += [(sub, e) for e in run_entries]


def path_of(entry):
    return urlparse(entry["request"]["url"]).path


accepted_writes = {sub: 0 for sub in subs}
statuses = {}
real_repairs = 0
for sub, entry in entries:
    method = entry["request"]["method"]
    status = entry["response"]["status"]
    statuses[status // 100] = statuses.get(status // 100, 0) + 1
    path = path_of(entry)
    if method == "PUT" and path in ("/api/profiles/me/personal-info", "/api/profiles/me/gallery") and 200 <= status < 300:
        if sub not in accepted_writes:
            problems.append(f"an accepted write by {sub}, whose profile was not created first: {method} {path}")
        else:
            accepted_writes[sub] += 1
    if method == "POST" and path == "/api/admin/duplicates/repair" and 200 <= status < 300:
        dry = parse_qs(urlparse(entry["request"]["url"]).query).get("dryRun", ["true"])
        if dry != ["true"]:
            real_repairs += 1
if statuses.get(5):
    problems.append(f"{statuses[5]} answers were 5xx")
if real_repairs:
    problems.append(f"{real_repairs} repairs ran without dryRun=true")

db = MongoClient(uri, serverSelectionTimeoutMS=5000)[database]
documents = list(db["creator_profiles"].find({}, {"userId": 1, "version": 1}))
per_user = {}
for doc in documents:
    per_user.setdefault(doc.get("userId"), []).append(doc)
unexpected = sorted(str(u) for u in per_user if u not in subs)
if unexpected:
    problems.append(f"profiles of users no token named: {unexpected[:5]}")
for sub in subs:
    copies = per_user.get(sub, [])
    if len(copies) != 1:
        problems.append(f"user {sub}: {len(copies)} profiles, expected exactly 1")
        continue
    # fuzz.sh created each profile (version 1) before fuzzing; every accepted PUT adds one, nothing else may.
    expected = 1 + accepted_writes[sub]
    if copies[0].get("version") != expected:
        problems.append(f"user {sub}: version {copies[0].get('version')}, but 1 + {accepted_writes[sub]} accepted "
                        f"writes = {expected}: a rejected request wrote, or an accepted one did not")
for name in ("creator_profiles_archive", "maintenance_leases"):
    if name in db.list_collection_names() and db[name].count_documents({}):
        problems.append(f"{name} holds {db[name].count_documents({})} documents: something beyond a dry run ran")

for p in problems:
    print("fuzz-count: " + p)
print(f"fuzz: {len(entries)} requests, {statuses.get(2, 0)} 2xx, {statuses.get(4, 0)} 4xx, {statuses.get(5, 0)} 5xx; "
      f"{len(documents)} profiles for {len(subs)} users; accepted writes "
      + ", ".join(f"{s}={n}" for s, n in accepted_writes.items())
      + f"; {'0 problems' if not problems else str(len(problems)) + ' problems'}")
sys.exit(1 if problems else 0)
