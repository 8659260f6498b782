//! People, their roles and clearances, and who holds which post: administrators manage their
//! own organisation's; the operator any. Every change is audited in its own transaction with
//! the change itself.

use chrono::NaiveDate;
use waymark_core::{Marking, OrgId, PostId, Role, RoleGrant, UserId};
use waymark_store::{NewPerson, PostChange, PostHolding, PostRef, User};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};

/// A person with their roles, for the people page and the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub user: User,
    pub roles: Vec<RoleGrant>,
}

impl Person {
    /// The organisation-wide role, if any.
    pub fn org_role(&self) -> Option<Role> {
        self.roles
            .iter()
            .filter(|g| g.plan.is_none())
            .map(|g| g.role)
            .max()
    }
}

/// Everything on the people page of one organisation.
#[derive(Debug, Clone)]
pub struct PeopleRead {
    pub org: OrgId,
    pub people: Vec<Person>,
    pub holdings: Vec<PostHolding>,
    pub posts: Vec<(PostId, String)>,
}

/// A person to add.
#[derive(Debug, Clone)]
pub struct PersonInput {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub clearance: Marking,
    /// The organisation; the actor's own unless the operator names another.
    pub org: Option<OrgId>,
}

/// A change of who holds a post, as the people page asks for it.
#[derive(Debug, Clone)]
pub enum HoldingChange {
    Assign {
        user: UserId,
        post: Option<PostId>,
        new_post: Option<String>,
        since: NaiveDate,
    },
    MoveOn {
        user: UserId,
        post: PostId,
        until: NaiveDate,
        successor: Option<UserId>,
    },
}

impl App {
    /// The organisation an administrator administers.
    async fn administered(&self, actor: &Actor, org: Option<OrgId>) -> Result<OrgId> {
        let org = self.organisation_for(actor, org).await?;
        if !actor.subject.administers(org) {
            return Err(AppError::Forbidden);
        }
        Ok(org)
    }

    /// The people, posts and post holdings of the actor's organisation.
    pub async fn people(&self, actor: &Actor, org: Option<OrgId>) -> Result<PeopleRead> {
        let org = self.administered(actor, org).await?;
        let roles = self.store().roles_in(org).await?;
        let people = self
            .store()
            .users(waymark_store::Scope::Org(org))
            .await?
            .into_iter()
            .map(|user| Person {
                roles: roles
                    .iter()
                    .filter(|(id, _)| *id == user.id)
                    .map(|(_, grant)| *grant)
                    .collect(),
                user,
            })
            .collect();
        Ok(PeopleRead {
            org,
            people,
            holdings: self.store().post_holdings(org).await?,
            posts: self.store().posts(org).await?,
        })
    }

    /// A person of an organisation the actor administers, found by email, with their roles.
    pub async fn person_by_email(&self, actor: &Actor, email: &str) -> Result<Person> {
        let (user, _) =
            self.store().user_for_sign_in(email).await?.ok_or_else(|| {
                AppError::invalid("email", format!("No one has the email {email}"))
            })?;
        let user = self.administered_person(actor, user.id).await?;
        let roles = self.store().roles_of(user.id).await?;
        Ok(Person { user, roles })
    }

