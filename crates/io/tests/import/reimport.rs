//! Re-importing into a plan: the same file changes nothing; a newer version changes items in
//! place, adds only new entries, and never duplicates an item or an entry; a dry run and a
//! failed import store nothing.

use waymark_core::PlanId;
use waymark_io::apply::end_of_time;
use waymark_io::{Format, PreviewOptions, build_preview, read_bytes};
use waymark_store::{Scope, Store};

use crate::helpers::{
    as_at, fresh_store, import_into_new_plan, import_into_new_plan_owned, import_into_plan,
    import_new, preview_of, seed, spec, ymd,
};

const SEED: &str = "000_ffc31558cea22b14.txt";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

async fn counts(store: &Store, plan: PlanId) -> (usize, usize) {
    let view = store
        .plan_as_at(Scope::All, plan, end_of_time(), None)
        .await
        .unwrap();
    let updates = view.items.iter().map(|i| i.updates.len()).sum();
    (view.items.len(), updates)
}

#[test]
fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let Some(path) = seed(SEED) else { return };
    let preview = preview_of(&path);
    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = import_new(&store, org, &preview).await;
        assert_eq!(counts(&store, plan).await, (40, 54));
        // Again, on another day: undated notes must not come back as new entries.
        let workbook = waymark_io::read_file(&path).unwrap();
        let later = build_preview(&workbook, &PreviewOptions::new(ymd(2015, 3, 1))).unwrap();
        let outcome = import_into_plan(&store, plan, &later, None, false)
            .await
            .unwrap();
        assert_eq!(outcome.summary.items, 0);
        assert_eq!(outcome.summary.added, 0);
        assert_eq!(outcome.summary.changed, 0, "{:?}", outcome.summary.changes);
        assert_eq!(outcome.summary.unchanged, 40);
        assert_eq!(outcome.summary.updates_added, 0);
        assert_eq!(counts(&store, plan).await, (40, 54));
    });
}

#[test]
fn a_newer_version_updates_in_place_and_adds_only_new_entries() {
    let Some(path) = seed(SEED) else { return };
    let original = std::fs::read_to_string(&path).unwrap();
    // The newer tracker: a new entry on row 8, a due date set on row 13, the second of the three
    // "pg 54 paragraph 3.41" rows reworded, rows 26 and 27 swapped, and a new row at the end.
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    lines[7] = lines[7].replace(
        "Higher level issues will be escalated to the new forcewide Crime Reduction Department for action.",
        "Higher level issues will be escalated to the new forcewide Crime Reduction Department for action. 2 Feb 2015 - The Crime Reduction Manager is in post.",
    );
    let mut cells: Vec<String> = lines[12].split('\t').map(str::to_string).collect();
    cells[4] = "30-Apr-15".into();
    lines[12] = cells.join("\t");
    lines[10] = lines[10].replace(
        "all forces should ensure they are using",
        "all forces must ensure they are using",
    );
    lines.swap(25, 26);
    lines.push("pg 150 paragraph 6.1\tA new recommendation about something else entirely.\t\tHead of Crime\t31-Dec-15\t2 Feb 2015 - Work has started.\t\t02-Feb-15\t\t".into());
    let newer = lines.join("\n");

    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = import_new(&store, org, &preview_of(&path)).await;
        let workbook = read_bytes("tracker-v2.txt", Format::Tsv, newer.as_bytes()).unwrap();
        let preview = build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap();

        let dry = import_into_plan(&store, plan, &preview, None, true)
            .await
            .unwrap();
        assert_eq!(
            counts(&store, plan).await,
            (40, 54),
            "a dry run stores nothing"
        );

        let outcome = import_into_plan(&store, plan, &preview, None, false)
            .await
            .unwrap();
        assert_eq!(outcome.summary, dry.summary);
        assert_eq!(outcome.summary.added, 1);
        assert_eq!(outcome.summary.items, 1);
        assert_eq!(outcome.summary.changed, 2, "{:?}", outcome.summary.changes);
        assert_eq!(outcome.summary.unchanged, 38);
        assert_eq!(outcome.summary.updates_added, 2);
        assert_eq!(counts(&store, plan).await, (41, 56));

        let view = store
            .plan_as_at(Scope::All, plan, end_of_time(), None)
            .await
            .unwrap();
        let reworded = view
            .items
            .iter()
            .find(|i| i.fields.text.contains("all forces must ensure"))
            .unwrap();
        assert_eq!(
            reworded.updates.len(),
            2,
            "the edited item kept its history"
        );
        let due_set = view
            .items
            .iter()
            .find(|i| {
                i.fields
                    .text
                    .starts_with("By 20 October 2014, the one force")
            })
            .unwrap();
        assert_eq!(due_set.fields.due.as_ref().unwrap().date, ymd(2015, 4, 30));

        // And the newer file a second time changes nothing.
        let again = import_into_plan(&store, plan, &preview, None, false)
            .await
            .unwrap();
        assert_eq!(
            (
                again.summary.added,
                again.summary.changed,
                again.summary.updates_added
            ),
            (0, 0, 0)
        );
    });
}

