#!/usr/bin/env python3
"""Waymark beside Redmine on the same data set: builds both, checks their answers, measures four
operations with wrk and prints the figures. Run by run.sh (as root, after the installs); see
bench/README.md. Settings come from the environment (run.sh documents them).
"""

import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

WAYMARK = os.environ.get("WAYMARK_BIN", os.path.join(REPO, "target/release/waymark"))
WORK = os.environ.get("BENCH_WORK", "/var/tmp/waymark-redmine-bench")
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
CLIENTS = [int(c) for c in os.environ.get("BENCH_CLIENTS", "1 16").split()]
# Extra client counts for Waymark's writes alone (issue #14's goal is stated at 32 clients).
WRITE_EXTRA = [int(c) for c in os.environ.get("BENCH_WRITE_EXTRA", "32").split()]
WM_PORT = int(os.environ.get("WAYMARK_PORT", "8914"))
RM_PORT = int(os.environ.get("REDMINE_PORT", "3014"))
RM_INSTANCE = os.environ.get("RM_INSTANCE", "bench")
RM_DB = os.environ.get("RM_DB", "redmine_bench")
RM_DB_USER = os.environ.get("RM_DB_USER", "redmine_bench")
RM_DB_PASS = os.environ.get("RM_DB_PASS", "redmine_bench")
PGPORT = os.environ.get("PGPORT", "5432")
RM_WORKERS = os.environ.get("REDMINE_WORKERS", "2")
RM_THREADS = os.environ.get("REDMINE_THREADS", "8")
WORDS_LUA = os.path.join(HERE, "bench.lua")
EMAIL = "bench@bench.example"  # a plan manager: the API token (JSON list, writes)
# A viewer: the HTML pages are read as one, since Redmine's are read anonymously (no edit forms).
VIEWER_EMAIL = "viewer@bench.example"
PASSWORD = "bench-password-for-waymark"

T0 = time.time()
procs = []
PIDFILE = os.path.join(WORK, "servers.pid")


def stop_stale():
    """Stops the servers a previous, interrupted run of this script left (by the pids it kept)."""
    try:
        pids = [int(x) for x in open(PIDFILE).read().split()]
    except (FileNotFoundError, ValueError):
        return
    for pid in pids:
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
        except FileNotFoundError:
            continue
        if b"puma" in cmd or b"waymark" in cmd:
            os.kill(pid, signal.SIGTERM)
            time.sleep(2)
    os.remove(PIDFILE)


def remember(p):
    procs.append(p)
    with open(PIDFILE, "a") as f:
        f.write(f"{p.pid}\n")


def log(msg):
    print(f"[{time.time() - T0:6.1f}s] {msg}", flush=True)


def run(cmd, **kw):
    kw.setdefault("check", True)
    return subprocess.run(cmd, **kw)


def out(cmd, **kw):
    return run(cmd, capture_output=True, text=True, **kw).stdout


def wait_port(port, what, seconds=180):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{what} did not start listening on {port} within {seconds} s")


def port_free(port):
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        return False
    except OSError:
        return True


def http_request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, r.getheaders(), data



def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    kids.append(int(d))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return kids


def pg_backends(db):
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
                if cmd.startswith("postgres:") and f" {db} " in cmd:
                    pids.append(int(d))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return pids


# ---------------------------------------------------------------- the data set


def generate():
    os.makedirs(WORK, exist_ok=True)
    gen = [sys.executable, os.path.join(HERE, "gen.py")]
    run(gen + ["csv", f"{WORK}/tracker.csv"])
    run(gen + ["owners", f"{WORK}/owners.json"])
    run(gen + ["expect", f"{WORK}/expect.json"])
    with open(f"{WORK}/expect.json") as f:
        return json.load(f)


# ---------------------------------------------------------------- Waymark


def wm(*args, env=None):
    e = dict(os.environ, **(env or {}))
    return out([WAYMARK, "--data-dir", f"{WORK}/waymark", *args], env=e)


