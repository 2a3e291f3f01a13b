#!/usr/bin/env python3
"""Turns bench/run's raw measurements into the table of docs/BENCHMARKS.md.

  analyze.py slowest RAW                     median pool-mode req/s of the slowest target
  analyze.py report RAW --latency LAT --status STATUS [--openssl TXT --jmh CSV]
             --machine TEXT --settings TEXT --csv OUT.csv   > OUT.md

Ratios are computed inside each round (target / direct of the same round and token mode), then
summarised as median and min-max over the rounds kept. A round whose direct strays more than 10%
from the median direct of its mode is discarded for that mode.
"""
import argparse
import csv
import re
import statistics
import sys
from collections import defaultdict

ORDER = [
    "direct", "nginx", "haproxy", "haproxy-jwt", "scg", "portcullis-noauth", "portcullis-rs256",
    "portcullis-rs256-cached", "portcullis-es256", "portcullis-opaque", "nginx-tls", "haproxy-tls",
    "portcullis-tls",
]
DESCRIPTION = {
    "direct": "upstream directly (nginx, fixed body)",
    "nginx": "nginx proxy_pass, no auth",
    "haproxy": "HAProxy, no auth",
    "haproxy-jwt": "HAProxy jwt_verify RS256 + iss/aud/exp",
    "scg": "Spring Cloud Gateway + resource server, RS256",
    "portcullis-noauth": "Portcullis, no auth",
    "portcullis-rs256": "Portcullis RS256, verified on every request (cache 0)",
    "portcullis-rs256-cached": "Portcullis RS256, verified-token cache 100000",
    "portcullis-es256": "Portcullis ES256, verified on every request (cache 0)",
    "portcullis-opaque": "Portcullis opaque OAuth token (token store)",
    "nginx-tls": "nginx terminating TLS, proxy_pass, no auth",
    "haproxy-tls": "HAProxy terminating TLS, no auth",
    "portcullis-tls": "Portcullis gateway.tls, no auth",
}
MODES = ["pool", "single"]


def read(path):
    with open(path) as f:
        return [r for r in csv.DictReader(f)]


def order_key(t):
    return ORDER.index(t) if t in ORDER else len(ORDER)


def kept_rounds(rows):
    """mode -> set of rounds whose direct is within 10% of its median."""
    kept = {}
    for mode in MODES:
        direct = {r["round"]: float(r["rps"]) for r in rows if r["target"] == "direct" and r["mode"] == mode}
        if not direct:
            kept[mode] = set()
            continue
        med = statistics.median(direct.values())
        kept[mode] = {rnd for rnd, v in direct.items() if abs(v - med) <= 0.10 * med}
    return kept


def summarise(rows):
    kept = kept_rounds(rows)
    by = defaultdict(dict)  # (target, mode) -> round -> row
    for r in rows:
        by[(r["target"], r["mode"])][r["round"]] = r
    out = {}
    for (t, mode), rounds in by.items():
        direct = by.get(("direct", mode), {})
        hjwt = by.get(("haproxy-jwt", mode), {})
        rps, to_direct, to_hjwt, cpu, bad = [], [], [], [], 0
        for rnd, r in rounds.items():
            if rnd not in kept[mode]:
                continue
            if int(r["non2xx"] or 0) > 0 or int(r["errors"] or 0) > 0:
                bad += int(r["non2xx"] or 0) + int(r["errors"] or 0)
            v = float(r["rps"])
            rps.append(v)
            if rnd in direct and float(direct[rnd]["rps"]) > 0:
                to_direct.append(v / float(direct[rnd]["rps"]))
            if rnd in hjwt and float(hjwt[rnd]["rps"]) > 0:
                to_hjwt.append(v / float(hjwt[rnd]["rps"]))
            req = int(r["requests"])
            if req > 0:
                cpu.append(int(r["cpu_us"]) / req)
        if not rps:
            continue
        out[(t, mode)] = {
            "rps": statistics.median(rps),
            "rps_min": min(rps),
            "rps_max": max(rps),
            "direct": statistics.median(to_direct) if to_direct else None,
            "direct_min": min(to_direct) if to_direct else None,
            "direct_max": max(to_direct) if to_direct else None,
            "hjwt": statistics.median(to_hjwt) if to_hjwt else None,
            "cpu": statistics.median(cpu) if cpu else None,
            "rounds": len(rps),
            "bad": bad,
        }
    return out, kept