#[test]
fn a_dry_run_of_a_new_plan_and_a_failed_import_store_nothing() {
    let Some(path) = seed(SEED) else { return };
    let preview = preview_of(&path);
    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let outcome = import_into_new_plan(&store, &spec(org), &preview, None, true)
            .await
            .unwrap();
        assert_eq!(outcome.plan, None);
        assert_eq!(outcome.summary.items, 40);
        assert_eq!(outcome.summary.updates_added, 54);
        assert!(store.plans(Scope::All).await.unwrap().is_empty());
        // An organisation that does not exist fails the whole transaction: no plan is left.
        let mut bad = spec(org);
        bad.org = waymark_core::OrgId(9999);
        assert!(
            import_into_new_plan(&store, &bad, &preview, None, false)
                .await
                .is_err()
        );
        assert!(store.plans(Scope::All).await.unwrap().is_empty());
    });
}

#[test]
fn the_json_outcome_has_the_contracted_keys() {
    let Some(path) = seed(SEED) else { return };
    let preview = preview_of(&path);
    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let outcome = import_into_new_plan(&store, &spec(org), &preview, None, true)
            .await
            .unwrap();
        let json = serde_json::to_value(&outcome).unwrap();
        for key in [
            "items",
            "updates",
            "findings",
            "added",
            "changed",
            "unchanged",
            "updates_added",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(json["items"], 40);
        assert_eq!(json["updates"], 54);
        let finding = &json["findings"][0];
        for key in ["row", "column", "kind", "message"] {
            assert!(finding.get(key).is_some(), "finding lacks {key}");
        }
        assert!(
            json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "missing_due_date" && f["row"] == 13)
        );
    });
}

/// Importing a file as a new plan when the organisation already has a plan of that title says
/// so first (a second plan is most often a re-import aimed at the wrong target), on a dry run
/// too, and still does what was asked.
#[test]
fn a_new_plan_named_like_an_existing_one_is_a_finding() {
    let csv = "Ref,Action,Owner,Due Date\n1,Review call handling,Head of Contact,31/03/2026\n";
    let workbook = read_bytes("tracker.csv", Format::Csv, csv.as_bytes()).unwrap();
    let preview = build_preview(&workbook, &PreviewOptions::new(ymd(2026, 1, 5))).unwrap();
    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let mut named = spec(org);
        named.title = Some("Contact plan".into());
        let first = import_into_new_plan(&store, &named, &preview, None, false)
            .await
            .unwrap();
        assert!(
            first
                .findings
                .iter()
                .all(|f| f.kind.name() != "plan_exists"),
            "{:?}",
            first.findings
        );
        named.title = Some(" contact PLAN ".into());
        for dry_run in [true, false] {
            let again = import_into_new_plan(&store, &named, &preview, None, dry_run)
                .await
                .unwrap();
            let finding = &again.findings[0];
            assert_eq!(finding.kind.name(), "plan_exists");
            assert_eq!((finding.row, finding.column.as_str()), (0, ""));
            assert!(
                finding.message.contains(&format!(
                    "\"Contact plan\" already exists (plan {})",
                    first.plan.unwrap()
                )),
                "{}",
                finding.message
            );
        }
        assert_eq!(store.plans(Scope::Org(org)).await.unwrap().len(), 2);
    });
}

