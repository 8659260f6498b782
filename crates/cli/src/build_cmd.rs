//! Building plans from the command line, as a plan manager would in the browser: create a plan,
//! change its fields or marking, archive it; add, change, move, close, reopen and archive its
//! items. Every change is a dated version in the plan's history, through the application layer.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use waymark_app::items::ItemInput;
use waymark_app::plans::PlanInput;
use waymark_app::{Actor, App};
use waymark_core::{ItemId, PlanId};

use crate::failed;

#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// Create an empty plan; prints its id.
    Create {
        #[command(flatten)]
        fields: PlanFields,
        /// The organisation's code; needed where there are several.
        #[arg(long, value_name = "CODE")]
        organisation: Option<String>,
    },
    /// Change a plan's fields; those not given stay as they are.
    Edit {
        #[arg(long)]
        plan: i64,
        #[command(flatten)]
        fields: PlanFields,
    },
    /// Archive a plan: kept with its history and read-only. --restore brings it back.
    Archive {
        #[arg(long)]
        plan: i64,
        #[arg(long)]
        restore: bool,
    },
}

#[derive(Args, Debug, Default)]
pub struct PlanFields {
    #[arg(long)]
    pub title: Option<String>,
    /// improvement, strategic, delivery, collaboration, policing, or a word of your own.
    #[arg(long)]
    pub kind: Option<String>,
    /// As written: "2026-27".
    #[arg(long)]
    pub period: Option<String>,
    /// A level name, top level first; repeat for each level.
    #[arg(long = "level", value_name = "NAME")]
    pub levels: Vec<String>,
    /// An owner post of the plan; repeat for several.
    #[arg(long = "owner-post", value_name = "POST")]
    pub owner_posts: Vec<String>,
    /// What the plan answers, such as an inspection report.
    #[arg(long)]
    pub source: Option<String>,
    /// weekly, monthly, quarterly or "N days".
    #[arg(long)]
    pub cycle: Option<String>,
    /// OFFICIAL or OFFICIAL-SENSITIVE.
    #[arg(long)]
    pub marking: Option<String>,
    /// PERSONAL, COMMERCIAL or LOCSEN, with OFFICIAL-SENSITIVE.
    #[arg(long)]
    pub descriptor: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ItemCommand {
    /// Add an item to a plan, at the top level or under --parent; prints its id.
    Add {
        #[arg(long)]
        plan: i64,
        #[arg(long)]
        parent: Option<i64>,
        #[command(flatten)]
        fields: ItemFieldArgs,
    },
    /// Change an item's fields; those not given stay as they are.
    Edit {
        #[arg(long)]
        item: i64,
        #[command(flatten)]
        fields: ItemFieldArgs,
        /// Why, for the history.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Move an item (with what is under it) under another parent, or to the top with --top.
    Move {
        #[arg(long)]
        item: i64,
        #[arg(long, conflicts_with = "top")]
        parent: Option<i64>,
        #[arg(long)]
        top: bool,
    },
    /// Close an item as complete today.
    Close {
        #[arg(long)]
        item: i64,
    },
    /// Reopen a completed item.
    Reopen {
        #[arg(long)]
        item: i64,
    },
    /// Archive an item and what is under it; --restore brings them back.
    Archive {
        #[arg(long)]
        item: i64,
        #[arg(long)]
        restore: bool,
    },
}

#[derive(Args, Debug, Default)]
pub struct ItemFieldArgs {
    #[arg(long)]
    pub text: Option<String>,
    #[arg(long)]
    pub reference: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub lead: Option<String>,
    /// Owner posts, several separated by " / ".
    #[arg(long)]
    pub owners: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub due: Option<String>,
    /// Red, Amber, Green, or none.
    #[arg(long)]
    pub rag: Option<String>,
    /// OFFICIAL, OFFICIAL-SENSITIVE, or plan (as its plan and parents).
    #[arg(long)]
    pub marking: Option<String>,
    #[arg(long)]
    pub descriptor: Option<String>,
}

impl ItemFieldArgs {
    fn input(self, reason: Option<String>) -> ItemInput {
        ItemInput {
            reference: self.reference,
            text: self.text,
            description: self.description,
            strategic_lead: self.lead,
            owners: self.owners,
            start: self.start,
            due: self.due,
            rag: self.rag,
            marking: self.marking,
            descriptor: self.descriptor,
            reason,
        }
    }
}

/// A plan form's values: those given, over `base` (the plan as it is, for an edit).
fn plan_input(fields: PlanFields, base: PlanInput) -> PlanInput {
    PlanInput {
        title: fields.title.unwrap_or(base.title),
        kind: fields.kind.unwrap_or(base.kind),
        period: fields.period.unwrap_or(base.period),
        level_names: if fields.levels.is_empty() {
            base.level_names
        } else {
            fields.levels.join("\n")
        },
        owner_posts: if fields.owner_posts.is_empty() {
            base.owner_posts
        } else {
            fields.owner_posts.join("\n")
        },
        source: fields.source.unwrap_or(base.source),
        update_cycle: fields.cycle.unwrap_or(base.update_cycle),
        marking: fields.marking.unwrap_or(base.marking),
        descriptor: fields.descriptor.unwrap_or(base.descriptor),
    }
}

pub async fn plan(app: &App, operator: &Actor, command: PlanCommand) -> Result<()> {
    match command {
        PlanCommand::Create {
            fields,
            organisation,
        } => {
            let org = match organisation {
                Some(code) => Some(
                    app.organisation_by_code(operator, &code)
                        .await
                        .map_err(failed)?
                        .id,
                ),
                None => None,
            };
            let created = app
                .create_plan(operator, org, &plan_input(fields, PlanInput::default()))
                .await
                .map_err(failed)?;
            println!("{}", created.id);
            eprintln!(
                "Created plan {} \"{}\" ({}), levels {}.",
                created.id,
                created.title,
                created.marking.label(),
                created.level_names.join(", ")
            );
            Ok(())
        }
        PlanCommand::Edit { plan, fields } => {
            let (current, version) = app
                .plan_for_edit(operator, PlanId(plan))
                .await
                .map_err(failed)?;
            let input = plan_input(fields, PlanInput::of(&current));
            app.edit_plan(operator, PlanId(plan), &input, version)
                .await
                .map_err(failed)?;
            println!("Changed plan {plan}.");
            Ok(())
        }
        PlanCommand::Archive { plan, restore } => {
            app.set_plan_archived(operator, PlanId(plan), !restore)
                .await
                .map_err(failed)?;
            println!(
                "{} plan {plan}.",
                if restore { "Restored" } else { "Archived" }
            );
            Ok(())
        }
    }
}

pub async fn item(app: &App, operator: &Actor, command: ItemCommand) -> Result<()> {
    match command {
        ItemCommand::Add {
            plan,
            parent,
            fields,
        } => {
            let id = app
                .add_item(
                    operator,
                    PlanId(plan),
                    parent.map(ItemId),
                    &fields.input(None),
                )
                .await
                .map_err(failed)?;
            println!("{id}");
            Ok(())
        }
        ItemCommand::Edit {
            item,
            fields,
            reason,
        } => {
            app.edit_item(operator, ItemId(item), &fields.input(reason), None)
                .await
                .map_err(failed)?;
            println!("Changed item {item}.");
            Ok(())
        }
        ItemCommand::Move { item, parent, top } => {
            let parent = match (parent, top) {
                (Some(parent), false) => Some(ItemId(parent)),
                (None, true) => None,
                _ => anyhow::bail!("give --parent ID, or --top"),
            };
            app.move_item(operator, ItemId(item), parent, None)
                .await
                .map_err(failed)
                .with_context(|| format!("moving item {item}"))?;
            println!("Moved item {item}.");
            Ok(())
        }
        ItemCommand::Close { item } => {
            app.set_item_complete(operator, ItemId(item), true)
                .await
                .map_err(failed)?;
            println!("Closed item {item}.");
            Ok(())
        }
        ItemCommand::Reopen { item } => {
            app.set_item_complete(operator, ItemId(item), false)
                .await
                .map_err(failed)?;
            println!("Reopened item {item}.");
            Ok(())
        }
        ItemCommand::Archive { item, restore } => {
            app.set_item_archived(operator, ItemId(item), !restore)
                .await
                .map_err(failed)?;
            println!(
                "{} item {item}.",
                if restore { "Restored" } else { "Archived" }
            );
            Ok(())
        }
    }
}