def waymark_load(expect):
    data = f"{WORK}/waymark"
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    t = time.time()
    result = wm("import", f"{WORK}/tracker.csv", "--new-plan", "Bench plan", "--kind",
                "improvement", "--json")
    load_s = time.time() - t
    with open(f"{WORK}/waymark-import.json", "w") as f:
        f.write(result)
    plans = json.loads(wm("plans", "--json"))
    plan = plans[0]["id"]
    orgs = json.loads(wm("org", "list", "--json"))
    code = orgs[0]["code"] if orgs else None
    args = ["user", "add", "--email", EMAIL, "--name", "Bench Manager", "--role", "manager"]
    if code:
        args += ["--organisation", code]
    wm(*args, env={"WAYMARK_PASSWORD": PASSWORD})
    args = ["user", "add", "--email", VIEWER_EMAIL, "--name", "Bench Viewer", "--role", "viewer"]
    if code:
        args += ["--organisation", code]
    wm(*args, env={"WAYMARK_PASSWORD": PASSWORD})
    token = wm("token", "create", "--email", EMAIL, "--name", "bench").strip()
    items = json.loads(wm("items", "--plan", str(plan), "--json"))
    ids = [it["id"] for it in items]
    if len(ids) != expect["items"]:
        sys.exit(f"Waymark holds {len(ids)} items after the import, not {expect['items']}")
    # ids[k] must be the k-th action of the data set (A00001 first), as Redmine's issue k+1 is.
    wrong = [k for k, it in enumerate(items) if it.get("reference") != f"A{k + 1:05d}"]
    if wrong:
        sys.exit(f"Waymark's items are not in the data set's order (first at {wrong[0]}: "
                 f"{items[wrong[0]].get('reference')})")
    short = [it["reference"] for it in items if it.get("updates") != expect["updates_each"]]
    if short:
        sys.exit(f"{len(short)} Waymark items do not hold {expect['updates_each']} updates "
                 f"(first {short[0]})")
    log(f"Waymark: imported {len(ids)} items into plan {plan} in {load_s:.1f} s")
    return {"plan": plan, "token": token, "ids": ids, "load_s": load_s}


def waymark_serve():
    if not port_free(WM_PORT):
        sys.exit(f"something already listens on 127.0.0.1:{WM_PORT}; set WAYMARK_PORT")
    logf = open(f"{WORK}/waymark-serve.log", "w")
    p = subprocess.Popen([WAYMARK, "--data-dir", f"{WORK}/waymark", "serve", "--bind",
                          f"127.0.0.1:{WM_PORT}"], stdout=logf, stderr=subprocess.STDOUT)
    remember(p)
    wait_port(WM_PORT, "Waymark")
    return p


def waymark_sign_in(email):
    status, headers, body = http_request(WM_PORT, "GET", "/sign-in")
    csrf_cookie = None
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith("waymark_csrf="):
            csrf_cookie = v.split(";")[0]
    m = re.search(rb'name="csrf" value="([0-9a-f]+)"', body)
    if status != 200 or not m:
        sys.exit(f"Waymark sign-in page answered {status} without a CSRF token")
    form = urllib.parse.urlencode({"csrf": m.group(1).decode(), "next": "/", "email": email,
                                   "password": PASSWORD})
    hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
    if csrf_cookie:
        hdrs["Cookie"] = csrf_cookie
    status, headers, body = http_request(WM_PORT, "POST", "/sign-in", hdrs, form)
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith("waymark_session="):
            return v.split(";")[0]
    sys.exit(f"Waymark sign-in answered {status} without a session cookie: {body[:300]!r}")


def waymark_updates_count():
    db = sqlite3.connect(f"file:{WORK}/waymark/waymark.db?mode=ro", uri=True, timeout=30)
    n = db.execute("SELECT count(*) FROM updates").fetchone()[0]
    db.close()
    return n


# ---------------------------------------------------------------- Redmine


def rm_env():
    return dict(os.environ, RAILS_ENV="production", REDMINE_INSTANCE=RM_INSTANCE,
                REDMINE_LANG="en")


def psql(sql, db=RM_DB):
    return out(["psql", "-h", "127.0.0.1", "-p", PGPORT, "-U", RM_DB_USER, "-d", db, "-qAt",
                "-v", "ON_ERROR_STOP=1", "-c", sql], env=dict(os.environ, PGPASSWORD=RM_DB_PASS))


