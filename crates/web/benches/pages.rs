//! Web pages benchmark: builds one organisation with 2,000 plans of 100 items (200,000 items, a
//! tree of objectives and actions with owners, due dates, RAG, a later RAG change on every fifth
//! action and 2–3 dated updates each) in a temporary SQLite file through the store's public API,
//! serves it with the real server on 127.0.0.1:0 in-process, signs 32 clients in and has them
//! request each page type as fast as they can, then prints latency percentiles per page type.
//!
//! `cargo bench -p waymark-web --bench pages` runs it in release. For each page type it first
//! times requests from one client alone ("solo"), then runs 32 concurrent clients with no think
//! time for at most 20 s or 5,000 requests; a request unanswered after 120 s is abandoned and
//! counted as timed out (its latency enters the percentiles as 120 s, printed with ">"). The
//! lone client waits up to 15 minutes, so that even the slowest page gets a real figure.
//! Before the load it times the store calls behind the pages one at a time, to show where a
//! page's time goes. Started without `--bench`, as `cargo test --benches` does, it runs the same
//! code on 10 plans with 4 clients, as a smoke test.
//!
//! For profiling: `WAYMARK_BENCH_DB=FILE` builds the database in FILE and keeps it, or reuses it
//! when it already holds the benchmark's organisation; `WAYMARK_BENCH_PAGES=plan,home` runs only
//! the page types named (plan, item, search, api, my-actions, home).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, TimeZone, Utc};
use reqwest::redirect::Policy;
use tokio::net::TcpListener;
use waymark_core::{FlexDate, ItemFields, ItemId, OrgId, PlanId, PlanKind, Rag, Tag, UpdateCycle};
use waymark_store::{ChangeSet, ItemRef, NewItem, NewPlan, NewUpdate, NewVersion, Scope, Store};
use waymark_web::{AppState, Clock};

type BenchResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

const PASSWORD: &str = "benchmark password, long enough";
const EMAIL: &str = "owner@bench.example";
/// The post the benchmark user holds; about one action in a thousand is owned by it.
const USER_POST: &str = "Head of Crime Team 0";
const TARGET_P95: Duration = Duration::from_millis(50);

/// Topic words of item and update texts; a search asks for one of them. Each is in about one
/// item in forty across the organisation.
const TOPICS: [&str; 40] = [
    "custody",
    "firearms",
    "recruitment",
    "vetting",
    "safeguarding",
    "burglary",
    "fraud",
    "stalking",
    "licensing",
    "forensics",
    "disclosure",
    "wellbeing",
    "procurement",
    "estates",
    "fleet",
    "drones",
    "cybercrime",
    "knife",
    "robbery",
    "shoplifting",
    "missing",
    "exploitation",
    "hate",
    "antisocial",
    "neighbourhood",
    "roads",
    "collisions",
    "intelligence",
    "surveillance",
    "informants",
    "witnesses",
    "victims",
    "complaints",
    "misconduct",
    "diversity",
    "training",
    "overtime",
    "uniform",
    "radios",
    "telephony",
];

/// How much work to do: the full benchmark, or a smoke test of the same code.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    plans: usize,
    objectives_per_plan: usize,
    /// Actions under each objective; items per plan = objectives x (1 + actions).
    actions_per_objective: usize,
    clients: usize,
    /// The concurrent phase of a page type starts no request after this long...
    phase_time: Duration,
    /// ...nor more than this many.
    phase_requests: usize,
    /// A request of the concurrent phase unanswered after this long is abandoned and counted as
    /// timed out.
    timeout: Duration,
    /// The same for a request of one client alone, long enough for the slowest page to finish.
    solo_timeout: Duration,
    /// One client alone: at most this many requests, started within `solo_time`.
    solo_requests: usize,
    solo_time: Duration,
    /// Timed calls of each store call behind the pages.
    store_calls: usize,
}

