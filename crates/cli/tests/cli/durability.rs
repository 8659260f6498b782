//! What survives the process being stopped: SIGTERM stops cleanly, and SIGKILL in the middle of
//! writing loses no update that the server acknowledged, and leaves none half-stored.

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use waymark_store::{AuditFilter, Scope, Store};

use crate::helpers::{client, fresh_data_dir, sign_in, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_acknowledged_update_is_lost_to_sigkill() {
    let dir = fresh_data_dir("sigkill");
    let started = chrono::Utc::now();
    let mut server = start(&dir, "demo");
    let address = server.address.clone();
    let client = client();
    let csrf = sign_in(&client, &address, "sam.okafor@northshire.example").await;
    // Item 3 is action 1.1 of the improvement plan.
    let item = 3;

    let mut writers = Vec::new();
    // Many clients at once, so that the kill lands among batches of group commits.
    for writer in 0..16 {
        let client = client.clone();
        let csrf = csrf.clone();
        let address = address.clone();
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for n in 0..10_000 {
                let response = client
                    .post(format!("{address}/api/items/{item}/updates"))
                    .header("x-csrf-token", &csrf)
                    .json(&serde_json::json!({"text": format!("Writer {writer}, update {n}")}))
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status() == 201 => {
                        let body: serde_json::Value = match r.json().await {
                            Ok(body) => body,
                            Err(_) => break,
                        };
                        acknowledged.push(body["id"].as_i64().unwrap());
                    }
                    _ => break,
                }
            }
            acknowledged
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    assert!(
        acknowledged.len() > 20,
        "too few writes to prove anything: {}",
        acknowledged.len()
    );

    let store = Store::open_sqlite_file(&dir.join("waymark.db"))
        .await
        .unwrap();
    let history = store
        .item_history(Scope::All, waymark_core::ItemId(item))
        .await
        .unwrap();
    let stored: HashSet<i64> = history.updates.iter().map(|u| u.id.0).collect();
    let lost: Vec<&i64> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged updates lost: {lost:?}",
        lost.len()
    );
    // Nothing half-stored: every update written by the test has its audit row, written in the
    // same change set, and no audit row is left without its update.
    let written = history
        .updates
        .iter()
        .filter(|u| u.text.starts_with("Writer "))
        .count();
    let (_, events) = store
        .audit_events(&AuditFilter {
            item: Some(waymark_core::ItemId(item)),
            action: Some("item.update".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let audited = events.iter().filter(|e| e.at >= started).count();
    assert_eq!(
        audited, written,
        "updates and their audit rows disagree after SIGKILL"
    );
    store.close().await;
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = fresh_data_dir("sigterm");
    let mut server = start(&dir, "serve");
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status after SIGTERM: {status:?}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