def slowest(raw):
    s, _ = summarise(read(raw))
    pool = [v["rps"] for (t, m), v in s.items() if m == "pool"]
    print(int(min(pool)) if pool else 1000)


def fmt(v, pattern="{:.2f}"):
    return "–" if v is None else pattern.format(v)


def parse_openssl(path):
    """verify/s and sign/s per algorithm from `openssl speed` output."""
    res = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", line)
            if m:
                res["RS256"] = (float(m.group(1)), float(m.group(2)))
            m = re.match(r"\s*256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", line)
            if m:
                res["ES256"] = (float(m.group(1)), float(m.group(2)))
            m = re.match(r"\s*253 bits EdDSA \(Ed25519\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", line)
            if m:
                res["EdDSA"] = (float(m.group(1)), float(m.group(2)))
    return res


def parse_jmh(path):
    res = {}
    for r in read(path):
        name = r["Benchmark"].rsplit(".", 1)[-1]
        res[name] = (float(r["Score"]), float(r["Score Error (99.9%)"] or 0) if r["Score Error (99.9%)"] != "NaN" else 0.0)
    return res


def target_line(name, value, goal, detail):
    if value is None:
        return f"| {name} | not measured | ≥ {goal:.2f}× | {detail} |"
    met = "**met**" if value >= goal else "**missed**"
    by = (value / goal - 1) * 100
    return f"| {name} | {value:.2f}× | ≥ {goal:.2f}× | {met} ({by:+.0f}% vs goal); {detail} |"


