#!/usr/bin/env python3
"""The one data set of the Waymark/Redmine side-by-side, seeded so every run builds the same.

10,000 actions (by default), each with an owner (one of 40 posts), a due date, a RAG (Red, Amber,
Green or Blue, in roughly the mix real trackers have) and 5 dated progress updates. Exactly one
note in eight contains the search word, which appears nowhere else.

    gen.py csv OUT.csv               the tracker Waymark imports (Ref, Action, Action Owner,
                                     Due Date, RAG Status, Updates: one dated entry a line)
    gen.py owners OUT.json           the owners, for the Redmine users
    gen.py sql META.json OUT.sql     COPY statements loading the same actions into Redmine
                                     (META.json: the ids rails_setup.rb printed)
    gen.py expect OUT.json           what the checks expect: counts by RAG, items with the word

Everything is derived from SEED and N, so the three outputs describe the same actions.
"""

import csv
import datetime as dt
import json
import os
import random
import sys

SEED = int(os.environ.get("BENCH_SEED", "14"))
N = int(os.environ.get("BENCH_ITEMS", "10000"))
UPDATES = 5
WORD = os.environ.get("BENCH_WORD", "kestrel")

RAGS = [("Red", 12), ("Amber", 25), ("Green", 45), ("Blue", 18)]

RANKS = ["Chief Inspector", "Superintendent", "Inspector", "Detective Inspector", "Head of"]
UNITS = [
    "Neighbourhood Policing", "Contact Handling", "Public Protection", "Custody",
    "Roads Policing", "Digital Forensics", "Professional Standards", "Learning and Development",
]

VERBS = ["Review", "Implement", "Develop", "Introduce", "Embed", "Audit", "Refresh", "Agree",
         "Publish", "Train staff on", "Evaluate", "Strengthen"]
THINGS = ["the missing persons procedure", "the domestic abuse risk assessment",
          "crime recording standards", "the call grading policy", "stop and search scrutiny",
          "the vulnerability training package", "the custody healthcare contract",
          "the out-of-court disposals panel", "the digital evidence workflow",
          "the neighbourhood problem-solving plan", "the victims code compliance checks",
          "the performance framework", "the demand management strategy",
          "the vetting backlog plan", "the safeguarding referral process"]
PURPOSES = ["so that victims are kept informed", "to meet the inspection recommendation",
            "across every district", "with partners in the local authority",
            "and report progress to the board", "so that supervisors can check quality",
            "before the next inspection", "within existing resources"]
NOTE_WORDS = ("meeting held with leads and actions agreed draft circulated for comment "
              "training dates confirmed audit sample reviewed findings shared with the board "
              "awaiting sign off from the chief officer group data quality issues identified "
              "working group set up partner agencies engaged new process piloted in two "
              "districts evaluation under way resources identified funding approved next "
              "steps agreed update to follow at the next review policy refreshed guidance "
              "published on the intranet briefing delivered to supervisors").split()
assert WORD not in NOTE_WORDS


def owners():
    posts = []
    for unit in UNITS:
        for rank in RANKS:
            posts.append(f"{rank}, {unit}")
    return posts  # 40 posts


