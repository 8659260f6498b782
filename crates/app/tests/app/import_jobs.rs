//! Imports in the background (issue #15): a previewed upload confirmed as a job reports rising
//! progress and ends with what it stored; a cancelled job or one that fails mid-way stores
//! nothing; its findings download leads with sheet, row and column; only the person who
//! started it and their organisation's administrators see it.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use waymark_app::import_jobs::{ImportJobStatus, JobStage};
use waymark_app::imports::{ImportResult, Upload};
use waymark_app::item_list::{ItemFilter, ListParams};
use waymark_app::{Actor, App, AppError};

use crate::fixture::{Fixture, fixtures};

/// A plain tracker of `rows` actions, each with an owner, a due date, one dated update and a
/// RAG status.
fn tracker(rows: usize) -> Vec<u8> {
    let mut csv = String::with_capacity(rows * 110);
    csv.push_str("Ref,Action,Owner,Due,Update,Date of update,RAG\n");
    for n in 1..=rows {
        csv.push_str(&format!(
            "{n},Action number {n} of the plan,Head of Unit {},31/03/2027,\
             12/01/2027 - Work on action {n} has started,12/01/2027,Green\n",
            n % 50
        ));
    }
    csv.into_bytes()
}

fn upload(name: &str, content: Vec<u8>) -> Upload {
    Upload {
        file_name: name.into(),
        content,
        new_title: Some(format!("Imported {name}")),
        ..Upload::default()
    }
}

/// Every item of every plan the actor may see.
async fn items_seen(app: &App, actor: &Actor) -> usize {
    let mut count = 0;
    for plan in app.visible_plans(actor).await.unwrap() {
        let (filter, _) = ItemFilter::read(&ListParams::default());
        let far = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
        count += app
            .list_items(actor, plan.plan.id, far, filter)
            .await
            .unwrap()
            .kept
            .len();
    }
    count
}

async fn plans_seen(app: &App, actor: &Actor) -> usize {
    app.visible_plans(actor).await.unwrap().len()
}