const FULL: Sizes = Sizes {
    plans: 2_000,
    objectives_per_plan: 10,
    actions_per_objective: 9,
    clients: 32,
    phase_time: Duration::from_secs(20),
    phase_requests: 5_000,
    timeout: Duration::from_secs(120),
    solo_timeout: Duration::from_secs(900),
    solo_requests: 20,
    solo_time: Duration::from_secs(5),
    store_calls: 50,
};

const SMOKE: Sizes = Sizes {
    plans: 10,
    objectives_per_plan: 10,
    actions_per_objective: 9,
    clients: 4,
    phase_time: Duration::from_secs(1),
    phase_requests: 40,
    timeout: Duration::from_secs(60),
    solo_timeout: Duration::from_secs(60),
    solo_requests: 3,
    solo_time: Duration::from_secs(1),
    store_calls: 3,
};

/// "Today" for the server: the data runs from spring 2014.
fn today() -> NaiveDate {
    day(2015, 2, 16)
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a real day")
}

fn main() -> BenchResult<()> {
    // cargo bench passes --bench; cargo test runs bench targets without it.
    let full = std::env::args().any(|arg| arg == "--bench");
    let sizes = if full { FULL } else { SMOKE };
    let items_per_plan = sizes.objectives_per_plan * (1 + sizes.actions_per_objective);
    println!(
        "web pages benchmark ({}): {} plans x {} items = {} items; {} clients, each page type \
         for at most {} s or {} requests; {} worker threads",
        if full { "full" } else { "smoke test" },
        sizes.plans,
        items_per_plan,
        sizes.plans * items_per_plan,
        sizes.clients,
        sizes.phase_time.as_secs(),
        sizes.phase_requests,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );

    // The server and the store run on a multi-threaded runtime of their own; the clients run on
    // the main thread's runtime, so that the load generator never waits behind a page handler.
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let kept = std::env::var_os("WAYMARK_BENCH_DB").map(PathBuf::from);
    let path = kept.clone().unwrap_or_else(temp_sqlite_path);
    let pages: Vec<Page> = match std::env::var("WAYMARK_BENCH_PAGES") {
        Ok(names) => names
            .split(',')
            .map(|name| Page::from_name(name.trim()).ok_or(format!("no page type {name}")))
            .collect::<Result<_, _>>()?,
        Err(_) => Page::ALL.to_vec(),
    };
    let load_start = load_average();
    let (store, data, build_time) = server_runtime.block_on(async {
        let store = Store::open_sqlite_file(&path).await?;
        let started = Instant::now();
        let data = match store.organisation_by_code("BENCH").await? {
            Some(org) => {
                println!("reusing the dataset in {}", path.display());
                existing_dataset(&store, org.id).await?
            }
            None => build_dataset(&store, sizes).await?,
        };
        BenchResult::Ok((store, data, started.elapsed()))
    })?;
    let data = Arc::new(data);
    let db_bytes: u64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(with_suffix(&path, suffix)).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "dataset: {} plans, {} items, {} updates built in {:.1} s ({:.0} MB on disk)",
        data.plans.len(),
        data.items.len(),
        data.updates,
        build_time.as_secs_f64(),
        db_bytes as f64 / 1e6
    );
    let sizes = Sizes {
        plans: data.plans.len(),
        ..sizes
    };

    // Store calls are timed on a store opened afresh: reading a kept dataset's figures above
    // went through the first store's view cache.
    drop(store);
    let store = server_runtime.block_on(Store::open_sqlite_file(&path))?;
    let store_figures = server_runtime.block_on(time_store_calls(&store, &data, sizes))?;

    let listener = server_runtime.block_on(TcpListener::bind("127.0.0.1:0"))?;
    let address = format!("http://{}", listener.local_addr()?);
    // The server gets a store of its own, opened afresh, so that its view cache starts cold, as
    // a server's does after a restart: the store calls timed above have read every plan.
    // `WAYMARK_BENCH_COLD=1` skips the warming below, to measure a server just started.
    let server_store = server_runtime.block_on(Store::open_sqlite_file(&path))?;
    // The server warms its cache in the background when it starts (`waymark_web::serve`); the
    // load starts once that is done, as it is on a server that has been up for a minute.
    let warming = Instant::now();
    let warmed = if std::env::var_os("WAYMARK_BENCH_COLD").is_some() {
        0
    } else {
        server_runtime.block_on(server_store.warm_views(today()))?
    };
    println!(
        "server view cache warmed: {warmed} views in {:.2} s",
        warming.elapsed().as_secs_f64()
    );
    let state = AppState {
        app: waymark_app::App::new(server_store, Clock::fixed(today())),
        secure_cookies: false,
        demo: None,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    server_runtime.spawn(waymark_web::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let pages = client_runtime.block_on(load(&address, &data, &pages, sizes))?;

    let _ = stop.send(());
    // Abandoned requests may still be running: don't wait for them.
    server_runtime.shutdown_timeout(Duration::from_secs(1));

    print_tables(&store_figures, &pages, build_time, &data, sizes);
    println!(
        "\nMachine: {} cores; 1-minute load average {} before the build, {} after the load",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_start,
        load_average()
    );

    if kept.is_some() {
        println!("database kept at {}", path.display());
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&path, suffix));
        }
    }
    Ok(())
}

