#!/usr/bin/env python3
"""Turns the throughput benchmark's results.json into results.md (the tables of docs/performance.md) and
throughput.svg (service and ceiling req/s per scenario, one bar per round and the median marked).
Standard library only. Usage: bench/throughput-report.py results.json OUTDIR"""
import json
import sys
from html import escape

SCENARIOS = ["uniform-writes", "hot-writes", "get-or-create"]


def table(r):
    s = r["summary"]
    svc = r["service"]
    lines = [
        f"Commit `{svc['commit'][:7]}`, server **{svc['server']}**, service on `{svc['java']}` with "
        f"`{svc['jvm_options'].strip()}`; {r['machine']['cpus']} cores, "
        f"{r['machine']['mem_total_kib'] / 1024 / 1024:.0f} GiB; {r['rounds']} rounds × {r['requests_per_run']} requests "
        f"per scenario and side, {r['users']} users, {r['concurrency']} in flight; load average before "
        f"`{r['loadavg_before']}`, after `{r['loadavg_after']}`.",
        "",
        f"Command: `{r['machine']['command']}`",
        "",
        "| Scenario | Side | req/s (median) | p50 ms | p99 ms | p99.9 ms | CPU ms/request | service / ceiling |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for sc in SCENARIOS:
        for side in ["ceiling", "service"]:
            m = s[sc][side]
            cpu = m.get("cpu_ms_per_request", m.get("cpu_ms_per_request_of_driver_process"))
            ratio = f"**{s[sc]['service_to_ceiling']:.3f}**" if side == "service" else ""
            lines.append(f"| {sc} | {side} | {m['throughput_rps']:.0f} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f} | "
                         f"{m['p999_ms']:.2f} | {cpu:.3f} | {ratio} |")
    hot, uni = s["hot-writes"]["service"], s["uniform-writes"]["service"]
    lines += ["", f"Hot key: service p99 with {r['hot_share']:.0%} of writes on one user {hot['p99_ms']:.2f} ms vs "
              f"{uni['p99_ms']:.2f} ms uniform = **{hot['p99_ms'] / uni['p99_ms']:.2f}×** (target ≤ 2×); p99.9 "
              f"{hot['p999_ms']:.2f} vs {uni['p999_ms']:.2f} ms.", ""]
    if all("machine_cpu_ms_per_request" in s[sc][side] for sc in SCENARIOS for side in ["ceiling", "service"]):
        lines += cpu_table(r)
    lines += ["Every run (CPU ms/request: the service process for service rows, the whole driver JVM for ceiling rows):",
              "", "| Round | Scenario | Side | req/s | p50 ms | p99 ms | p99.9 ms | CPU ms/req | statuses | load avg |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for x in r["runs"]:
        cpu = x.get("cpu_ms_per_request", x.get("cpu_ms_per_request_of_driver_process"))
        st = ", ".join(f"{k}×{v}" for k, v in sorted(x.get("statuses", {}).items())) or "—"
        lines.append(f"| {x['round']} | {x['scenario']} | {x['side']} | {x['throughput_rps']:.0f} | {x['p50_ms']:.2f} | "
                     f"{x['p99_ms']:.2f} | {x['p999_ms']:.2f} | {cpu:.3f} | {st} | {x['loadavg'].split()[0]} |")
    c = r["counts"]
    lines += ["", f"Counts afterwards: {c['documents_in_collection']} documents, {c['distinct_user_ids_in_collection']} "
              f"distinct userIds, {c['user_ids_with_more_than_one_document']} userIds with more than one document; "
              f"ceiling users {c['ceiling_users_touched']} touched, {c['ceiling_documents']} documents; service users "
              f"with ≠ 1 document: {c['service_users_not_exactly_one_doc']} → "
              f"**{'exactly one document per user' if c['exactly_one_per_user'] else 'COUNT CHECK FAILED'}**.",
              "", f"Service process: start → ready {svc['start_to_ready_ms']} ms; RSS after start "
              f"{svc['rss_after_start_mib']} MiB, after warm-up {svc['rss_after_warmup_mib']} MiB, peak {svc['rss_peak_mib']} MiB "
              f"(VmHWM), at end {svc['rss_at_end_mib']} MiB; memory limit the heap was sized against: {svc['memory_limit']}."]
    return "\n".join(lines) + "\n"


def cpu_table(r):
    """Where each side's CPU goes (medians over the rounds), and the ratio the machine allows if HTTP were free."""
    s, cores = r["summary"], r["machine"]["cpus"]
    lines = ["Where the CPU goes, ms per request (medians over the rounds; the machine from /proc/stat: every state but "
             "idle and iowait, all cores; the service side over the load phase, read by the load tool; \"busy\": the "
             "machine's share of its cores over the run):", "",
             "| Scenario | Side | machine | its own process | database server | load tool | busy |",
             "|---|---|---|---|---|---|---|"]
    bounds = []
    for sc in SCENARIOS:
        c, v = s[sc]["ceiling"], s[sc]["service"]
        for side, m in [("ceiling", c), ("service", v)]:
            own = m.get("cpu_ms_per_request", m.get("cpu_ms_per_request_of_driver_process"))
            db = m.get("db_cpu_ms_per_request")
            tool = m.get("load_tool_cpu_ms_per_request")
            busy = m["machine_cpu_ms_per_request"] * m["throughput_rps"] / 1000 / cores
            lines.append(f"| {sc} | {side} | {m['machine_cpu_ms_per_request']:.3f} | {own:.3f} | "
                         f"{'—' if db is None else f'{db:.3f}'} | {'—' if tool is None else f'{tool:.3f}'} | {busy:.0%} |")
        # The service side with its own process costing what the ceiling's driver JVM costs per request (that JVM
        # does the same driver call, from 64 threads), the database and the load tool as measured.
        free_http = v["machine_cpu_ms_per_request"] - v["cpu_ms_per_request"] + c["cpu_ms_per_request_of_driver_process"]
        bounds.append(f"{sc} {c['machine_cpu_ms_per_request'] / v['machine_cpu_ms_per_request']:.2f} "
                      f"({c['machine_cpu_ms_per_request'] / free_http:.2f})")
    lines += ["", "Machine CPU per request, ceiling ÷ service, the ratio a saturated machine allows (in brackets: the "
              "same with the service process costing what the ceiling's driver JVM costs per request, the database "
              "and the load tool as measured): " + "; ".join(bounds) + ".", ""]
    return lines


def svg(r):
    runs, s = r["runs"], r["summary"]
    top = max(x["throughput_rps"] for x in runs) * 1.15
    w, h, left, bottom, plot_h = 720, 360, 60, 300, 250
    group_w = (w - left - 20) / len(SCENARIOS)
    colors = {"ceiling": "#4477aa", "service": "#ee6677"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="18" text-anchor="middle" font-size="14">Throughput, service vs driver ceiling '
           f'({escape(r["service"]["server"])}, {r["concurrency"]} in flight, commit {r["service"]["commit"][:7]})</text>']
    for i in range(6):
        v = top * i / 5
        y = bottom - plot_h * i / 5
        out.append(f'<line x1="{left}" x2="{w - 20}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:.0f}</text>')
    out.append(f'<text x="14" y="{bottom - plot_h / 2}" transform="rotate(-90 14 {bottom - plot_h / 2})" '
               f'text-anchor="middle">requests per second</text>')
    for g, sc in enumerate(SCENARIOS):
        x0 = left + g * group_w + 20
        for k, side in enumerate(["ceiling", "service"]):
            med = s[sc][side]["throughput_rps"]
            bx, bw = x0 + k * (group_w - 40) / 2, (group_w - 40) / 2 - 8
            bh = plot_h * med / top
            out.append(f'<rect x="{bx:.1f}" y="{bottom - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" fill="{colors[side]}"/>')
            out.append(f'<text x="{bx + bw / 2:.1f}" y="{bottom - bh - 4:.1f}" text-anchor="middle">{med:.0f}</text>')
            for x in runs:  # every round as a dot: the spread behind the median
                if x["scenario"] == sc and x["side"] == side:
                    y = bottom - plot_h * x["throughput_rps"] / top
                    out.append(f'<circle cx="{bx + bw / 2:.1f}" cy="{y:.1f}" r="3" fill="black" fill-opacity="0.6"/>')
        out.append(f'<text x="{x0 + (group_w - 40) / 2:.1f}" y="{bottom + 18}" text-anchor="middle">{sc}</text>')
        out.append(f'<text x="{x0 + (group_w - 40) / 2:.1f}" y="{bottom + 34}" text-anchor="middle" font-weight="bold">'
                   f'service/ceiling {s[sc]["service_to_ceiling"]:.3f}</text>')
    for k, side in enumerate(["ceiling", "service"]):
        out.append(f'<rect x="{left + 10 + k * 150}" y="30" width="12" height="12" fill="{colors[side]}"/>')
        label = "driver ceiling (median)" if side == "ceiling" else "service over HTTP (median)"
        out.append(f'<text x="{left + 26 + k * 150}" y="41">{label}</text>')
    out.append(f'<text x="{left + 330}" y="41">dots: each round</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    r = json.load(open(sys.argv[1]))
    outdir = sys.argv[2]
    with open(f"{outdir}/results.md", "w") as f:
        f.write(table(r))
    with open(f"{outdir}/throughput.svg", "w") as f:
        f.write(svg(r))


if __name__ == "__main__":
    main()