def redmine_load(expect):
    t = time.time()
    run([os.path.join(HERE, "setup_redmine.sh")],
        env=dict(os.environ, RM_INSTANCE=RM_INSTANCE, RM_DB=RM_DB, RM_DB_USER=RM_DB_USER,
                 RM_DB_PASS=RM_DB_PASS, PGPORT=PGPORT))
    migrate_s = time.time() - t
    t = time.time()
    run(["bundle", "exec", "rails", "runner", os.path.join(HERE, "rails_setup.rb"),
         f"{WORK}/owners.json", f"{WORK}/redmine-meta.json"], cwd="/usr/share/redmine",
        env=rm_env())
    run([sys.executable, os.path.join(HERE, "gen.py"), "sql", f"{WORK}/redmine-meta.json",
         f"{WORK}/redmine-load.sql"])
    run(["psql", "-h", "127.0.0.1", "-p", PGPORT, "-U", RM_DB_USER, "-d", RM_DB, "-q",
         "-v", "ON_ERROR_STOP=1", "-f", f"{WORK}/redmine-load.sql"],
        env=dict(os.environ, PGPASSWORD=RM_DB_PASS), stdout=subprocess.DEVNULL)
    load_s = time.time() - t
    with open(f"{WORK}/redmine-meta.json") as f:
        meta = json.load(f)
    issues = int(psql("SELECT count(*) FROM issues"))
    journals = int(psql("SELECT count(*) FROM journals"))
    if issues != expect["items"] or journals != expect["items"] * expect["updates_each"]:
        sys.exit(f"Redmine holds {issues} issues and {journals} journals after the load")
    log(f"Redmine: schema and default data in {migrate_s:.1f} s; {issues} issues, "
        f"{journals} journals loaded in {load_s:.1f} s")
    meta["ids"] = list(range(meta["first_issue_id"], meta["first_issue_id"] + issues))
    meta["load_s"] = load_s
    meta["migrate_s"] = migrate_s
    return meta


def redmine_serve():
    if not port_free(RM_PORT):
        sys.exit(f"something already listens on 127.0.0.1:{RM_PORT}; set REDMINE_PORT")
    logf = open(f"{WORK}/redmine-puma.log", "w")
    p = subprocess.Popen(["puma", "-e", "production", "-b", f"tcp://127.0.0.1:{RM_PORT}",
                          "-w", RM_WORKERS, "-t", f"{RM_THREADS}:{RM_THREADS}", "--preload",
                          "config.ru"], cwd="/usr/share/redmine", env=rm_env(), stdout=logf,
                         stderr=subprocess.STDOUT, start_new_session=True)
    remember(p)
    wait_port(RM_PORT, "Redmine (puma)")
    # The workers boot after the port opens; wait until both answer.
    end = time.time() + 120
    while time.time() < end and len(children(p.pid)) < int(RM_WORKERS):
        time.sleep(0.5)
    return p


# ---------------------------------------------------------------- the operations


def count(pattern, body):
    return len(re.findall(pattern, body))


def markers(expect):
    """Text each answer's body must hold, by operation and side (None: the status alone, and
    for writes the rows stored). wrk counts every answer without it (bench.lua, BENCH_EXPECT)."""
    amber = expect["by_rag"]["Amber"]
    want = expect["items_with_word"]
    return {
        "list": (f"of {amber:,} items", f"(1-100/{amber})"),
        "json": (f'"total":{amber},', f'"total_count":{amber},'),
        "item": ('<li class="wm-update">', 'id="change-'),
        "search": (f"of {want:,} items", f"Results ({want})"),
        "write": (None, None),
    }


def day(text):
    """A due date as either side writes it ("1 January 2026", "2026-01-01", …), as a date."""
    text = text.strip()
    for form in ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            pass
    return text  # unreadable: compared as text, so a mismatch shows


def wm_dues(body):
    """The due dates of a Waymark plan page's rows, in order, as dates."""
    return [day(d.decode()) for d in re.findall(rb'data-label="Due">([^<]*)<', body)]


def rm_dues(body):
    """The due dates of a Redmine issue list's rows (Redmine's default format, mm/dd/yyyy)."""
    return [dt.datetime.strptime(d.decode(), "%m/%d/%Y").date()
            for d in re.findall(rb'<td class="due_date">([^<]*)<', body)]