/// A first import that hands its preview over stores what one that copies it stores, and a dry
/// run says what either does.
#[test]
fn an_import_that_moves_the_preview_stores_what_one_that_copies_it_stores() {
    let Some(path) = seed(SEED) else { return };
    let preview = preview_of(&path);
    runtime().block_on(async {
        let (copied_store, org) = fresh_store().await;
        let dry = import_into_new_plan(&copied_store, &spec(org), &preview, None, true)
            .await
            .unwrap();
        let copied = import_into_new_plan(&copied_store, &spec(org), &preview, None, false)
            .await
            .unwrap();
        let (moved_store, org) = fresh_store().await;
        let moved = import_into_new_plan_owned(&moved_store, &spec(org), preview, None)
            .await
            .unwrap();
        assert_eq!(moved, copied);
        assert_eq!(
            (dry.summary, dry.findings),
            (copied.summary, copied.findings)
        );
        let view = |store: Store, plan: Option<i64>| async move {
            store
                .plan_as_at(Scope::All, PlanId(plan.unwrap()), end_of_time(), None)
                .await
                .unwrap()
        };
        let (copied, moved) = (
            view(copied_store, copied.plan).await,
            view(moved_store, moved.plan).await,
        );
        assert_eq!(copied.items.len(), 40);
        for (a, b) in copied.items.iter().zip(&moved.items) {
            assert_eq!(
                (&a.fields, a.depth, a.exists_from),
                (&b.fields, b.depth, b.exists_from)
            );
            let texts = |item: &waymark_store::ItemState| {
                item.updates
                    .iter()
                    .map(|u| (u.as_of, u.author_post.clone(), u.text.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(texts(a), texts(b));
        }
    });
}

/// An empty cell is not a statement: a re-import whose row leaves the owner, due date and RAG
/// blank keeps what the plan holds, and says so by row and column. A row dated before the
/// item's last change, and an update older than the item's latest, are called out as
/// overtaken.
#[test]
fn empty_cells_keep_what_the_plan_holds_and_back_dated_rows_are_called_out() {
    let first = "Ref,Action,Owner,Due Date,RAG,Date of update,Latest Update\n\
                 1,Clear the vetting backlog,Head of PSD,30/06/2015,Amber,20/01/2015,20 Jan 2015 - Backlog at 410 cases.\n\
                 2,Publish the vetting policy,Head of Legal,28/02/2015,Green,20/01/2015,\n";
    let later = "Ref,Action,Owner,Due Date,RAG,Date of update,Latest Update\n\
                 1,Clear the vetting backlog,,,,20/01/2015,12 Jan 2015 - Interviews booked.\n\
                 2,Publish the vetting policy,Vetting Manager,28/02/2015,Green,10/01/2015,\n";
    let read = |name: &str, csv: &str| {
        let workbook = read_bytes(name, Format::Csv, csv.as_bytes()).unwrap();
        build_preview(&workbook, &PreviewOptions::new(as_at())).unwrap()
    };
    runtime().block_on(async {
        let (store, org) = fresh_store().await;
        let plan = import_new(&store, org, &read("vetting.csv", first)).await;
        let outcome = import_into_plan(&store, plan, &read("vetting-v2.csv", later), None, false)
            .await
            .unwrap();
        let said: Vec<(usize, &str, &str, &str)> = outcome
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    waymark_io::FindingKind::EmptyCellKept | waymark_io::FindingKind::Overtaken
                )
            })
            .map(|f| (f.row, f.column.as_str(), f.kind.name(), f.message.as_str()))
            .collect();
        assert_eq!(
            said,
            vec![
                (
                    2,
                    "Owner",
                    "empty_cell_kept",
                    "The cell is empty, so the plan keeps \"Head of PSD\": an empty cell does \
                     not clear what Waymark holds (change it in Waymark to clear it)"
                ),
                (
                    2,
                    "Due Date",
                    "empty_cell_kept",
                    "The cell is empty, so the plan keeps \"30 June 2015\": an empty cell does \
                     not clear what Waymark holds (change it in Waymark to clear it)"
                ),
                (
                    2,
                    "RAG",
                    "empty_cell_kept",
                    "The cell is empty, so the plan keeps \"Amber\": an empty cell does not \
                     clear what Waymark holds (change it in Waymark to clear it)"
                ),
                (
                    2,
                    "Latest Update",
                    "overtaken",
                    "The update of 12 January 2015 (\"Interviews booked.\") is added to the \
                     item's history, but the plan already has a later one, of 20 January 2015, \
                     which stays its latest"
                ),
                (
                    3,
                    "",
                    "overtaken",
                    "The row speaks for 10 January 2015, but the item was changed in Waymark \
                     with effect from 20 January 2015, later: the file's changes (owners) take \
                     effect from 20 January 2015 rather than being hidden behind that change"
                ),
            ],
            "{:#?}",
            outcome.findings
        );
        assert_eq!(outcome.summary.changed, 1, "{:?}", outcome.summary.changes);
        assert_eq!(outcome.summary.updates_added, 1);

        let view = store
            .plan_as_at(Scope::All, plan, end_of_time(), None)
            .await
            .unwrap();
        let backlog = &view.items[0];
        assert_eq!(backlog.fields.owners, vec!["Head of PSD"]);
        assert_eq!(backlog.fields.due.as_ref().unwrap().date, ymd(2015, 6, 30));
        assert_eq!(backlog.fields.rag, Some(waymark_core::Rag::Amber));
        assert_eq!(
            backlog.latest_update.as_ref().unwrap().text,
            "Backlog at 410 cases."
        );
        assert_eq!(view.items[1].fields.owners, vec!["Vetting Manager"]);
    });
}
