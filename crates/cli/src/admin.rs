//! Administration from the command line: organisations, people and their roles, sharing a plan
//! with a partner, and personal API tokens. Each is one application-layer use case, run as the
//! operator and recorded in the audit trail.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use waymark_app::people::PersonInput;
use waymark_app::{Actor, App};
use waymark_core::{ItemId, Marking, OrganisationKind, PlanId, Role, ShareAccess};

use crate::failed;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a person who can sign in. The password is read from WAYMARK_PASSWORD or standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, manager, contributor or viewer (default contributor).
        #[arg(long, value_name = "ROLE")]
        role: Option<String>,
        /// The same as --role admin.
        #[arg(long, conflicts_with = "role")]
        admin: bool,
        /// The most sensitive marking they may see: OFFICIAL or OFFICIAL-SENSITIVE (the default).
        #[arg(long, value_name = "MARKING")]
        clearance: Option<String>,
        /// The organisation's code; needed where there are several.
        #[arg(long, value_name = "CODE")]
        organisation: Option<String>,
    },
    /// Set a person's password (read from WAYMARK_PASSWORD or standard input); every session
    /// of theirs ends and their failed sign-ins are forgotten. Audited.
    SetPassword {
        #[arg(long)]
        email: String,
    },
    /// Change a person's role for their whole organisation.
    Role {
        #[arg(long)]
        email: String,
        /// admin, manager, contributor, viewer or none.
        #[arg(long, value_name = "ROLE")]
        role: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Add an organisation.
    Add {
        /// A short code such as TVP or OXCC.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// force (the default), pcc-office, local-authority or partner.
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
    },
    /// List the organisations.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct ShareArgs {
    /// The plan to share.
    #[arg(long)]
    pub plan: i64,
    /// The code of the organisation to share it with.
    #[arg(long, value_name = "CODE")]
    pub with: String,
    /// read, or contribute (add updates to the shared items their posts own).
    #[arg(long, value_name = "ACCESS", default_value = "read")]
    pub access: String,
    /// The most sensitive marking shared: OFFICIAL (the default) or OFFICIAL-SENSITIVE.
    #[arg(long, value_name = "MARKING", default_value = "OFFICIAL")]
    pub up_to: String,
    /// Share only these items (with what is under each), by id; the whole plan otherwise.
    #[arg(long = "item", value_name = "ID")]
    pub items: Vec<i64>,
    /// Revoke this share (by its id) instead, with --reason.
    #[arg(long, value_name = "SHARE", conflicts_with_all = ["items"])]
    pub revoke: Option<i64>,
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a personal API token for a person; prints the token alone on standard output,
    /// once: it is stored only as a hash.
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for, shown on the person's account page.
        #[arg(long, default_value = "Command-line token")]
        name: String,
    },
}

pub async fn user(app: &App, operator: &Actor, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            admin,
            clearance,
            organisation,
        } => {
            let role = match (admin, role.as_deref()) {
                (true, _) => Role::Administrator,
                (false, None) => Role::Contributor,
                (false, Some(word)) => Role::parse(word).with_context(|| {
                    format!("--role {word:?}: choose admin, manager, contributor or viewer")
                })?,
            };
            let clearance = match clearance.as_deref() {
                None => Marking::OfficialSensitive,
                Some(word) => Marking::parse(word)
                    .filter(|m| *m != Marking::Secret)
                    .with_context(|| {
                        format!("--clearance {word:?}: choose OFFICIAL or OFFICIAL-SENSITIVE")
                    })?,
            };
            let org = match organisation {
                Some(code) => Some(
                    app.organisation_by_code(operator, &code)
                        .await
                        .map_err(failed)?
                        .id,
                ),
                None => default_organisation(app, operator).await?,
            };
            let password = read_password(&email)?;
            let user = app
                .add_person(
                    operator,
                    &PersonInput {
                        email,
                        name,
                        password,
                        role,
                        clearance,
                        org,
                    },
                )
                .await
                .map_err(failed)?;
            let organisation = app
                .organisations(operator)
                .await
                .map_err(failed)?
                .into_iter()
                .find(|o| o.id == user.org)
                .map(|o| o.name)
                .unwrap_or_default();
            println!(
                "Added {} <{}> to {organisation} as {} (cleared to {}).",
                user.name,
                user.email,
                article(role.label()),
                user.clearance.label()
            );
            Ok(())
        }
        UserCommand::SetPassword { email } => {
            let person = app
                .person_by_email(operator, &email)
                .await
                .map_err(failed)?;
            let password = read_password(&person.user.email)?;
            app.set_password(operator, person.user.id, &password)
                .await
                .map_err(failed)?;
            println!(
                "Set the password of {} <{}>; their sessions have ended.",
                person.user.name, person.user.email
            );
            Ok(())
        }
        UserCommand::Role { email, role } => {
            let person = app
                .person_by_email(operator, &email)
                .await
                .map_err(failed)?;
            let role = match role.trim() {
                "none" => None,
                word => Some(Role::parse(word).with_context(|| {
                    format!("--role {word:?}: choose admin, manager, contributor, viewer or none")
                })?),
            };
            let plan_roles: Vec<(PlanId, Role)> = person
                .roles
                .iter()
                .filter_map(|g| g.plan.map(|plan| (plan, g.role)))
                .collect();
            app.set_roles(operator, person.user.id, role, &plan_roles)
                .await
                .map_err(failed)?;
            println!(
                "{} is now {}.",
                person.user.name,
                role.map(|r| article(r.label()))
                    .unwrap_or_else(|| "without a role".into())
            );
            Ok(())
        }
    }
}