def checks(wmi, rmi, expect, cookie, manager_cookie):
    """One request of each operation on each side, its answer checked against the data set;
    returns notes for the report. Any mismatch stops the run before anything is measured."""
    notes = []
    amber = expect["by_rag"]["Amber"]
    problems = []
    plan = wmi["plan"]
    rf = rmi["rag_field_id"]
    mark = markers(expect)

    def has(body, text):
        return text is None or text.encode() in body

    # (a) the filtered list, as HTML: 100 amber rows sorted by due date on each side, the
    # same due dates (ties may be ordered differently), the total of the whole list shown.
    st, _, body = http_request(WM_PORT, "GET", wm_list_path(plan), {"Cookie": cookie})
    links = len(set(re.findall(rb'<a class="govuk-link" href="/items/(\d+)"', body)))
    ambers = count(rb'data-label="RAG"><strong class="wm-tag wm-rag--amber"', body)
    wd = wm_dues(body)
    shown = re.search(rb"Showing [^<]*", body)
    shown = shown.group(0).decode(errors="replace") if shown else "no 'Showing' line"
    if st != 200 or links != 100 or ambers != 100 or len(wd) != 100 or not has(body, mark["list"][0]):
        problems.append(f"Waymark list: {st}, {links} item links, {ambers} amber, {len(wd)} due "
                        f"dates ({shown})")
    st, _, body = http_request(RM_PORT, "GET", rm_list_path(rf))
    rows = count(rb'<tr id="issue-\d+"', body)
    rd = rm_dues(body)
    rm_ambers = count(rb'<td class="cf_%d[^"]*">Amber</td>' % rf, body)
    if st != 200 or rows != 100 or len(rd) != 100 or not has(body, mark["list"][1]) \
            or rm_ambers != 100:
        problems.append(f"Redmine list: {st}, {rows} rows, {len(rd)} due dates, {rm_ambers} "
                        f"amber, marker {mark['list'][1]!r} {'found' if has(body, mark['list'][1]) else 'missing'}")
    if wd and rd and (wd != sorted(wd) or rd != sorted(rd) or wd != rd):
        problems.append(f"the two lists differ in due dates: Waymark {wd[0]}..{wd[-1]}, "
                        f"Redmine {rd[0]}..{rd[-1]}")
    if not problems:
        notes.append(f"List: both pages show 100 of the {amber:,} Amber actions, due "
                     f"{wd[0]:%d %b %Y} to {wd[-1]:%d %b %Y} on both, with the total "
                     f"({shown}; Redmine \"(1-100/{amber})\").")
    # (a') the same list as JSON from each API.
    st, _, body = http_request(WM_PORT, "GET", wm_json_path(plan),
                               {"Authorization": f"Bearer {wmi['token']}"})
    try:
        j = json.loads(body)
        jd = [day(it["due"]) for it in j["items"]]
        ok = (st == 200 and j["total"] == amber and len(j["items"]) == 100
              and all((it["rag"] or "").lower() == "amber" for it in j["items"])
              and jd == sorted(jd) and has(body, mark["json"][0]))
    except (ValueError, KeyError, TypeError) as e:
        ok, jd = False, [str(e)]
    if not ok:
        problems.append(f"Waymark JSON list: {st} {body[:300]!r}")
    st, _, body = http_request(RM_PORT, "GET", rm_json_path(rf))
    try:
        r = json.loads(body)
        rjd = [day(i["due_date"]) for i in r["issues"]]
        rok = (st == 200 and r["total_count"] == amber and len(r["issues"]) == 100
               and all(any(c["id"] == rf and c["value"] == "Amber" for c in i["custom_fields"])
                       for i in r["issues"]) and has(body, mark["json"][1]))
    except (ValueError, KeyError, TypeError) as e:
        rok, rjd = False, [str(e)]
    if not rok:
        problems.append(f"Redmine JSON list: {st} {body[:300]!r}")
    if ok and rok and jd != rjd:
        problems.append(f"the two JSON lists differ in due dates: {jd[:3]}.. / {rjd[:3]}..")
    # (b) one item with its history: the same action on each side (same reference), with all
    # its updates.
    k = 42
    ref = f"A{k + 1:05d}"
    iid = wmi["ids"][k]
    st, _, body = http_request(WM_PORT, "GET", f"/items/{iid}", {"Cookie": cookie})
    n = count(rb'<li class="wm-update">', body)
    if st != 200 or n < expect["updates_each"] or f"{ref} update 5:".encode() not in body:
        problems.append(f"Waymark item page: {st} with {n} updates")
    viewer_bytes = len(body)
    st, _, body = http_request(WM_PORT, "GET", f"/items/{iid}", {"Cookie": manager_cookie})
    n = count(rb'<li class="wm-update">', body)
    if st != 200 or n < expect["updates_each"] or f"{ref} update 5:".encode() not in body:
        problems.append(f"Waymark item page as a plan manager: {st} with {n} updates")
    else:
        notes.append(f"Item page: {viewer_bytes / 1024:,.0f} KB to a viewer, "
                     f"{len(body) / 1024:,.0f} KB to a plan manager (edit forms, and the "
                     f"\"move under\" list of every item: "
                     f"{count(rb'<option', body):,} options).")
    st, _, body = http_request(RM_PORT, "GET", f"/issues/{rmi['ids'][k]}")
    n = count(rb'id="change-\d+"', body)
    if st != 200 or n < expect["updates_each"] or f"{ref} update 5:".encode() not in body:
        problems.append(f"Redmine issue page: {st} with {n} journals")
    # (d) search: 100 results a page on each side, the total of all matches shown.
    word = expect["word"]
    want = expect["items_with_word"]
    st, _, body = http_request(WM_PORT, "GET", wm_search_path(plan, word), {"Cookie": cookie})
    links = len(set(re.findall(rb'<a class="govuk-link" href="/items/(\d+)"', body)))
    m = re.search(rb"Showing [^<]*", body)
    shown = m.group(0).decode(errors="replace") if m else "no 'Showing' line"
    if st != 200 or links != 100 or not has(body, mark["search"][0]):
        problems.append(f"Waymark search: {st}, {links} items listed ({shown}); "
                        f"{want} hold the word")
    st, _, body = http_request(RM_PORT, "GET", rm_search_path(word))
    m = re.search(rb"Results \((\d+)\)", body)
    n = count(rb'<dt class="issue', body)
    if st != 200 or not m or int(m.group(1)) != want or n != 100:
        problems.append(f"Redmine search: {st}, results {m and m.group(1)}, {n} listed")
    else:
        notes.append(f"Search: both find all {want:,} actions whose notes hold '{word}' and "
                     f"list the first 100 ({shown}; Redmine \"Results ({want})\").")
    # (c) a write on each, counted in the database
    before = waymark_updates_count()
    st, _, body = http_request(WM_PORT, "POST", f"/api/items/{iid}/updates",
                               {"Authorization": f"Bearer {wmi['token']}",
                                "Content-Type": "application/json"},
                               json.dumps({"text": "Bench check update."}))
    if st != 201 or waymark_updates_count() != before + 1:
        problems.append(f"Waymark write: {st} {body[:200]!r}")
    before = int(psql("SELECT count(*) FROM journals"))
    st, _, body = http_request(RM_PORT, "PUT", f"/issues/{rmi['ids'][k]}.json",
                               {"X-Redmine-API-Key": rmi["api_key"],
                                "Content-Type": "application/json"},
                               json.dumps({"issue": {"notes": "Bench check update."}}))
    if st != 204 or int(psql("SELECT count(*) FROM journals")) != before + 1:
        problems.append(f"Redmine write: {st} {body[:200]!r}")
    if problems:
        for p in problems:
            print("CHECK FAILED:", p)
        sys.exit("the answers are not what the data set says; not measuring errors")
    log("checks passed: " + " ".join(notes))
    return notes