/// Reads the job's status until it has finished, every few milliseconds, keeping each.
async fn watch(app: &App, actor: &Actor, id: &str) -> Vec<ImportJobStatus> {
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let status = app.import_job(actor, id).unwrap();
        let finished = status.stage.is_finished();
        seen.push(status);
        if finished {
            return seen;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the job did not finish"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn previewed(f: &Fixture, actor: &Actor, name: &str, content: Vec<u8>) -> String {
    f.app
        .preview_upload(actor, upload(name, content))
        .await
        .unwrap()
        .token
}

#[tokio::test]
async fn a_job_of_100000_rows_reports_rising_progress_and_stores_every_item() {
    for f in fixtures("job_100k").await {
        let manager = f.manager().await;
        let token = previewed(&f, &manager, "big-tracker.csv", tracker(100_000)).await;
        let plans_before = plans_seen(&f.app, &manager).await;
        let started = Instant::now();
        let first = f
            .app
            .start_import_job(&manager, &token, Default::default())
            .await
            .unwrap();
        assert!(!first.stage.is_finished(), "{:?}", first.stage);
        let seen = watch(&f.app, &manager, &first.id).await;
        let took = started.elapsed();
        let last = seen.last().unwrap();
        assert_eq!(last.stage, JobStage::Done, "{:?}", last.error);
        assert_eq!(last.fraction, 1.0);
        // Progress never goes back, and was seen part-way through checking and storing.
        for pair in seen.windows(2) {
            assert!(pair[1].fraction >= pair[0].fraction, "{seen:?}");
        }
        let part_way = |stage: JobStage| {
            seen.iter().any(|s| {
                s.stage == stage
                    && s.rows_done > 0
                    && s.rows_done < s.rows_total
                    && s.fraction < 1.0
            })
        };
        assert!(part_way(JobStage::Storing), "{}", f.backend);
        let distinct: std::collections::BTreeSet<u32> = seen.iter().map(|s| s.percent()).collect();
        assert!(distinct.len() >= 3, "{distinct:?}");
        let Some(ImportResult::Items { outcome }) = &last.result else {
            panic!("not an items import: {:?}", last.result);
        };
        assert_eq!(outcome.summary.added, 100_000);
        assert_eq!(outcome.summary.updates_added, 100_000);
        assert_eq!(plans_seen(&f.app, &manager).await, plans_before + 1);
        let plan = waymark_core::PlanId(outcome.plan.unwrap());
        let detail = f.app.plan_detail(&manager, plan).await.unwrap();
        assert_eq!(detail.visible.plan.title, "Imported big-tracker.csv");
        eprintln!(
            "{}: 100,000-row job in {:.1} s, {} statuses read",
            f.backend,
            took.as_secs_f64(),
            seen.len()
        );
    }
}

#[tokio::test]
async fn a_cancelled_job_stores_nothing() {
    for f in fixtures("job_cancel").await {
        let manager = f.manager().await;
        let token = previewed(&f, &manager, "tracker.csv", tracker(50_000)).await;
        let (plans, items) = (
            plans_seen(&f.app, &manager).await,
            items_seen(&f.app, &manager).await,
        );
        let job = f
            .app
            .start_import_job(&manager, &token, Default::default())
            .await
            .unwrap();
        // Cancelled once it is storing: between two batches of its one transaction.
        let started = Instant::now();
        loop {
            let status = f.app.import_job(&manager, &job.id).unwrap();
            assert!(
                !status.stage.is_finished(),
                "finished before it could be cancelled"
            );
            if status.stage == JobStage::Storing {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(300));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let cancelling = f.app.cancel_import_job(&manager, &job.id).unwrap();
        assert!(cancelling.cancel_requested);
        let seen = watch(&f.app, &manager, &job.id).await;
        let last = seen.last().unwrap();
        assert_eq!(
            last.stage,
            JobStage::Cancelled,
            "{}: {:?}",
            f.backend,
            last.error
        );
        assert!(last.result.is_none());
        assert_eq!(plans_seen(&f.app, &manager).await, plans, "{}", f.backend);
        assert_eq!(items_seen(&f.app, &manager).await, items, "{}", f.backend);
        // The upload is kept: it can be confirmed again, and then it stores.
        let again = f
            .app
            .start_import_job(&manager, &token, Default::default())
            .await
            .unwrap();
        let last = watch(&f.app, &manager, &again.id).await.pop().unwrap();
        assert_eq!(last.stage, JobStage::Done, "{:?}", last.error);
        assert_eq!(items_seen(&f.app, &manager).await, items + 50_000);
        // Cancelling a stored import changes nothing.
        let after = f.app.cancel_import_job(&manager, &again.id).unwrap();
        assert_eq!(after.stage, JobStage::Done);
    }
}

#[tokio::test]
async fn a_job_cancelled_before_it_has_read_the_file_stores_nothing() {
    for f in fixtures("job_cancel_early").await {
        let manager = f.manager().await;
        let token = previewed(&f, &manager, "tracker.csv", tracker(2_000)).await;
        let plans = plans_seen(&f.app, &manager).await;
        let job = f
            .app
            .start_import_job(&manager, &token, Default::default())
            .await
            .unwrap();
        f.app.cancel_import_job(&manager, &job.id).unwrap();
        let last = watch(&f.app, &manager, &job.id).await.pop().unwrap();
        assert_eq!(last.stage, JobStage::Cancelled, "{}", f.backend);
        assert_eq!(plans_seen(&f.app, &manager).await, plans);
    }
}

#[tokio::test]
async fn a_job_that_fails_mid_way_stores_nothing() {
    for f in fixtures("job_fails").await {
        let manager = f.manager().await;
        let token = previewed(&f, &manager, "tracker.csv", tracker(30_000)).await;
        let (plans, items) = (
            plans_seen(&f.app, &manager).await,
            items_seen(&f.app, &manager).await,
        );
        // The write fails after its first batches of rows are written, inside the
        // transaction.
        let job = f
            .app
            .start_import_job_failing_after(&manager, &token, Default::default(), 20_000)
            .await
            .unwrap();
        let seen = watch(&f.app, &manager, &job.id).await;
        let last = seen.last().unwrap();
        assert_eq!(last.stage, JobStage::Failed, "{}", f.backend);
        // It failed part-way through storing: 20,000 of its 90,000 rows were written in
        // the transaction (items, versions, updates) when it stopped.
        let error = last.error.clone().unwrap();
        assert!(error.contains("injected after 20000 rows"), "{error}");
        assert_eq!(plans_seen(&f.app, &manager).await, plans, "{}", f.backend);
        assert_eq!(items_seen(&f.app, &manager).await, items, "{}", f.backend);
        assert!(matches!(
            f.app.import_job_findings(&manager, &job.id),
            Err(AppError::State(_))
        ));
    }
}

/// A tracker with known bad cells: an impossible due date on row 3, no owner on row 4.
const BAD_CELLS: &str = "Ref,Action,Owner,Due\n\
                         1,Review the cells,Insp Smith,30/06/2027\n\
                         2,Train the staff,Sgt Jones,31/02/2027\n\
                         3,Audit the logs,,31/12/2027\n";

#[tokio::test]
async fn a_jobs_findings_download_names_sheet_row_and_column() {
    for f in fixtures("job_findings").await {
        let manager = f.manager().await;
        let token = previewed(&f, &manager, "bad.csv", BAD_CELLS.as_bytes().to_vec()).await;
        let job = f
            .app
            .start_import_job(&manager, &token, Default::default())
            .await
            .unwrap();
        let last = watch(&f.app, &manager, &job.id).await.pop().unwrap();
        assert_eq!(last.stage, JobStage::Done, "{:?}", last.error);
        let findings = f.app.import_job_findings(&manager, &job.id).unwrap();
        let csv = waymark_io::findings_table::findings_table_csv(&findings).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("sheet,row,column,rows,kind,finding,message")
        );
        let places: Vec<String> = lines
            .map(|line| line.split(',').take(5).collect::<Vec<_>>().join(","))
            .collect();
        assert!(
            places.contains(&",3,Due,,unparseable_date".to_string()),
            "{csv}"
        );
        assert!(
            places.contains(&",4,Owner,,missing_owner".to_string()),
            "{csv}"
        );
        let xlsx = waymark_io::findings_table::findings_table_xlsx(&findings).unwrap();
        assert!(xlsx.starts_with(b"PK"));
    }
}

#[tokio::test]
async fn a_job_is_seen_only_by_who_started_it_and_their_administrators() {
    for f in fixtures("job_access").await {
        let manager = f.manager().await;
        let token = previewed(&f, &manager, "small.csv", tracker(10)).await;
        // Only the uploader may start the job of their upload.
        let admin = f.admin().await;
        assert!(matches!(
            f.app
                .start_import_job(&admin, &token, Default::default())
                .await,
            Err(AppError::NotFound)
        ));
        let job = f
            .app
            .start_import_job(&manager, &token, Default::default())
            .await
            .unwrap();
        watch(&f.app, &manager, &job.id).await;
        assert_eq!(
            f.app.import_job(&admin, &job.id).unwrap().stage,
            JobStage::Done
        );
        assert!(f.app.import_job_findings(&admin, &job.id).is_ok());
        for other in [
            f.outsider().await,
            f.partner().await,
            f.viewer().await,
            f.contributor().await,
        ] {
            assert!(
                matches!(f.app.import_job(&other, &job.id), Err(AppError::NotFound)),
                "{}",
                other.name()
            );
            assert!(matches!(
                f.app.cancel_import_job(&other, &job.id),
                Err(AppError::NotFound)
            ));
            assert!(matches!(
                f.app.import_job_findings(&other, &job.id),
                Err(AppError::NotFound)
            ));
        }
        assert!(matches!(
            f.app.import_job(&manager, "no-such-job"),
            Err(AppError::NotFound)
        ));
    }
}

/// Into an existing plan (on SQLite through the group-commit writer, whose change set has a
/// savepoint of its own): a job that fails part-way leaves the plan as it was, and one that
/// is left alone adds every row.
#[tokio::test]
async fn a_job_into_an_existing_plan_that_fails_mid_way_leaves_the_plan_as_it_was() {
    for f in fixtures("job_existing").await {
        let manager = f.manager().await;
        let into_plan = |content: Vec<u8>| Upload {
            file_name: "more.csv".into(),
            content,
            target: Some(f.plan),
            ..Upload::default()
        };
        let items = items_seen(&f.app, &manager).await;
        let token = f
            .app
            .preview_upload(&manager, into_plan(tracker(20_000)))
            .await
            .unwrap()
            .token;
        let job = f
            .app
            .start_import_job_failing_after(&manager, &token, Default::default(), 10_000)
            .await
            .unwrap();
        let last = watch(&f.app, &manager, &job.id).await.pop().unwrap();
        assert_eq!(last.stage, JobStage::Failed, "{}", f.backend);
        assert!(
            last.error
                .as_deref()
                .unwrap_or("")
                .contains("injected after 10000 rows"),
            "{:?}",
            last.error
        );
        assert_eq!(items_seen(&f.app, &manager).await, items, "{}", f.backend);

        let again = f
            .app
            .start_import_job(&manager, &token, Default::default())
            .await
            .unwrap();
        let last = watch(&f.app, &manager, &again.id).await.pop().unwrap();
        assert_eq!(
            last.stage,
            JobStage::Done,
            "{}: {:?}",
            f.backend,
            last.error
        );
        assert_eq!(last.result.as_ref().and_then(|r| r.plan()), Some(f.plan));
        assert_eq!(items_seen(&f.app, &manager).await, items + 20_000);
    }
}