/// "a contributor", "an administrator".
fn article(label: &str) -> String {
    let lower = label.to_lowercase();
    if lower.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {lower}")
    } else {
        format!("a {lower}")
    }
}

/// The only organisation, or a default one created on a fresh data folder.
async fn default_organisation(app: &App, operator: &Actor) -> Result<Option<waymark_core::OrgId>> {
    let organisations = app.organisations(operator).await.map_err(failed)?;
    match organisations.as_slice() {
        [] => Ok(Some(
            app.add_organisation(
                operator,
                "ORG",
                "Default organisation",
                OrganisationKind::Force,
            )
            .await
            .map_err(failed)?
            .id,
        )),
        [only] => Ok(Some(only.id)),
        _ => bail!("there are several organisations: name one with --organisation CODE"),
    }
}

pub async fn org(app: &App, operator: &Actor, command: OrgCommand) -> Result<()> {
    match command {
        OrgCommand::Add { code, name, kind } => {
            let kind = match kind.as_deref() {
                None => OrganisationKind::Force,
                Some(word) => OrganisationKind::parse(word).with_context(|| {
                    format!("--kind {word:?}: choose force, pcc-office, local-authority or partner")
                })?,
            };
            let created = app
                .add_organisation(operator, &code, &name, kind)
                .await
                .map_err(failed)?;
            println!(
                "Added {} ({}), {}.",
                created.name,
                created.code,
                kind.label().to_lowercase()
            );
            Ok(())
        }
        OrgCommand::List { json } => {
            let organisations = app.organisations(operator).await.map_err(failed)?;
            if json {
                let rows: Vec<serde_json::Value> = organisations
                    .iter()
                    .map(|o| {
                        serde_json::json!({"id": o.id.0, "code": o.code, "name": o.name,
                                           "kind": o.kind.as_str()})
                    })
                    .collect();
                return crate::print_json(&rows);
            }
            for o in organisations {
                println!("{:<8} {} ({})", o.code, o.name, o.kind.label());
            }
            Ok(())
        }
    }
}

pub async fn share(app: &App, operator: &Actor, args: ShareArgs) -> Result<()> {
    if let Some(share) = args.revoke {
        app.revoke_share(operator, share, args.reason.as_deref().unwrap_or_default())
            .await
            .map_err(failed)?;
        println!("Revoked share {share}.");
        return Ok(());
    }
    let with = app
        .organisation_by_code(operator, &args.with)
        .await
        .map_err(failed)?;
    let access = ShareAccess::parse(&args.access)
        .with_context(|| format!("--access {:?}: choose read or contribute", args.access))?;
    let ceiling = Marking::parse(&args.up_to)
        .filter(|m| *m != Marking::Secret)
        .with_context(|| {
            format!(
                "--up-to {:?}: choose OFFICIAL or OFFICIAL-SENSITIVE",
                args.up_to
            )
        })?;
    let items = (!args.items.is_empty()).then(|| args.items.iter().map(|i| ItemId(*i)).collect());
    let stored = app
        .share_plan(
            operator,
            PlanId(args.plan),
            &waymark_app::organisations::ShareInput {
                with: with.id,
                access,
                ceiling,
                items,
            },
        )
        .await
        .map_err(failed)?;
    println!(
        "Shared plan {} with {} ({}) to {}, up to {}{} (share {}).",
        args.plan,
        with.name,
        with.code,
        access.as_str(),
        ceiling.label(),
        match &stored.share.items {
            Some(items) => format!(", {} chosen items", items.len()),
            None => String::new(),
        },
        stored.share.id
    );
    Ok(())
}

pub async fn token(app: &App, operator: &Actor, command: TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Create { email, name } => {
            let created = app
                .create_token(operator, Some(&email), &name)
                .await
                .map_err(failed)?;
            // The token alone on standard output, so a script can capture it.
            println!("{}", created.value);
            eprintln!(
                "Created token {} \"{}\" for {email}. It is shown once; store it safely.",
                created.token.id, created.token.name
            );
            Ok(())
        }
    }
}

/// A password from WAYMARK_PASSWORD, else a line of standard input.
fn read_password(email: &str) -> Result<String> {
    match std::env::var("WAYMARK_PASSWORD") {
        Ok(password) => Ok(password),
        Err(_) => {
            eprintln!("Password for {email} (then Enter):");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            Ok(line.trim_end_matches(['\r', '\n']).to_string())
        }
    }
}