def wm_list_path(plan):
    return f"/plans/{plan}?rag=amber&sort=due&page=1"


def wm_json_path(plan):
    return f"/api/plans/{plan}/items?rag=amber&sort=due&limit=100&page=1"


def wm_search_path(plan, word):
    return f"/plans/{plan}?q={word}&page=1"


# Redmine's list with the columns Waymark's plan page shows (reference and wording = subject,
# owner = assignee, due date, RAG, latest update = last notes).
RM_COLUMNS = "&c[]=subject&c[]=assigned_to&c[]=due_date&c[]=cf_{rf}&c[]=last_notes"


def rm_list_path(rf):
    return (f"/projects/bench/issues?set_filter=1&f[]=cf_{rf}&op[cf_{rf}]==&v[cf_{rf}][]=Amber"
            f"&sort=due_date&per_page=100" + RM_COLUMNS.format(rf=rf))


def rm_json_path(rf):
    return (f"/projects/bench/issues.json?set_filter=1&f[]=cf_{rf}&op[cf_{rf}]==&v[cf_{rf}][]=Amber"
            f"&sort=due_date&limit=100")


def rm_search_path(word):
    return f"/projects/bench/search?q={word}&issues=1"


def wrk(port, paths, clients, seconds, headers, method="GET", body=None, tag="", expect=None):
    pfile = f"{WORK}/paths-{tag}.txt"
    with open(pfile, "w") as f:
        f.write("\n".join(paths) + "\n")
    env = dict(os.environ, BENCH_PATHS=pfile, BENCH_METHOD=method)
    if body:
        env["BENCH_BODY"] = body
    env["BENCH_EXPECT"] = expect or ""
    cmd = ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds}s",
           "--timeout", "60s", "-s", WORDS_LUA]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(f"http://127.0.0.1:{port}")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    m = re.search(r"^BENCH_JSON (.*)$", res.stdout, re.M)
    if not m:
        sys.exit(f"wrk gave no figures: {res.stdout}\n{res.stderr}")
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["bytes_per"] = r["bytes"] / r["requests"] if r["requests"] else 0
    return r