/// What the load needs to know about the data.
struct Dataset {
    org: OrgId,
    plans: Vec<PlanId>,
    items: Vec<ItemId>,
    /// Updates as at today.
    updates: usize,
    /// Actions owned by the benchmark user's post.
    user_actions: usize,
}

/// The dataset a previous run left in a kept database.
async fn existing_dataset(store: &Store, org: OrgId) -> BenchResult<Dataset> {
    let scope = Scope::Org(org);
    let mut data = Dataset {
        org,
        plans: Vec::new(),
        items: Vec::new(),
        updates: 0,
        user_actions: 0,
    };
    for plan in store.plans(scope).await? {
        let view = store.plan_as_at(scope, plan.id, today(), None).await?;
        for item in &view.items {
            data.items.push(item.id);
            data.updates += item.updates.len();
            if item.children.is_empty() && item.fields.owners.iter().any(|o| o == USER_POST) {
                data.user_actions += 1;
            }
        }
        data.plans.push(plan.id);
    }
    Ok(data)
}

/// splitmix64: a fixed pseudo-random function, so every run builds the same data.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A small random number generator for the clients' choices of plan, item and word.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = mix(self.0);
        (self.0 % n.max(1) as u64) as usize
    }
}

async fn build_dataset(store: &Store, sizes: Sizes) -> BenchResult<Dataset> {
    let org = store
        .create_organisation("BENCH", "Benchmark Constabulary")
        .await?
        .id;
    let hash = waymark_app::password::hash_now(PASSWORD).map_err(|e| e.to_string())?;
    let user = store
        .create_user(org, EMAIL, "Bea Bench", &hash, false)
        .await?;
    let post = store.ensure_post(org, USER_POST).await?;
    store
        .assign_post(org, post, user.id, day(2014, 1, 1))
        .await?;

    let started = Instant::now();
    let mut data = Dataset {
        org,
        plans: Vec::with_capacity(sizes.plans),
        items: Vec::new(),
        updates: 0,
        user_actions: 0,
    };
    for number in 0..sizes.plans {
        let kind = if number % 3 == 0 {
            PlanKind::Improvement
        } else {
            PlanKind::Delivery
        };
        let plan = store
            .create_plan(&NewPlan {
                org,
                level_names: kind.default_levels(),
                kind,
                title: format!(
                    "Plan {number}: {} and {}",
                    TOPICS[number % TOPICS.len()],
                    TOPICS[(number / TOPICS.len()) % TOPICS.len()]
                ),
                period: Some("2014-15".into()),
                owner_posts: vec!["Plan owner: Assistant Chief Constable".into()],
                source: Some(format!("Inspection report {number}")),
                update_cycle: UpdateCycle::Monthly,
                marking: waymark_core::Classification::OFFICIAL,
            })
            .await?
            .id;
        let created = day(2014, 4, 1)
            .checked_add_days(Days::new((number % 60) as u64))
            .ok_or("date out of range")?;
        let (changes, user_actions) = plan_change_set(org, plan, number, created, sizes)?;
        let applied = store.apply_changes(&changes).await?;
        data.updates += changes.updates.len();
        data.user_actions += user_actions;

        // Later RAG changes of every fifth action, entered on the day they take effect.
        let effective = day(2014, 11, 3);
        let mut later = ChangeSet::new(org, plan);
        later.author = Some("Benchmark review".into());
        later.entered_at =
            Some(Utc.from_utc_datetime(&effective.and_hms_opt(9, 0, 0).ok_or("time")?));
        for (index, new_item) in changes.new_items.iter().enumerate() {
            if new_item.parent.is_none() || index % 5 != 1 {
                continue;
            }
            let parent = match new_item.parent {
                Some(ItemRef::New(i)) => applied.item_ids.get(i).copied().map(ItemRef::Existing),
                other => other,
            };
            let mut fields = new_item.fields.clone();
            fields.rag = Some(match fields.rag {
                Some(Rag::Green) => Rag::Amber,
                Some(Rag::Amber) => Rag::Red,
                _ => Rag::Green,
            });
            later.versions.push(NewVersion {
                item: applied.item_ids[index],
                parent,
                fields,
                effective,
                reason: Some("Quarterly review".into()),
            });
        }
        if !later.is_empty() {
            store.apply_changes(&later).await?;
        }
        data.items.extend(applied.item_ids);
        data.plans.push(plan);
        if (number + 1) % 200 == 0 {
            println!(
                "  {} plans in {:.1} s",
                number + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(data)
}

/// One plan's items and updates as one change set: objectives, each with its actions.
fn plan_change_set(
    org: OrgId,
    plan: PlanId,
    number: usize,
    created: NaiveDate,
    sizes: Sizes,
) -> BenchResult<(ChangeSet, usize)> {
    let mut changes = ChangeSet::new(org, plan);
    changes.author = Some("Import of plan tracker".into());
    changes.entered_at = Some(Utc.from_utc_datetime(&created.and_hms_opt(9, 0, 0).ok_or("time")?));
    let mut user_actions = 0;
    for objective in 0..sizes.objectives_per_plan {
        let objective_index = changes.new_items.len();
        let seed = mix((number * 1_000 + objective * 100) as u64);
        let topic = TOPICS[(seed % TOPICS.len() as u64) as usize];
        changes.new_items.push(NewItem {
            parent: None,
            fields: ItemFields {
                position: objective as i64,
                reference: Some(format!("{}", objective + 1)),
                text: format!(
                    "Objective {number}.{}: reduce the harm caused by {topic} offences and \
                     improve the service to the people affected",
                    objective + 1
                ),
                description: Some(format!(
                    "The force will review how it responds to {topic} and act on the findings."
                )),
                strategic_lead: Some("Chief Superintendent, Local Policing".into()),
                owners: vec![format!("Head of Crime Team {}", seed % 997)],
                due: Some(FlexDate::exact(day(2015, 3, 31))),
                rag: Some(Rag::ALL[(seed % 3) as usize]),
                ..ItemFields::default()
            },
            effective: created,
        });
        add_updates(&mut changes, objective_index, number, seed, created, topic)?;
        for action in 0..sizes.actions_per_objective {
            let index = changes.new_items.len();
            let seed = mix((number * 1_000 + objective * 100 + action + 1) as u64);
            let topic = TOPICS[(seed % TOPICS.len() as u64) as usize];
            let owner = format!("Head of Crime Team {}", (seed >> 8) % 1_000);
            if owner == USER_POST {
                user_actions += 1;
            }
            let due = created
                .checked_add_days(Days::new(30 + (seed >> 16) % 540))
                .ok_or("date out of range")?;
            let complete = (seed >> 24).is_multiple_of(10);
            changes.new_items.push(NewItem {
                parent: Some(ItemRef::New(objective_index)),
                fields: ItemFields {
                    position: action as i64,
                    reference: Some(format!("{}.{}", objective + 1, action + 1)),
                    text: format!(
                        "Review the handling of {topic} reports by the contact centre and \
                         correct any that do not meet the national standard ({number}.{}.{})",
                        objective + 1,
                        action + 1
                    ),
                    description: Some(
                        "Audit a sample each month and report the findings to the board.".into(),
                    ),
                    strategic_lead: Some("Detective Chief Superintendent".into()),
                    owners: vec![owner],
                    // One action in 25 has no due date yet.
                    due: (!(seed >> 32).is_multiple_of(25)).then(|| FlexDate::exact(due)),
                    complete,
                    completed_on: complete.then_some(due.min(today())),
                    rag: Some(Rag::ALL[((seed >> 40) % 3) as usize]),
                    tags: vec![Tag {
                        taxonomy: "Area".into(),
                        value: format!("Area {}", (seed >> 44) % 12),
                    }],
                    ..ItemFields::default()
                },
                effective: created,
            });
            add_updates(&mut changes, index, number, seed, created, topic)?;
        }
    }
    Ok((changes, user_actions))
}

/// Two or three dated updates of the new item at `index`, 40 to 100 days apart, none after today.
fn add_updates(
    changes: &mut ChangeSet,
    index: usize,
    number: usize,
    seed: u64,
    created: NaiveDate,
    topic: &str,
) -> BenchResult<()> {
    let count = 2 + (seed >> 48) % 2;
    let gap = 40 + (seed >> 52) % 61;
    for update in 0..count {
        let as_of = created
            .checked_add_days(Days::new(gap * (update + 1)))
            .ok_or("date out of range")?
            .min(today());
        changes.updates.push(NewUpdate {
            item: ItemRef::New(index),
            as_of,
            author_person: Some("J. Smith".into()),
            author_post: Some("Performance Officer".into()),
            text: format!(
                "Update {} on {topic} in plan {number}: the monthly audit sampled {} reports; {} \
                 were reclassified and the team has been briefed on the findings.",
                update + 1,
                80 + (seed >> 20) % 60,
                index + update as usize
            ),
            proposed_rag: Some(Rag::ALL[((seed >> (update * 3)) % 3) as usize]),
            supersedes: None,
        });
    }
    Ok(())
}

/// Median and p95 of a store call made one at a time, directly on the store.
struct StoreFigure {
    call: &'static str,
    note: String,
    times: Vec<Duration>,
}

/// Times the store calls the pages make, one at a time, before any load.
async fn time_store_calls(
    store: &Store,
    data: &Dataset,
    sizes: Sizes,
) -> BenchResult<Vec<StoreFigure>> {
    let scope = Scope::Org(data.org);
    let mut rng = Rng(7);
    let mut figures = Vec::new();
    let today = today();

    let mut times = Vec::new();
    let mut items = 0;
    for _ in 0..sizes.store_calls {
        let plan = data.plans[rng.below(data.plans.len())];
        let started = Instant::now();
        let view = store.plan_as_at(scope, plan, today, None).await?;
        times.push(started.elapsed());
        items = view.items.len();
    }
    figures.push(StoreFigure {
        call: "plan_as_at",
        note: format!("one plan of {items} items, as at today"),
        times,
    });

    let mut times = Vec::new();
    for _ in 0..sizes.store_calls {
        let plan = data.plans[rng.below(data.plans.len())];
        let as_at = day(2014, 4 + rng.below(9) as u32, 28);
        let started = Instant::now();
        store.plan_as_at(scope, plan, as_at, None).await?;
        times.push(started.elapsed());
    }
    figures.push(StoreFigure {
        call: "plan_as_at",
        note: "one plan, as at a month end of 2014".into(),
        times,
    });

    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..sizes.store_calls {
        let plan = data.plans[rng.below(data.plans.len())];
        let word = TOPICS[rng.below(TOPICS.len())];
        let started = Instant::now();
        found += store.search(scope, plan, word).await?.len();
        times.push(started.elapsed());
    }
    figures.push(StoreFigure {
        call: "search",
        note: format!(
            "one topic word in one plan ({:.1} items found on average)",
            found as f64 / sizes.store_calls.max(1) as f64
        ),
        times,
    });

    let mut times = Vec::new();
    for _ in 0..sizes.store_calls {
        let item = data.items[rng.below(data.items.len())];
        let started = Instant::now();
        store.item_history(scope, item).await?;
        times.push(started.elapsed());
    }
    figures.push(StoreFigure {
        call: "item_history",
        note: "one item".into(),
        times,
    });

    let mut times = Vec::new();
    for _ in 0..sizes.store_calls {
        let started = Instant::now();
        store.plans(scope).await?;
        times.push(started.elapsed());
    }
    figures.push(StoreFigure {
        call: "plans",
        note: format!("the organisation's {} plans", data.plans.len()),
        times,
    });

    let mut times = Vec::new();
    for _ in 0..sizes.store_calls {
        let started = Instant::now();
        store.organisations().await?;
        times.push(started.elapsed());
    }
    figures.push(StoreFigure {
        call: "organisations",
        note: "every page's header".into(),
        times,
    });

    // Every plan as at today, one after another: what filling a cold cache costs. Timed once.
    let started = Instant::now();
    for plan in &data.plans {
        store.plan_as_at(scope, *plan, today, None).await?;
    }
    figures.push(StoreFigure {
        call: "plan_as_at x every plan",
        note: format!(
            "{} plans as at today, one after another, each read from the database once \
             (the server's cache starts cold again for the load below)",
            data.plans.len()
        ),
        times: vec![started.elapsed()],
    });
    Ok(figures)
}

/// The page types the clients ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Plan,
    Item,
    PlanSearch,
    ApiItems,
    MyActions,
    Home,
}

impl Page {
    /// Fast pages first: an abandoned slow request may go on using the server after its phase.
    const ALL: [Page; 6] = [
        Page::Plan,
        Page::Item,
        Page::PlanSearch,
        Page::ApiItems,
        Page::MyActions,
        Page::Home,
    ];

    fn from_name(name: &str) -> Option<Page> {
        Page::ALL.into_iter().find(|page| page.short_name() == name)
    }

    fn short_name(self) -> &'static str {
        match self {
            Page::Plan => "plan",
            Page::Item => "item",
            Page::PlanSearch => "search",
            Page::ApiItems => "api",
            Page::MyActions => "my-actions",
            Page::Home => "home",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Page::Plan => "plan page",
            Page::Item => "item page",
            Page::PlanSearch => "plan page with search",
            Page::ApiItems => "API items list",
            Page::MyActions => "My actions",
            Page::Home => "home page",
        }
    }

    fn pattern(self) -> &'static str {
        match self {
            Page::Plan => "/plans/{id}",
            Page::Item => "/items/{id}",
            Page::PlanSearch => "/plans/{id}?q={word}",
            Page::ApiItems => "/api/plans/{id}/items",
            Page::MyActions => "/my-actions",
            Page::Home => "/",
        }
    }

    fn path(self, rng: &mut Rng, data: &Dataset) -> String {
        let plan = data.plans[rng.below(data.plans.len())].0;
        match self {
            Page::Plan => format!("/plans/{plan}"),
            Page::Item => format!("/items/{}", data.items[rng.below(data.items.len())].0),
            Page::PlanSearch => {
                format!("/plans/{plan}?q={}", TOPICS[rng.below(TOPICS.len())])
            }
            Page::ApiItems => format!("/api/plans/{plan}/items"),
            Page::MyActions => "/my-actions".into(),
            Page::Home => "/".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Error,
    TimedOut,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    time: Duration,
    outcome: Outcome,
}

/// What one page type measured.
struct PageFigures {
    page: Page,
    solo: Vec<Sample>,
    load: Vec<Sample>,
    load_wall: Duration,
    /// Bytes of the last successful response.
    bytes: usize,
}

async fn load(
    address: &str,
    data: &Arc<Dataset>,
    pages: &[Page],
    sizes: Sizes,
) -> BenchResult<Vec<PageFigures>> {
    let started = Instant::now();
    let mut clients = Vec::with_capacity(sizes.clients);
    for _ in 0..sizes.clients {
        clients.push(signed_in_client(address).await?);
    }
    println!(
        "{} clients signed in in {:.1} s",
        clients.len(),
        started.elapsed().as_secs_f64()
    );

    let mut all = Vec::new();
    for &page in pages {
        // One client alone first; this also warms the page up.
        let mut rng = Rng(mix(page as u64 + 1));
        let mut solo = Vec::new();
        let solo_started = Instant::now();
        let mut bytes = 0;
        while solo.is_empty()
            || (solo.len() < sizes.solo_requests && solo_started.elapsed() < sizes.solo_time)
        {
            let path = page.path(&mut rng, data);
            let (sample, size) = request(&clients[0], address, &path, sizes.solo_timeout).await;
            bytes = bytes.max(size);
            solo.push(sample);
        }

        let solo_failures = solo.iter().filter(|s| s.outcome != Outcome::Ok).count();
        if solo_failures > 0 {
            println!("{}: {solo_failures} solo requests failed", page.name());
        }

        let counter = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + sizes.phase_time;
        let load_started = Instant::now();
        let mut tasks = Vec::new();
        for (index, client) in clients.iter().enumerate() {
            let client = client.clone();
            let counter = Arc::clone(&counter);
            let data = Arc::clone(data);
            let address = address.to_string();
            let limit = sizes.phase_requests;
            let timeout = sizes.timeout;
            tasks.push(tokio::spawn(async move {
                let mut rng = Rng(mix((page as u64 + 1) * 1_000 + index as u64));
                let mut samples = Vec::new();
                while Instant::now() < deadline && counter.fetch_add(1, Ordering::Relaxed) < limit {
                    let path = page.path(&mut rng, &data);
                    let (sample, _) = request(&client, &address, &path, timeout).await;
                    samples.push(sample);
                }
                samples
            }));
        }
        let mut samples = Vec::new();
        for task in tasks {
            samples.extend(task.await?);
        }
        let figures = PageFigures {
            page,
            solo,
            load: samples,
            load_wall: load_started.elapsed(),
            bytes,
        };
        println!(
            "{}: solo median {} ms; {} clients: {} requests, p50 {} ms, p95 {} ms in {:.1} s",
            page.name(),
            latency(&figures.solo, 50),
            sizes.clients,
            figures.load.len(),
            latency(&figures.load, 50),
            latency(&figures.load, 95),
            figures.load_wall.as_secs_f64()
        );
        all.push(figures);
    }
    Ok(all)
}

/// A client with its own cookie jar, signed in through the sign-in form like a browser.
async fn signed_in_client(address: &str) -> BenchResult<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()?;
    let html = client
        .get(format!("{address}/sign-in"))
        .send()
        .await?
        .text()
        .await?;
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .ok_or("no csrf field on the sign-in page")?
        + marker.len();
    let csrf = html[start..].split('"').next().unwrap_or_default();
    let response = client
        .post(format!("{address}/sign-in"))
        .form(&[
            ("csrf", csrf),
            ("email", EMAIL),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await?;
    if response.status() != 303 {
        return Err(format!("sign-in answered {}", response.status()).into());
    }
    Ok(client)
}

/// One GET, timed until the whole body has arrived. Anything but 200 is an error.
async fn request(
    client: &reqwest::Client,
    address: &str,
    path: &str,
    timeout: Duration,
) -> (Sample, usize) {
    let started = Instant::now();
    let result = tokio::time::timeout(timeout, async {
        let response = client.get(format!("{address}{path}")).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        Ok::<_, reqwest::Error>((status, body.len()))
    })
    .await;
    let time = started.elapsed();
    match result {
        Ok(Ok((status, size))) if status == 200 => (
            Sample {
                time,
                outcome: Outcome::Ok,
            },
            size,
        ),
        Ok(_) => (
            Sample {
                time,
                outcome: Outcome::Error,
            },
            0,
        ),
        Err(_) => (
            Sample {
                time,
                outcome: Outcome::TimedOut,
            },
            0,
        ),
    }
}

/// Nearest-rank percentile over answered and timed-out requests, in ms; ">" when it falls on a
/// request that was abandoned, since its real latency is longer.
fn latency(samples: &[Sample], percent: usize) -> String {
    let mut sorted: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.outcome != Outcome::Error)
        .collect();
    if sorted.is_empty() {
        return "–".into();
    }
    sorted.sort_by_key(|s| (s.outcome == Outcome::TimedOut, s.time));
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    let sample = sorted[rank.min(sorted.len()) - 1];
    let ms = sample.time.as_secs_f64() * 1000.0;
    let prefix = if sample.outcome == Outcome::TimedOut {
        ">"
    } else {
        ""
    };
    if ms >= 100.0 {
        format!("{prefix}{ms:.0}")
    } else {
        format!("{prefix}{ms:.1}")
    }
}

fn count(samples: &[Sample], outcome: Outcome) -> usize {
    samples.iter().filter(|s| s.outcome == outcome).count()
}

fn print_tables(
    store: &[StoreFigure],
    pages: &[PageFigures],
    build_time: Duration,
    data: &Dataset,
    sizes: Sizes,
) {
    println!(
        "\nDataset: 1 organisation, {} plans, {} items ({} objectives of {} actions per plan), \
         {} updates, {} actions owned by the user's post; built through Store::apply_changes in \
         {:.1} s",
        data.plans.len(),
        data.items.len(),
        sizes.objectives_per_plan,
        sizes.actions_per_objective,
        data.updates,
        data.user_actions,
        build_time.as_secs_f64()
    );

    println!(
        "\nStore calls behind the pages, one at a time before the load ({} calls each):",
        sizes.store_calls
    );
    println!("| call | what | median ms | p95 ms |\n|---|---|---|---|");
    for figure in store {
        println!(
            "| {} | {} | {:.1} | {:.1} |",
            figure.call,
            figure.note,
            millis(percentile(&figure.times, 50)),
            millis(percentile(&figure.times, 95))
        );
    }

    println!(
        "\nPages: one client alone (solo), then {} concurrent clients with no think time for at \
         most {} s or {} requests; requests unanswered after {} s are abandoned (\">\": at least)",
        sizes.clients,
        sizes.phase_time.as_secs(),
        sizes.phase_requests,
        sizes.timeout.as_secs()
    );
    println!(
        "| page | path | KB | solo median ms | requests | errors | timed out | p50 ms | p95 ms | \
         p99 ms | max ms | req/s | p95 < {} ms |",
        TARGET_P95.as_millis()
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for figures in pages {
        let load = &figures.load;
        let answered = count(load, Outcome::Ok);
        let timed_out = count(load, Outcome::TimedOut);
        let p95_ok = timed_out == 0
            && answered > 0
            && percentile(
                &load
                    .iter()
                    .filter(|s| s.outcome == Outcome::Ok)
                    .map(|s| s.time)
                    .collect::<Vec<_>>(),
                95,
            ) < TARGET_P95;
        println!(
            "| {} | `{}` | {:.0} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} |",
            figures.page.name(),
            figures.page.pattern(),
            figures.bytes as f64 / 1000.0,
            latency(&figures.solo, 50),
            load.len(),
            count(load, Outcome::Error),
            timed_out,
            latency(load, 50),
            latency(load, 95),
            latency(load, 99),
            latency(load, 100),
            answered as f64 / figures.load_wall.as_secs_f64().max(f64::EPSILON),
            if p95_ok { "yes" } else { "no" }
        );
    }
}

/// Nearest-rank percentile: the smallest time at or above `percent` of the samples.
fn percentile(times: &[Duration], percent: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn millis(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

/// The 1-minute load average, where the system tells it: other work on the machine skews the
/// figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

fn temp_sqlite_path() -> PathBuf {
    std::env::temp_dir().join(format!("waymark-pages-bench-{}.db", std::process::id()))
}

fn with_suffix(path: &std::path::Path, suffix: &str) -> PathBuf {
    let mut name = path.to_path_buf().into_os_string();
    name.push(suffix);
    PathBuf::from(name)
}