    /// Adds a person who can sign in, with their organisation-wide role and clearance.
    pub async fn add_person(&self, actor: &Actor, input: &PersonInput) -> Result<User> {
        let org = self.administered(actor, input.org).await?;
        let mut errors = Vec::new();
        let email = input.email.trim().to_lowercase();
        if !looks_like_email(&email) {
            errors.push((
                "email".to_string(),
                "Enter an email address, like name@force.police.uk".to_string(),
            ));
        }
        let name = match crate::text::required_line(&input.name, 200) {
            Ok(name) => name,
            Err(problem) => {
                errors.push(("name".to_string(), problem.message("the person's name")));
                String::new()
            }
        };
        if let Err(AppError::Invalid(mut problems)) =
            crate::password::check_new_password(&input.password)
        {
            errors.append(&mut problems);
        }
        if input.clearance == Marking::Secret {
            errors.push((
                "clearance".to_string(),
                "Choose OFFICIAL or OFFICIAL-SENSITIVE".to_string(),
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let password_hash = crate::password::hash(&input.password).await?;
        let mut audit = actor.audit("person.add");
        audit.org = Some(org);
        audit.subject = Some(format!("{name} <{email}>"));
        Ok(self
            .store()
            .create_person(
                &NewPerson {
                    org,
                    email,
                    name,
                    password_hash,
                    role: input.role,
                    clearance: input.clearance,
                },
                Some(&audit),
            )
            .await?)
    }

    /// A person of the organisation the actor administers.
    async fn administered_person(&self, actor: &Actor, user: UserId) -> Result<User> {
        let person = self.store().user(user).await?;
        if !actor.subject.administers(person.org) {
            // Another organisation's people are not found, not forbidden.
            return Err(AppError::NotFound);
        }
        Ok(person)
    }

    /// Replaces a person's roles: one for the whole organisation (or none), and any narrowed
    /// to plans of it. An administrator cannot take away their own administration, so an
    /// organisation is never left without one by accident.
    pub async fn set_roles(
        &self,
        actor: &Actor,
        user: UserId,
        org_role: Option<Role>,
        plan_roles: &[(waymark_core::PlanId, Role)],
    ) -> Result<()> {
        let person = self.administered_person(actor, user).await?;
        if actor.user().is_some_and(|me| me.id == user) && org_role != Some(Role::Administrator) {
            return Err(AppError::state(
                "role",
                "You cannot remove your own administrator role: ask another administrator",
            ));
        }
        let mut grants: Vec<RoleGrant> = org_role
            .map(|role| RoleGrant { role, plan: None })
            .into_iter()
            .collect();
        for (plan, role) in plan_roles {
            let found = self
                .store()
                .plan(waymark_store::Scope::Org(person.org), *plan)
                .await;
            if found.is_err() {
                return Err(AppError::unknown(
                    "plan",
                    "Choose a plan of the organisation",
                ));
            }
            grants.push(RoleGrant {
                role: *role,
                plan: Some(*plan),
            });
        }
        let before = self.store().roles_of(user).await?;
        let mut audit = actor.audit("person.roles");
        audit.org = Some(person.org);
        audit.subject = Some(format!("{} <{}>", person.name, person.email));
        audit.detail = Some(serde_json::json!({
            "before": roles_json(&before), "after": roles_json(&grants),
        }));
        self.store().set_roles(&person, &grants, &audit).await?;
        self.actors.forget_all();
        Ok(())
    }

    /// Changes the most sensitive marking a person may see.
    pub async fn set_clearance(
        &self,
        actor: &Actor,
        user: UserId,
        clearance: Marking,
    ) -> Result<()> {
        let person = self.administered_person(actor, user).await?;
        if clearance == Marking::Secret {
            return Err(AppError::invalid(
                "clearance",
                "Choose OFFICIAL or OFFICIAL-SENSITIVE",
            ));
        }
        let mut audit = actor.audit("person.clearance");
        audit.org = Some(person.org);
        audit.subject = Some(format!("{} <{}>", person.name, person.email));
        audit.detail = Some(serde_json::json!({
            "before": person.clearance.label(), "after": clearance.label(),
        }));
        self.store().set_clearance(user, clearance, &audit).await?;
        self.actors.forget_all();
        Ok(())
    }

    /// Sets a person's password: administrators, anyone's in the organisation. A person changes
    /// their own with their current one (`change_own_password`), so that a leaked API token or
    /// an unattended session cannot take the account over. Every session of the person ends
    /// (a reset is what follows a compromise), and the account's failed sign-ins are cleared
    /// so that they can sign in with it at once.
    pub async fn set_password(&self, actor: &Actor, user: UserId, password: &str) -> Result<()> {
        let person = self.administered_person(actor, user).await?;
        crate::password::check_new_password(password)?;
        let hash = crate::password::hash(password).await?;
        let mut audit = actor.audit("person.password");
        audit.org = Some(person.org);
        audit.subject = Some(format!("{} <{}>", person.name, person.email));
        self.store()
            .set_password_hash(user, &hash, None, &audit)
            .await?;
        self.store()
            .clear_sign_in_failures(&format!("account:{}", person.email.to_lowercase()))
            .await?;
        self.actors.forget_person(user);
        Ok(())
    }

    /// Changes the actor's own password, given their current one, and ends their other
    /// sessions (every one but `this_session`, the cookie of the session asking).
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        this_session: Option<&str>,
    ) -> Result<()> {
        let user = actor.user().ok_or(AppError::Forbidden)?;
        let (_, stored) = self
            .store()
            .user_for_sign_in(&user.email)
            .await?
            .ok_or(AppError::NotFound)?;
        if !crate::password::verify(current, &stored).await? {
            return Err(AppError::invalid(
                "current",
                "Enter your current password correctly",
            ));
        }
        if new.is_empty() {
            return Err(AppError::invalid("password", "Enter a new password"));
        }
        crate::password::check_new_password(new)?;
        let hash = crate::password::hash(new).await?;
        let mut audit = actor.audit("person.password");
        audit.subject = Some(format!(
            "{} <{}> changed their own password",
            user.name, user.email
        ));
        let keep = this_session.map(crate::sessions::token_hash);
        self.store()
            .set_password_hash(user.id, &hash, keep.as_deref(), &audit)
            .await?;
        self.actors.forget_person(user.id);
        Ok(())
    }

    /// Gives a person a post, or moves them on from one (and hands it to a successor); the
    /// post's actions stay with the post.
    pub async fn change_holding(&self, actor: &Actor, change: &HoldingChange) -> Result<()> {
        // The organisation is the person's: the operator may change anyone's, an
        // administrator only their own organisation's people.
        let person = match change {
            HoldingChange::Assign { user, .. } | HoldingChange::MoveOn { user, .. } => *user,
        };
        // Someone who administers no organisation is refused before anything is looked up;
        // another organisation's people are not found, as everywhere.
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        let org = match self.store().user(person).await {
            Ok(user) if actor.subject.administers(user.org) => user.org,
            Ok(_) => return Err(AppError::NotFound),
            Err(_) => return Err(AppError::unknown("person", "Choose a person")),
        };
        let people = self.store().users(waymark_store::Scope::Org(org)).await?;
        let person = |id: UserId, field: &str| -> Result<&User> {
            people
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| AppError::unknown(field, "Choose a person from your organisation"))
        };
        let posts = self.store().posts(org).await?;
        let post_named = |id: PostId| posts.iter().find(|(p, _)| *p == id).map(|(_, t)| t.clone());
        let (store_change, subject) = match change {
            HoldingChange::Assign {
                user,
                post,
                new_post,
                since,
            } => {
                let who = person(*user, "person")?;
                let post = match (post, new_post.as_deref().map(str::trim)) {
                    (_, Some(title)) if !title.is_empty() => {
                        if title.chars().count() > 200 {
                            return Err(AppError::invalid(
                                "new_post",
                                "The post's title must be 200 characters or fewer",
                            ));
                        }
                        (PostRef::Titled(title.to_string()), title.to_string())
                    }
                    (Some(post), _) => (
                        PostRef::Existing(*post),
                        post_named(*post)
                            .ok_or_else(|| AppError::unknown("post", "Choose a post"))?,
                    ),
                    _ => {
                        return Err(AppError::invalid(
                            "post",
                            "Choose a post or enter a new one",
                        ));
                    }
                };
                (
                    PostChange::Assign {
                        org,
                        post: post.0,
                        user: *user,
                        since: *since,
                    },
                    format!("{} takes up {}", who.name, post.1),
                )
            }
            HoldingChange::MoveOn {
                user,
                post,
                until,
                successor,
            } => {
                let who = person(*user, "person")?;
                let title =
                    post_named(*post).ok_or_else(|| AppError::unknown("post", "Choose a post"))?;
                let next = match successor {
                    Some(id) => Some(person(*id, "successor")?.name.clone()),
                    None => None,
                };
                (
                    PostChange::MoveOn {
                        org,
                        post: *post,
                        user: *user,
                        until: *until,
                        successor: *successor,
                    },
                    match next {
                        Some(next) => format!("{} leaves {title}; {next} takes it up", who.name),
                        None => format!("{} leaves {title}", who.name),
                    },
                )
            }
        };
        let mut audit = actor.audit("post.holding");
        audit.org = Some(org);
        audit.subject = Some(subject);
        self.store()
            .change_post_holding(&store_change, &audit)
            .await?;
        self.actors.forget_all();
        Ok(())
    }
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && email.chars().count() <= 254
        }
        None => false,
    }
}

fn roles_json(grants: &[RoleGrant]) -> serde_json::Value {
    serde_json::Value::Array(
        grants
            .iter()
            .map(|g| serde_json::json!({"role": g.role.as_str(), "plan": g.plan.map(|p| p.0)}))
            .collect(),
    )
}