def ops(wmi, rmi, expect, cookie, manager_cookie):
    rng = random.Random(1414)
    spread = min(2000, expect["items"])
    sample = rng.sample(range(expect["items"]), spread)
    plan, rf, word = wmi["plan"], rmi["rag_field_id"], expect["word"]
    mark = markers(expect)
    wm_cookie = {"Cookie": cookie}
    wm_token = {"Authorization": f"Bearer {wmi['token']}"}
    wm_write = {"Authorization": f"Bearer {wmi['token']}", "Content-Type": "application/json"}
    rm_key = {"X-Redmine-API-Key": rmi["api_key"]}
    rm_write = {"X-Redmine-API-Key": rmi["api_key"], "Content-Type": "application/json"}
    text = "Bench update %N: progress checked with the owner and recorded."
    return [
        ("list", "(a) filtered list, page 1 of the Amber actions by due date (HTML, 100 rows)",
         dict(paths=[wm_list_path(plan)], headers=wm_cookie, ok=(200,), expect=mark["list"][0]),
         dict(paths=[rm_list_path(rf)], headers={}, ok=(200,), expect=mark["list"][1])),
        ("json", "(a′) the same list from the JSON API (100 items)",
         dict(paths=[wm_json_path(plan)], headers=wm_token, ok=(200,), expect=mark["json"][0]),
         dict(paths=[rm_json_path(rf)], headers=rm_key, ok=(200,), expect=mark["json"][1])),
        ("item", f"(b) one action with its history ({spread:,} different)",
         dict(paths=[f"/items/{wmi['ids'][k]}" for k in sample], headers=wm_cookie, ok=(200,),
              expect=mark["item"][0]),
         dict(paths=[f"/issues/{rmi['ids'][k]}" for k in sample], headers={}, ok=(200,),
              expect=mark["item"][1])),
        ("item_mgr", f"(b″) the same, Waymark signed in as a plan manager (edit forms)",
         dict(paths=[f"/items/{wmi['ids'][k]}" for k in sample],
              headers={"Cookie": manager_cookie}, ok=(200,), expect=mark["item"][0]),
         None),
        ("search", f"(d) full-text search for '{word}', first 100 results",
         dict(paths=[wm_search_path(plan, word)], headers=wm_cookie, ok=(200,),
              expect=mark["search"][0]),
         dict(paths=[rm_search_path(word)], headers={}, ok=(200,), expect=mark["search"][1])),
        ("write", f"(c) add an update, spread over {spread:,} items (durable)",
         dict(paths=[f"/api/items/{wmi['ids'][k]}/updates" for k in sample], headers=wm_write,
              method="POST", body=json.dumps({"text": text}), ok=(201,)),
         dict(paths=[f"/issues/{rmi['ids'][k]}.json" for k in sample], headers=rm_write,
              method="PUT", body=json.dumps({"issue": {"notes": text}}), ok=(204,))),
    ]


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total


def settle(pids_of, most=60):
    """Waits until the server (and, for Redmine, its PostgreSQL backends) is idle: wrk stops
    sending at the end of a run, but a server may still be working through the requests it has
    queued, which would then run beside the next measurement."""
    end = time.time() + most
    hz = os.sysconf("SC_CLK_TCK")
    while time.time() < end:
        before = cpu_ticks(pids_of())
        time.sleep(0.5)
        if (cpu_ticks(pids_of()) - before) / hz < 0.02:  # under 4% of a core
            return


SERVER_PIDS = {}  # port -> function giving the pids to watch for idleness


def measure(spec, port, clients, seconds, tag):
    settle(SERVER_PIDS.get(port, lambda: []))
    load1 = float(open("/proc/loadavg").read().split()[0])
    r = wrk(port, spec["paths"], clients, seconds, spec["headers"], spec.get("method", "GET"),
            spec.get("body"), tag, spec.get("expect"))
    good = sum(n for code, n in r["statuses"].items() if int(code) in spec["ok"])
    r["bad"] = {c: n for c, n in r["statuses"].items() if int(c) not in spec["ok"]}
    # An answer with the right status but without the expected text is not a good one.
    r["good"] = max(good - r["content_bad"], 0)
    # Requests a second counts the good answers only.
    r["rps"] = r["good"] / (r["duration_us"] / 1e6)
    errs = sum(r["errors"].values()) - r["errors"]["status"]
    r["ok"] = r["good"] > 0 and not r["bad"] and errs == 0 and r["content_bad"] == 0
    r["load1"] = load1
    return r


def ms(us):
    return f"{us / 1000:,.1f}" if us < 100000 else f"{us / 1000:,.0f}"


def kb(b):
    return f"{b / 1024:,.1f} KB" if b < 1024 * 1024 else f"{b / 1048576:,.2f} MB"


