#!/usr/bin/env python3
"""Summarises a bench/run-performance.sh directory as markdown: every figure docs/performance.md publishes, taken
from the raw results of that one run (results.json of the throughput runs, the load tool's JSON of the
three-instance runs, the repair benchmark's output). Standard library only.
Usage: bench/performance-summary.py DIR > DIR/summary.md"""
import gzip
import importlib.util
import json
import os
import re
import sys

SCENARIOS = ["uniform-writes", "hot-writes", "get-or-create"]
HERE = os.path.dirname(os.path.abspath(__file__))


def load_report_module():
    spec = importlib.util.spec_from_file_location("throughput_report", os.path.join(HERE, "throughput-report.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def per_round_ratios(r, scenario):
    rates = {}
    for x in r["runs"]:
        if x["scenario"] == scenario:
            rates.setdefault(x["round"], {})[x["side"]] = x["throughput_rps"]
    return [v["service"] / v["ceiling"] for _, v in sorted(rates.items()) if len(v) == 2]


def ratio_line(r):
    s = r["summary"]
    ratios = " / ".join(f"**{s[sc]['service_to_ceiling']:.3f}**" for sc in SCENARIOS)
    machine = " / ".join(f"{s[sc]['ceiling']['machine_cpu_ms_per_request'] / s[sc]['service']['machine_cpu_ms_per_request']:.2f}"
                         for sc in SCENARIOS if "machine_cpu_ms_per_request" in s[sc]["service"])
    cpu = " / ".join(f"{s[sc]['service']['cpu_ms_per_request']:.3f}" for sc in SCENARIOS)
    return (f"service/ceiling {ratios} (uniform writes / hot writes / get-or-create); machine CPU per request, "
            f"ceiling ÷ service: {machine or 'not recorded'}; service CPU ms/request {cpu}")


def throughput_sections(d, report):
    out = []
    main = read_json(f"{d}/throughput/results.json")
    if main:
        out += ["## Throughput: the published run", "",
                f"Raw results `throughput/results.json`; chart `throughput/throughput.svg`; flame graphs "
                f"`throughput/flame-<scenario>.html` (from the unmeasured profiling runs).", "",
                report.table(main)]
    second = read_json(f"{d}/throughput-2/results.json")
    if second:
        out += ["## Throughput: the second run (same package, without --profile)", "", ratio_line(second) + ".", "",
                "Per round, service/ceiling: " + "; ".join(
                    f"{sc} " + ", ".join(f"{x:.2f}" for x in per_round_ratios(second, sc)) for sc in SCENARIOS) + ".", ""]
    before = read_json(f"{d}/before/results.json")
    if before and main:
        b, a = before["summary"], main["summary"]
        out += [f"## Before ({before['service']['commit'][:7]}) and after ({main['service']['commit'][:7]})", "",
                "Flame graphs: `before/flame-<scenario>.html` and `throughput/flame-<scenario>.html`.", "",
                "| Scenario | service CPU ms/request, before → after | service side, whole machine ms/request | "
                "service/ceiling, before → after |", "|---|---|---|---|"]
        for sc in SCENARIOS:
            bs, as_ = b[sc]["service"], a[sc]["service"]
            machine = (f"{bs['machine_cpu_ms_per_request']:.3f} → {as_['machine_cpu_ms_per_request']:.3f}"
                       if "machine_cpu_ms_per_request" in bs and "machine_cpu_ms_per_request" in as_ else "—")
            out.append(f"| {sc} | {bs['cpu_ms_per_request']:.3f} → **{as_['cpu_ms_per_request']:.3f}** | {machine} | "
                       f"{b[sc]['service_to_ceiling']:.3f} → {a[sc]['service_to_ceiling']:.3f} |")
        out.append("")
    jdk = read_json(f"{d}/jdk25/results.json")
    base = second or main
    if jdk and base:
        j, s = jdk["summary"], base["summary"]
        out += [f"## JDK 17 and JDK 25 (the same package; JDK 17 figures from the "
                f"{'second' if second else 'published'} run, right before)", "",
                f"`{base['service']['java']}` and `{jdk['service']['java']}`.", "",
                "| Scenario | service/ceiling, JDK 17 (per round) | service/ceiling, JDK 25 (per round) | "
                "service CPU ms/request, 17 → 25 | service p99 ms, 17 → 25 |", "|---|---|---|---|---|"]
        for sc in SCENARIOS:
            rounds17 = ", ".join(f"{x:.2f}" for x in per_round_ratios(base, sc))
            rounds25 = ", ".join(f"{x:.2f}" for x in per_round_ratios(jdk, sc))
            out.append(f"| {sc} | **{s[sc]['service_to_ceiling']:.3f}** ({rounds17}) | **{j[sc]['service_to_ceiling']:.3f}** "
                       f"({rounds25}) | {s[sc]['service']['cpu_ms_per_request']:.3f} → {j[sc]['service']['cpu_ms_per_request']:.3f} | "
                       f"{s[sc]['service']['p99_ms']:.1f} → {j[sc]['service']['p99_ms']:.1f} |")
        bs, js = base["service"], jdk["service"]
        out += ["", "| | JDK 17 | JDK 25 |", "|---|---|---|",
                f"| start → ready | {bs['start_to_ready_ms'] / 1000:.1f} s | {js['start_to_ready_ms'] / 1000:.1f} s |",
                f"| RSS after start / after warm-up / peak | {bs['rss_after_start_mib']:.0f} / {bs['rss_after_warmup_mib']:.0f} / "
                f"{bs['rss_peak_mib']:.0f} MiB | {js['rss_after_start_mib']:.0f} / {js['rss_after_warmup_mib']:.0f} / "
                f"{js['rss_peak_mib']:.0f} MiB |", ""]
    return out


# Where a CPU sample of the service goes: the first rule whose test holds, in this order (a stack is one sample's
# frames, root first; "_[k]" marks a kernel frame).
PROFILE_RULES = [
    ("JIT compiler", lambda st, k: "CompileBroker" in st),
    ("garbage collector", lambda st, k: any(x in st for x in ("G1", "GangWorker", "GCTask", "SerialHeap", "VM_GC"))),
    ("token to identity (the verified-token memory, JWT checks on a miss)",
     lambda st, k: any(x in st for x in ("MpJwtValidator", "VerifiedTokens", "jose4j"))),
    ("Bean Validation of the body", lambda st, k: "org/hibernate/validator" in st),
    ("Jackson (reading and writing JSON)", lambda st, k: "com/fasterxml/jackson" in st and not k),
    ("kernel: socket writes", lambda st, k: k and syscall_of(st) in ("write", "writev", "send", "sendto", "sendmsg")),
    ("kernel: socket reads", lambda st, k: k and syscall_of(st) in ("read", "readv", "recv", "recvfrom", "recvmsg")),
    ("kernel: thread hand-offs (futex)", lambda st, k: k and ("futex" in st or "pthread_cond" in st)),
    ("kernel: epoll", lambda st, k: k and "epoll" in st),
    ("kernel: other", lambda st, k: k),
    ("MongoDB driver (own frames)", lambda st, k: leaf_java_frame(st).startswith(("com/mongodb", "org/bson"))),
    ("Micrometer (metrics)", lambda st, k: "io/micrometer" in st),
    ("the rest: Vert.x, Netty, RESTEasy Reactive, Mutiny, ArC, the service's own code", lambda st, k: True),
]


def syscall_of(stack):
    """The system call a kernel sample is in, by the C library function that entered the kernel ("__GI_write" ->
    "write")."""
    user = [f for f in stack.split(";") if not f.endswith("_[k]")]
    name = user[-1] if user else ""
    for prefix in ("__GI___libc_", "__GI_", "__libc_", "__"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


def leaf_java_frame(stack):
    frames = [f for f in stack.split(";") if f.endswith(("_[j]", "_[i]", "_[1]"))]
    return frames[-1] if frames else ""


def profile_breakdown(path):
    shares, total = {}, 0
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"  # a run whose profiles were compressed afterwards
    try:
        with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
            for line in f:
                stack, n = line.rstrip("\n").rsplit(" ", 1)
                n = int(n)
                total += n
                kernel = "_[k]" in stack
                for name, test in PROFILE_RULES:
                    if test(stack, kernel):
                        shares[name] = shares.get(name, 0) + n
                        break
    except (OSError, ValueError):
        return None, 0
    return shares, total


def profile_section(d):
    out = []
    for section, title in [("throughput", "Where the service's CPU goes, by its profile"),
                           ("before", "The same for the before run")]:
        out += profile_table(d, section, title)
    return out


def profile_table(d, section, title):
    cols = {sc: profile_breakdown(f"{d}/{section}/flame-{sc}.collapsed") for sc in SCENARIOS}
    if not any(total for _, total in cols.values()):
        return []
    out = [f"## {title}", "",
           f"Shares of the service's CPU samples in the profiling runs of `{section}` (async-profiler, every 5 ms), each "
           "sample counted once, under the first of these rows that fits it.", "",
           "| Where | " + " | ".join(SCENARIOS) + " |", "|---|" + "---|" * len(SCENARIOS)]
    for name, _ in PROFILE_RULES:
        cells = []
        for sc in SCENARIOS:
            shares, total = cols[sc]
            cells.append(f"{100 * shares.get(name, 0) / total:.1f} %" if total else "—")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out.append("| samples | " + " | ".join(str(cols[sc][1]) for sc in SCENARIOS) + " |")
    return out + [""]


def instances_section(d):
    rows = []
    for name, label in [("instances-embedded", "embedded (3 s)"), ("instances-ferretdb", "FerretDB (3 s)"),
                        ("instances-ferretdb-10s", "FerretDB (10 s)")]:
        for scenario, op in [("hot-user", "GET /me"), ("many-users", "PUT /me/personal-info"), ("steady", "GET /me")]:
            r = read_json(f"{d}/{name}/{scenario}.json")
            if not r:
                continue
            lat = r.get("latency_by_op", {}).get(op, r["latency"])
            statuses = ", ".join(f"{k}×{v}" for k, v in sorted(r.get("statuses", {}).items()))
            per = r.get("dup_key_retries_by_instance", {})
            order = r.get("base_url", "").split(",")  # instance 1, 2, 3
            per_instance = ", ".join(str(per[u][1] - per[u][0]) for u in order if u in per)
            retries = r.get("dup_key_retries_after", 0) - r.get("dup_key_retries_before", 0)
            c = r.get("counts", {})
            rows.append(f"| {label} | {scenario} | {r['requests']} | {r['throughput_rps']:.1f} | {lat['p50_ms']:.0f} | "
                        f"{lat['p99_ms']:.0f} | {statuses} | {retries} ({per_instance}) | {c.get('run_users', '—')} / "
                        f"{c.get('run_docs', '—')} / {c.get('run_users_with_2xx_not_exactly_one_doc', '—')} / "
                        f"{c.get('users_with_more_than_one_doc_in_collection', '—')} | {'pass' if r.get('pass') else 'FAIL'} |")
    if not rows:
        return []
    first = next((read_json(f"{d}/{name}/hot-user.json") for name in ("instances-embedded", "instances-ferretdb",
                                                                           "instances-ferretdb-10s")
                  if read_json(f"{d}/{name}/hot-user.json")), {})
    return ["## Several instances, one database (load/run.sh, three instances, 24 in flight)", "",
            f"Started {first.get('started', '?')}; retries per instance in the order instance 1, 2, 3; p50/p99 of the "
            "`GET /me` line (hot-user, steady) and the `PUT /me/personal-info` line (many-users).", "",
            "| Server (database timeout) | Scenario | Requests | req/s | p50 ms | p99 ms | Statuses | "
            "Dup-key retries: all (per instance) | Users / their docs / users ≠ 1 doc / duplicated userIds | checks |",
            "|---|---|---|---|---|---|---|---|---|---|", *rows, ""]


REPAIR_PATTERNS = {
    "seeded": r"seeded (\d+) profiles: (\d+) users, (\d+) duplicated",
    "scan": r"plain full scan: \d+ documents in ([\d.]+) s",
    "repair": r"repair --apply \(separate JVM, -Xmx(\S+)\): exit (\d+) in ([\d.]+) s",
    "after": r"after: (\d+) profiles \(expected (\d+)\), (\d+) archive entries",
    "ratio": r"ratio repair / plain full scan: ([\d.]+)",
    "heap": r"peak heap used .*: (\d+) MB",
    "commands": r"commands during the repair: (.*)",
    "trips": r"round trips \(monitoring excluded\): (\d+) = ([\d.]+) per duplicated user",
    "report": r"report: (.*)",
}


def repair_section(d):
    out = []
    for name, label in [("repair-embedded", "embedded server, with the benchmark's lookup index"),
                        ("repair-ferretdb-pg", "FerretDB on PostgreSQL (GIN lookup indexes)")]:
        try:
            text = open(f"{d}/{name}.log").read()
        except OSError:
            continue
        m = {k: re.search(p, text) for k, p in REPAIR_PATTERNS.items()}
        if not (m["seeded"] and m["repair"]):
            out += [f"### Repair, {label}: no result (see `{name}.log`)", ""]
            continue
        out += [f"### Repair, {label}", "",
                f"- seeded {m['seeded'].group(1)} profiles, {m['seeded'].group(2)} users, {m['seeded'].group(3)} duplicated",
                f"- plain full scan {m['scan'].group(1)} s" if m["scan"] else "- plain full scan: not recorded",
                f"- `repair --apply` (-Xmx{m['repair'].group(1)}): **{m['repair'].group(3)} s**, exit {m['repair'].group(2)}"
                + (f", {m['ratio'].group(1)}× the plain scan" if m["ratio"] else ""),
                f"- after: {m['after'].group(1)} profiles (expected {m['after'].group(2)}), {m['after'].group(3)} archive entries"
                if m["after"] else "- after: not recorded",
                f"- peak heap {m['heap'].group(1)} MB" if m["heap"] else "- peak heap: not recorded"]
        if m["trips"]:
            out.append(f"- round trips: {m['trips'].group(1)}, **{m['trips'].group(2)} per duplicated user**; commands: "
                       f"{m['commands'].group(1) if m['commands'] else '—'}")
        if m["report"]:
            out.append(f"- the repair's report: {m['report'].group(1)}")
        out.append("")
    return (["## Repair at scale (bench/run-repair-benchmark.sh, 110,000 profiles)", ""] + out) if out else []


def main():
    d = sys.argv[1]
    report = load_report_module()
    commit = open(f"{d}/src/.commit").read().strip() if os.path.exists(f"{d}/src/.commit") else "unknown"
    try:
        command = open(f"{d}/command.txt").read().strip()
    except OSError:
        command = "bench/run-performance.sh"
    lines = [f"# Performance run at {commit[:7]}", "",
             f"Command: `{command}` (sections run one after another on one machine; {os.cpu_count()} cores).", "",
             "| Section | Status | Detail |", "|---|---|---|"]
    try:
        for line in open(f"{d}/sections.txt"):
            name, status, *detail = line.split()
            lines.append(f"| {name} | {status} | {' '.join(detail)} |")
    except OSError:
        pass
    lines.append("")
    lines += throughput_sections(d, report)
    lines += profile_section(d)
    lines += instances_section(d)
    lines += repair_section(d)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
