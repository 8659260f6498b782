"""Writes the benchmark's plan as a tab-separated tracker (the shape of seed 000): ACTIONS
actions, each with FIVE dated updates in its "Latest Update" cell, for `waymark import`."""

import sys

actions = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
print("BENCHMARK IMPROVEMENT PLAN")
print()
print("\t".join(["Ref", "Area for Improvement", "Strategic Lead", "Action Owner", "Due Date",
                 "Initial Response", "Latest Update", "Date of Update", "Complete Yes/No",
                 "RAG Status"]))
rags = ["Red", "Amber", "Green"]
for n in range(actions):
    updates = " ".join(
        f"{day} {months[(n + k) % 11]} 2015 - Progress note {k + 1} on action {n + 1}: "
        f"work continues with partners and the lead reports to the board."
        for k, day in enumerate([3, 9, 14, 19, 24])
    )
    print("\t".join([
        f"A{n + 1}",
        f"Action {n + 1}: improve how the force handles case {n % 97} across the districts.",
        "ACC Crime",
        f"Head of Team {n % 50}",
        "31-Mar-16",
        "",
        updates,
        "24-Nov-15",
        "No",
        rags[n % 3],
    ]))