def main():
    load_start = open("/proc/loadavg").read().split()[:3]
    started = dt.datetime.now(dt.timezone.utc)
    log(f"load average at the start: {' '.join(load_start)}")
    os.makedirs(WORK, exist_ok=True)
    stop_stale()
    expect = generate()
    log(f"data set: {expect['items']} actions x {expect['updates_each']} updates, "
        f"RAG {expect['by_rag']}, '{expect['word']}' in {expect['notes_with_word']} notes "
        f"of {expect['items_with_word']} actions")
    wmi = waymark_load(expect)
    rmi = redmine_load(expect)
    wp = waymark_serve()
    rp = redmine_serve()
    cookie = waymark_sign_in(VIEWER_EMAIL)
    manager_cookie = waymark_sign_in(EMAIL)
    notes = checks(wmi, rmi, expect, cookie, manager_cookie)
    rm_pids = lambda: [rp.pid] + children(rp.pid)
    SERVER_PIDS[WM_PORT] = lambda: [wp.pid]
    SERVER_PIDS[RM_PORT] = lambda: rm_pids() + pg_backends(RM_DB)
    mem = {"before": {"waymark": rss_kb([wp.pid]), "redmine": rss_kb(rm_pids()),
                      "redmine_pg": rss_kb(pg_backends(RM_DB))}}
    table = []
    operations = ops(wmi, rmi, expect, cookie, manager_cookie)
    if WARMUP:
        log(f"warming up: {WARMUP} s of each operation on each side at 2 clients")
        for name, _, w, r in operations:
            if name != "write":
                measure(w, WM_PORT, 2, WARMUP, f"wm-{name}")
                if r:
                    measure(r, RM_PORT, 2, WARMUP, f"rm-{name}")
    mem["warm"] = {"waymark": rss_kb([wp.pid]), "redmine": rss_kb(rm_pids()),
                   "redmine_pg": rss_kb(pg_backends(RM_DB))}
    for name, label, w, r in operations:
        for c in CLIENTS:
            wm_before = waymark_updates_count() if name == "write" else 0
            a = measure(w, WM_PORT, c, DURATION, f"wm-{name}")
            if name == "write":
                a["stored"] = waymark_updates_count() - wm_before
            if r is None:
                log(f"{name} at {c} (Waymark only): {a['rps']:.1f}/s p95 {ms(a['p95_us'])} ms "
                    f"(ok={a['ok']})")
                table.append((name, label, c, a, None))
                continue
            if name == "write":
                rm_before = int(psql("SELECT count(*) FROM journals"))
            b = measure(r, RM_PORT, c, DURATION, f"rm-{name}")
            if name == "write":
                b["stored"] = int(psql("SELECT count(*) FROM journals")) - rm_before
            log(f"{name} at {c}: Waymark {a['rps']:.1f}/s p95 {ms(a['p95_us'])} ms "
                f"(ok={a['ok']}), Redmine {b['rps']:.1f}/s p95 {ms(b['p95_us'])} ms "
                f"(ok={b['ok']})")
            table.append((name, label, c, a, b))
        if name == "write":
            for c in WRITE_EXTRA:
                before = waymark_updates_count()
                a = measure(w, WM_PORT, c, DURATION, f"wm-{name}")
                a["stored"] = waymark_updates_count() - before
                log(f"{name} at {c} (Waymark only): {a['rps']:.1f}/s p95 {ms(a['p95_us'])} ms")
                table.append((name, label, c, a, None))
    mem["after"] = {"waymark": rss_kb([wp.pid]), "redmine": rss_kb(rm_pids()),
                    "redmine_pg": rss_kb(pg_backends(RM_DB))}
    load_end = open("/proc/loadavg").read().split()[:3]
    report(started, load_start, load_end, expect, wmi, rmi, notes, table, mem)