def dataset():
    """The actions, as dicts, the same for the same SEED and N."""
    rng = random.Random(SEED)
    posts = owners()
    rag_words = [w for w, _ in RAGS]
    rag_weights = [p for _, p in RAGS]
    items = []
    for i in range(N):
        ref = f"A{i + 1:05d}"
        text = f"{rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(PURPOSES)}"
        due = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(730))
        start = dt.date(2025, 9, 1) + dt.timedelta(days=rng.randrange(180))
        updates = []
        day = start
        for u in range(UPDATES):
            words = rng.choices(NOTE_WORDS, k=rng.randrange(14, 30))
            updates.append({"date": day, "words": words})
            day = day + dt.timedelta(days=rng.randrange(25, 40))
        items.append({
            "ref": ref,
            "text": text,
            "owner": rng.randrange(len(posts)),
            "due": due,
            "rag": rng.choices(rag_words, rag_weights)[0],
            "updates": updates,
        })
    # Exactly one note in eight holds the word, at a random place in it.
    notes = [(i, u) for i in range(N) for u in range(UPDATES)]
    for i, u in rng.sample(notes, len(notes) // 8):
        words = items[i]["updates"][u]["words"]
        words.insert(rng.randrange(len(words) + 1), WORD)
    for item in items:
        for u, update in enumerate(item["updates"]):
            # Each note names its action and number, so no two notes are the same text.
            update["text"] = f"{item['ref']} update {u + 1}: " + " ".join(update["words"]) + "."
    return items, posts


def long_date(day):
    return f"{day.day} {day.strftime('%b %Y')}"


def write_csv(path):
    items, posts = dataset()
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Ref", "Action", "Action Owner", "Due Date", "RAG Status", "Updates"])
        for it in items:
            cell = "\n".join(f"{long_date(u['date'])} - {u['text']}" for u in it["updates"])
            w.writerow([it["ref"], it["text"], posts[it["owner"]], long_date(it["due"]),
                        it["rag"], cell])


def write_owners(path):
    posts = owners()
    out = [{"login": f"owner{k + 1:02d}", "firstname": p.split(", ")[0],
            "lastname": p.split(", ")[1], "post": p} for k, p in enumerate(posts)]
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


def copy_text(value):
    if value is None:
        return r"\N"
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def write_sql(meta_path, path):
    items, posts = dataset()
    with open(meta_path) as f:
        meta = json.load(f)
    users = meta["users"]  # login -> id
    closed, open_status = meta["closed_status_id"], meta["open_status_id"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("BEGIN;\n")
        f.write("COPY issues (id, tracker_id, project_id, subject, due_date, status_id, "
                "assigned_to_id, priority_id, author_id, lock_version, created_on, updated_on, "
                "start_date, done_ratio, root_id, lft, rgt, is_private, closed_on) FROM stdin;\n")
        base = meta["first_issue_id"]
        for k, it in enumerate(items):
            iid = base + k
            uid = users[f"owner{it['owner'] + 1:02d}"]
            created = dt.datetime.combine(it["updates"][0]["date"], dt.time(9, 0))
            updated = dt.datetime.combine(it["updates"][-1]["date"], dt.time(9, 0))
            is_closed = it["rag"] == "Blue"
            row = [iid, meta["tracker_id"], meta["project_id"], f"{it['ref']} {it['text']}",
                   it["due"], closed if is_closed else open_status, uid, meta["priority_id"],
                   uid, 0, created, updated, it["updates"][0]["date"],
                   100 if is_closed else 0, iid, 1, 2, "f", updated if is_closed else None]
            f.write("\t".join(copy_text(v) for v in row) + "\n")
        f.write("\\.\n")
        f.write("COPY custom_values (customized_type, customized_id, custom_field_id, value) "
                "FROM stdin;\n")
        for k, it in enumerate(items):
            f.write(f"Issue\t{base + k}\t{meta['rag_field_id']}\t{it['rag']}\n")
        f.write("\\.\n")
        f.write("COPY journals (journalized_id, journalized_type, user_id, notes, created_on, "
                "private_notes) FROM stdin;\n")
        for k, it in enumerate(items):
            uid = users[f"owner{it['owner'] + 1:02d}"]
            for u in it["updates"]:
                when = dt.datetime.combine(u["date"], dt.time(10, 0))
                f.write("\t".join(copy_text(v) for v in
                                  [base + k, "Issue", uid, u["text"], when, "f"]) + "\n")
        f.write("\\.\n")
        f.write("SELECT setval('issues_id_seq', (SELECT max(id) FROM issues));\n")
        f.write("COMMIT;\nANALYZE issues; ANALYZE journals; ANALYZE custom_values;\n")


def write_expect(path):
    items, _ = dataset()
    by_rag = {}
    for it in items:
        by_rag[it["rag"]] = by_rag.get(it["rag"], 0) + 1
    with_word = [k for k, it in enumerate(items)
                 if any(WORD in u["words"] for u in it["updates"])]
    notes_with_word = sum(u["words"].count(WORD) for it in items for u in it["updates"])
    with open(path, "w") as f:
        json.dump({"items": len(items), "updates_each": UPDATES, "word": WORD, "seed": SEED,
                   "by_rag": by_rag, "items_with_word": len(with_word),
                   "notes_with_word": notes_with_word}, f, indent=1)


def main(argv):
    if len(argv) >= 3 and argv[1] == "csv":
        write_csv(argv[2])
    elif len(argv) >= 3 and argv[1] == "owners":
        write_owners(argv[2])
    elif len(argv) >= 4 and argv[1] == "sql":
        write_sql(argv[2], argv[3])
    elif len(argv) >= 3 and argv[1] == "expect":
        write_expect(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