def report(args):
    rows = read(args.raw)
    s, kept = summarise(rows)
    lat = {r["target"]: r for r in read(args.latency)} if args.latency else {}
    status = {r["target"]: r for r in read(args.status)} if args.status else {}
    targets = sorted({t for t, _ in s} | set(status), key=order_key)
    rounds_total = len({r["round"] for r in rows})
    p = print
    p(f"Machine: {args.machine}  ")
    p(f"Settings: {args.settings}  ")
    for mode in MODES:
        p(f"Rounds kept ({mode}): {len(kept[mode])} of {rounds_total} (direct within 10% of its median)  ")
    p()
    p("| target | tokens | req/s (median) | min–max | × direct (median, min–max) | × HAProxy-JWT | p50 µs | p99 µs | CPU µs/req |")
    p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    csv_rows = []
    for t in targets:
        st = status.get(t, {})
        if st.get("status") not in (None, "ok"):
            p(f"| {t} | – | {st.get('detail', '')} | | | | | | |")
            csv_rows.append({"target": t, "mode": "", "status": st.get("detail", "")})
            continue
        for mode in MODES:
            v = s.get((t, mode))
            if not v:
                continue
            l = lat.get(t) if mode == "pool" else None
            label = "10k pool" if mode == "pool" else "repeated"
            warn = f" ⚠ {v['bad']} errors" if v["bad"] else ""
            p(
                f"| {t} | {label} | {v['rps']:.0f}{warn} | {v['rps_min']:.0f}–{v['rps_max']:.0f} | "
                f"{fmt(v['direct'])} ({fmt(v['direct_min'])}–{fmt(v['direct_max'])}) | {fmt(v['hjwt'])} | "
                f"{l['p50_us'] if l else ''} | {l['p99_us'] if l else ''} | {fmt(v['cpu'], '{:.1f}')} |"
            )
            csv_rows.append({
                "target": t, "mode": mode, "status": "ok", "rps": f"{v['rps']:.0f}",
                "rps_min": f"{v['rps_min']:.0f}", "rps_max": f"{v['rps_max']:.0f}",
                "ratio_direct": fmt(v["direct"], "{:.3f}"), "ratio_direct_min": fmt(v["direct_min"], "{:.3f}"),
                "ratio_direct_max": fmt(v["direct_max"], "{:.3f}"), "ratio_haproxy_jwt": fmt(v["hjwt"], "{:.3f}"),
                "p50_us": l["p50_us"] if l else "", "p99_us": l["p99_us"] if l else "",
                "latency_rate": l["rps"] if l else "", "cpu_us_per_req": fmt(v["cpu"], "{:.1f}"),
                "rounds": v["rounds"],
            })
    p()
    if lat:
        rates = [float(r["rps"]) for r in lat.values()]
        p(f"p50/p99: wrk latency of the pool-token run at a fixed offered rate (measured {min(rates):.0f}–{max(rates):.0f} req/s); see docs/BENCHMARKS.md for how the rate is paced.")
        p()

    def ratio(a, b, mode="pool"):
        va, vb = s.get((a, mode)), s.get((b, mode))
        if not va or not vb:
            return None
        # ratio of medians of per-round ratios to direct = target/target within rounds
        if va["direct"] and vb["direct"]:
            return va["direct"] / vb["direct"]
        return va["rps"] / vb["rps"]

    p("Targets (issue 5):")
    p()
    p("| target | measured | goal | verdict |")
    p("| --- | ---: | ---: | --- |")
    p(target_line("RS256 every request, 10k tokens vs HAProxy jwt_verify", ratio("portcullis-rs256", "haproxy-jwt"), 1.2, "portcullis-rs256 / haproxy-jwt, pool"))
    p(target_line("No-auth proxying vs nginx", ratio("portcullis-noauth", "nginx"), 1.0, "portcullis-noauth / nginx, pool"))
    p(target_line("One repeated token vs Portcullis no-auth", ratio("portcullis-rs256-cached", "portcullis-noauth", "single"), 0.9, "portcullis-rs256-cached / portcullis-noauth, repeated"))
    p(target_line("RS256 vs Spring Cloud Gateway", ratio("portcullis-rs256", "scg"), 3.0, "portcullis-rs256 / scg, pool"))
    lp, lh = lat.get("portcullis-rs256"), lat.get("haproxy-jwt")
    if lp and lh:
        a, b = int(lp["p99_us"]), int(lh["p99_us"])
        verdict = "**met**" if a <= b else "**missed**"
        p(f"| p99 at the fixed rate vs HAProxy-JWT | {a} µs | ≤ {b} µs | {verdict} ({(a / b - 1) * 100:+.0f}%) |")
    else:
        p("| p99 at the fixed rate vs HAProxy-JWT | not measured | | |")
    micro_rows = []
    if args.openssl and args.jmh:
        ossl = parse_openssl(args.openssl)
        jmh = parse_jmh(args.jmh)
        for alg, bench, jca, sign in [("RS256", "verifyRs256", "jcaVerifyRs256", "signRs256"),
                                      ("ES256", "verifyEs256", "jcaVerifyEs256", "signEs256"),
                                      ("EdDSA", "verifyEdDsa", "jcaVerifyEdDsa", "signEdDsa")]:
            native = ossl.get(alg)
            v = jmh.get(bench)
            value = v[0] / native[1] if v and native else None
            p(target_line(f"Micro: {alg} verify vs openssl speed", value, 0.8, f"{bench} / openssl verify/s"))
            micro_rows.append((alg, v, jmh.get(jca), jmh.get(sign), native))
        p()
        p("Micro-benchmarks (JMH, one core; ops/s; ratio to `openssl speed` on the same core):")
        p()
        p("| algorithm | Portcullis verify (parse+verify+claims) | JCA signature verify only | openssl verify/s | verify × openssl | nimbus sign | openssl sign/s | sign × openssl |")
        p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for alg, v, jca, sign, native in micro_rows:
            def r(x, n):
                return fmt(x[0] / n if x and n else None)
            p(f"| {alg} | {fmt(v[0] if v else None, '{:.0f}')} | {fmt(jca[0] if jca else None, '{:.0f}')} | "
              f"{fmt(native[1] if native else None, '{:.0f}')} | {r(v, native[1] if native else None)} | "
              f"{fmt(sign[0] if sign else None, '{:.0f}')} | {fmt(native[0] if native else None, '{:.0f}')} | "
              f"{r(sign, native[0] if native else None)} |")
        op = jmh.get("opaqueLookup")
        if op:
            p(f"| opaque lookup (CachingTokenStore hit) | {op[0]:.0f} | | | | | | |")
    if args.csv:
        fields = ["target", "mode", "status", "rps", "rps_min", "rps_max", "ratio_direct", "ratio_direct_min",
                  "ratio_direct_max", "ratio_haproxy_jwt", "p50_us", "p99_us", "latency_rate", "cpu_us_per_req", "rounds"]
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            for r in csv_rows:
                w.writerow(r)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "slowest":
        slowest(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd")
    ap.add_argument("raw")
    ap.add_argument("--latency")
    ap.add_argument("--status")
    ap.add_argument("--openssl")
    ap.add_argument("--jmh")
    ap.add_argument("--machine", default="")
    ap.add_argument("--settings", default="")
    ap.add_argument("--csv")
    report(ap.parse_args())


if __name__ == "__main__":
    main()