def versions():
    v = {}
    try:
        v["waymark"] = out(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).strip()
        if out(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"]).strip():
            v["waymark"] += " (with uncommitted changes)"
    except Exception:
        v["waymark"] = "?"
    for pkg in ["redmine", "puma", "ruby3.1", "postgresql-15", "wrk"]:
        v[pkg] = out(["dpkg-query", "-W", "-f", "${Version}", pkg], check=False).strip() or "?"
    return v


def report(started, load_start, load_end, expect, wmi, rmi, notes, table, mem):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        memtotal = int(f.readline().split()[1]) / 1048576
    v = versions()
    elapsed = time.time() - T0
    lines = []
    p = lines.append
    p(f"Date: {started:%d %B %Y %H:%M} UTC; run took {elapsed / 60:.1f} minutes.")
    p(f"Machine: {os.cpu_count()} cores ({cpu}), {memtotal:.0f} GiB, "
      f"{platform.system()} {platform.release()}; load average at the start "
      f"{' / '.join(load_start)} (1/5/15 min), at the end {' / '.join(load_end)}.")
    p(f"Versions: Waymark {v['waymark']} (release build, SQLite), Redmine {v['redmine']} on puma "
      f"{v['puma']} ({RM_WORKERS} workers x {RM_THREADS} threads, production), ruby "
      f"{v['ruby3.1']}, PostgreSQL {v['postgresql-15']}, wrk {v['wrk']}.")
    p(f"Data: {expect['items']:,} actions x {expect['updates_each']} updates (seed "
      f"{expect['seed']}), RAG {', '.join(f'{k} {n:,}' for k, n in expect['by_rag'].items())}; "
      f"'{expect['word']}' in {expect['notes_with_word']:,} notes of "
      f"{expect['items_with_word']:,} actions. Load: Waymark import {wmi['load_s']:.1f} s; "
      f"Redmine SQL COPY {rmi['load_s']:.1f} s (after {rmi['migrate_s']:.0f} s of schema).")
    p(f"Command: `{os.environ.get('BENCH_COMMAND', 'bench/redmine/run.sh')}`.")
    p(f"Each run: wrk for {DURATION} s (at {' and '.join(map(str, CLIENTS))} clients; "
      f"Waymark's writes also at {' and '.join(map(str, WRITE_EXTRA)) or 'no more'}), no think "
      f"time, after {WARMUP} s of warm-up per operation and side; every response's status and "
      f"content checked (a marker text the right answer holds), writes counted in the database.")
    for n in notes:
        p(f"Note: {n}")
    p("")
    p("| operation | clients | Waymark req/s | p50 / p95 / p99 ms | bytes/resp | Redmine req/s "
      "| p50 / p95 / p99 ms | bytes/resp | Waymark ÷ Redmine (req/s) | load avg (1 min) at the "
      "start, W / R | answers |")
    p("|---|---|---|---|---|---|---|---|---|---|---|")
    order = {"list": 0, "json": 1, "item": 2, "item_mgr": 3, "write": 4, "search": 5}
    for name, label, c, a, b in sorted(table, key=lambda t: (order[t[0]], t[2])):
        def side(r):
            return (f"{r['rps']:,.1f}", f"{ms(r['p50_us'])} / {ms(r['p95_us'])} / "
                    f"{ms(r['p99_us'])}", kb(r["bytes_per"]))
        def answers(r, who):
            s = f"{who} {r['good']:,} ok"
            if r["bad"]:
                s += f", other statuses {r['bad']}"
            if r["content_bad"]:
                s += f", {r['content_bad']:,} without the expected content"
            e = {k: n for k, n in r["errors"].items() if n and k != "status"}
            if e:
                s += f", errors {e}"
            if "stored" in r:
                s += f", {r['stored']:,} stored"
                if r["stored"] < r["good"]:
                    s += " (FEWER THAN ACKNOWLEDGED)"
            return s
        wa = side(a)
        if b:
            rb = side(b)
            ratio = (f"{a['rps'] / b['rps']:,.1f}×" if b["good"] and a["good"]
                     else "– (a side gave no good answer)")
            ans = answers(a, "W") + "; " + answers(b, "R")
            load = f"{a['load1']:.2f} / {b['load1']:.2f}"
        else:
            rb, ratio, ans = ("–", "–", "–"), "–", answers(a, "W") + " (Waymark only)"
            load = f"{a['load1']:.2f} / –"
        p(f"| {label} | {c} | {wa[0]} | {wa[1]} | {wa[2]} | {rb[0]} | {rb[1]} | {rb[2]} | "
          f"{ratio} | {load} | {ans} |")
    p("")
    p("| resident memory (RSS) | Waymark | Redmine (puma master + workers) | Redmine's PostgreSQL backends |")
    p("|---|---|---|---|")
    for when, label in [("before", "loaded, before any request"), ("warm", "after warm-up"),
                        ("after", "after every run")]:
        m = mem[when]
        p(f"| {label} | {m['waymark'] / 1024:,.0f} MB | {m['redmine'] / 1024:,.0f} MB | "
          f"{m['redmine_pg'] / 1024:,.0f} MB |")
    text = "\n".join(lines)
    print("\n" + text)
    with open(f"{WORK}/results.md", "w") as f:
        f.write(text + "\n")
    with open(f"{WORK}/results.json", "w") as f:
        json.dump({"table": [(n, c, a, b) for n, _, c, a, b in table], "mem": mem,
                   "load_start": load_start, "load_end": load_end, "notes": notes}, f,
                  indent=1, default=str)
    log(f"written {WORK}/results.md and results.json")


def stop_all(*_):
    for p in procs:
        try:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM) if os.getpgid(p.pid) == p.pid else p.terminate()
        except ProcessLookupError:
            pass
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
    if procs and os.path.exists(PIDFILE):
        os.remove(PIDFILE)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: (stop_all(), sys.exit(1)))
    try:
        main()
    finally:
        stop_all()
