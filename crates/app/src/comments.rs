//! Comments on an item: a discussion apart from its dated progress updates, kept as written
//! (never edited or deleted), with mentions of a person or a post of the item's organisation.
//!
//! Who may do what:
//! - read an item's comments: whoever may see the item;
//! - comment: contributors and managers of the plan who may see the item (viewers, and
//!   partners who only read, read only); nobody comments on an archived plan.
//!
//! A mention is written `@Firstname Lastname`, `@email` or `@Post title`, and is resolved when
//! the comment is made against the organisation's people (by name or email) and posts (by
//! title), ignoring case; where several match, the longest wins. An `@word` that names nobody
//! stays plain text.

use waymark_core::{AccessLevel, ItemId};
use waymark_store::{Comment, Mention, Mentioned, NewComment, Scope};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};
use crate::items::{ItemRead, item_label};

/// The longest comment, in characters.
pub const MAX_COMMENT: usize = 5_000;
/// How many comments "Mentioned in comments" lists.
pub const MENTIONED_LIST: usize = 10;

/// An item's comments as the actor may see them.
#[derive(Debug, Clone)]
pub struct ItemComments {
    /// Oldest first.
    pub comments: Vec<Comment>,
    pub may_comment: bool,
}

/// A comment that mentions the actor, with the item it is on.
#[derive(Debug, Clone)]
pub struct MentionedComment {
    pub comment: Comment,
    /// "1.2 Improve call handling".
    pub item_label: String,
}

/// A piece of a comment's body: plain text, or a mention (its text with the "@").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Mention(String),
}

/// A name a mention may be written as, with whom it names.
#[derive(Debug, Clone)]
pub struct MentionTarget {
    pub written: String,
    pub who: Mentioned,
}

/// The length in bytes of the longest of `candidates` that `rest` starts with (ignoring case),
/// ending at a word's end.
fn longest_match<'a, I>(rest: &str, candidates: I) -> Option<(usize, usize)>
where
    I: IntoIterator<Item = (usize, &'a str)>,
{
    let mut best: Option<(usize, usize)> = None;
    for (index, candidate) in candidates {
        let len = candidate.len();
        if len == 0 || rest.len() < len || !rest.is_char_boundary(len) {
            continue;
        }
        if !rest[..len].to_lowercase().eq(&candidate.to_lowercase()) {
            continue;
        }
        let ends_word = rest[len..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '@'));
        if ends_word && best.is_none_or(|(_, l)| len > l) {
            best = Some((index, len));
        }
    }
    best
}

/// Where a mention may start: an "@" at the start or after a character that is not part of a
/// word (so that an email address written out is not taken for a mention of its domain).
fn mention_starts(body: &str) -> impl Iterator<Item = usize> + '_ {
    body.char_indices().filter_map(move |(i, c)| {
        let after_word = body[..i]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '.');
        (c == '@' && !after_word).then_some(i)
    })
}

/// The mentions in `body` of `targets`, once each, in the order written.
pub fn resolve_mentions(body: &str, targets: &[MentionTarget]) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    for start in mention_starts(body) {
        let rest = &body[start + 1..];
        let candidates = targets
            .iter()
            .enumerate()
            .map(|(i, t)| (i, t.written.as_str()));
        if let Some((index, len)) = longest_match(rest, candidates) {
            let who = targets[index].who.clone();
            if !found.iter().any(|m| m.who == who) {
                found.push(Mention {
                    who,
                    label: rest[..len].to_string(),
                });
            }
        }
    }
    found
}

/// A comment's body cut into plain text and its mentions (as resolved when it was made), for
/// a page to show each piece escaped with the mentions highlighted.
pub fn segments(body: &str, mentions: &[Mention]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut skip_to = 0;
    for start in mention_starts(body) {
        if start < skip_to {
            continue;
        }
        let rest = &body[start + 1..];
        let candidates = mentions
            .iter()
            .enumerate()
            .map(|(i, m)| (i, m.label.as_str()));
        if let Some((_, len)) = longest_match(rest, candidates) {
            if start > plain_from {
                out.push(Segment::Text(body[plain_from..start].to_string()));
            }
            let end = start + 1 + len;
            out.push(Segment::Mention(body[start..end].to_string()));
            plain_from = end;
            skip_to = end;
        }
    }
    if plain_from < body.len() {
        out.push(Segment::Text(body[plain_from..].to_string()));
    }
    out
}

/// Whom a comment in `org` may mention: its people by name and email, and its posts.
pub(crate) async fn mention_targets(
    store: &waymark_store::Store,
    org: waymark_core::OrgId,
) -> Result<Vec<MentionTarget>> {
    let mut targets = Vec::new();
    for user in store.users(Scope::Org(org)).await? {
        for written in [user.name.trim(), user.email.trim()] {
            if !written.is_empty() {
                targets.push(MentionTarget {
                    written: written.to_string(),
                    who: Mentioned::Person(user.id),
                });
            }
        }
    }
    for (_, title) in store.posts(org).await? {
        let title = title.trim();
        if !title.is_empty() {
            targets.push(MentionTarget {
                written: title.to_string(),
                who: Mentioned::Post(title.to_string()),
            });
        }
    }
    Ok(targets)
}

impl App {
    /// What the people and posts of an organisation may be mentioned as.
    async fn mention_targets(&self, org: waymark_core::OrgId) -> Result<Vec<MentionTarget>> {
        mention_targets(self.store(), org).await
    }

    /// An item's comments, oldest first, if the actor may see the item.
    pub async fn item_comments(&self, actor: &Actor, item: ItemId) -> Result<ItemComments> {
        let read = self.item(actor, item, self.today()).await?;
        self.comments_on(&read).await
    }

    /// The comments of an item already read for the actor (its page), oldest first.
    pub async fn comments_on(&self, read: &ItemRead) -> Result<ItemComments> {
        let plan = &read.plan.view.plan;
        let comments = self
            .store()
            .item_comments(Scope::Org(plan.org), read.item)
            .await?;
        Ok(ItemComments {
            comments,
            may_comment: !plan.archived && read.plan.access.level >= AccessLevel::Contribute,
        })
    }

    /// Adds a comment to an item: contributors and managers who may see it. Its mentions are
    /// resolved against the item's organisation.
    pub async fn add_comment(&self, actor: &Actor, item: ItemId, body: &str) -> Result<Comment> {
        let read = self.item(actor, item, self.today()).await?;
        let plan = &read.plan.view.plan;
        if plan.archived || read.plan.access.level < AccessLevel::Contribute {
            return Err(AppError::Forbidden);
        }
        let body = body.trim().replace("\r\n", "\n");
        if body.is_empty() {
            return Err(AppError::invalid("body", "Enter a comment"));
        }
        // A NUL cannot be kept in PostgreSQL text, and no other control character belongs in a
        // comment: refused as what was entered, not failed as the service.
        if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(AppError::invalid(
                "body",
                "The comment must not contain control characters",
            ));
        }
        if body.chars().count() > MAX_COMMENT {
            return Err(AppError::invalid(
                "body",
                "The comment must be 5,000 characters or fewer",
            ));
        }
        let targets = self.mention_targets(plan.org).await?;
        let mentions = resolve_mentions(&body, &targets);
        let mut audit = actor.audit("comment.add");
        audit.org = Some(plan.org);
        audit.plan = Some(plan.id);
        audit.item = Some(item);
        audit.subject = Some(body.chars().take(80).collect());
        audit.detail = Some(serde_json::json!({
            "length": body.chars().count(),
            "mentions": mentions.iter().map(|m| m.label.clone()).collect::<Vec<_>>(),
        }));
        Ok(self
            .store()
            .add_comment(
                plan,
                &NewComment {
                    item,
                    author_name: actor.name(),
                    author_user: actor.user().map(|u| u.id),
                    body,
                    mentions,
                },
                &audit,
            )
            .await?)
    }

    /// The latest comments that mention the actor (them, or a post they hold) on items they
    /// may see, newest first, at most ten.
    pub async fn comments_mentioning_me(&self, actor: &Actor) -> Result<Vec<MentionedComment>> {
        let Some(org) = actor.org() else {
            return Ok(Vec::new());
        };
        let user = actor.user().map(|u| u.id);
        let candidates = self
            .store()
            .comments_mentioning(org, user, &actor.posts, MENTIONED_LIST * 3)
            .await?;
        let today = self.today();
        let mut out = Vec::new();
        for comment in candidates {
            let Ok(read) = self.item(actor, comment.item, today).await else {
                continue;
            };
            let Some(state) = read.state() else {
                continue;
            };
            out.push(MentionedComment {
                item_label: item_label(&state.fields),
                comment,
            });
            if out.len() >= MENTIONED_LIST {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use waymark_core::UserId;

    fn targets() -> Vec<MentionTarget> {
        vec![
            MentionTarget {
                written: "Jo Bloggs".into(),
                who: Mentioned::Person(UserId(1)),
            },
            MentionTarget {
                written: "jo@force.police.uk".into(),
                who: Mentioned::Person(UserId(1)),
            },
            MentionTarget {
                written: "Head of Crime".into(),
                who: Mentioned::Post("Head of Crime".into()),
            },
            MentionTarget {
                written: "Head of Crime Operations".into(),
                who: Mentioned::Post("Head of Crime Operations".into()),
            },
        ]
    }

    #[test]
    fn the_longest_match_wins_and_unknown_words_stay_plain() {
        let body = "Ask @head of crime operations and @Jo Bloggs, not @nobody.";
        let mentions = resolve_mentions(body, &targets());
        assert_eq!(
            mentions,
            vec![
                Mention {
                    who: Mentioned::Post("Head of Crime Operations".into()),
                    label: "head of crime operations".into(),
                },
                Mention {
                    who: Mentioned::Person(UserId(1)),
                    label: "Jo Bloggs".into(),
                },
            ]
        );
        assert_eq!(
            segments(body, &mentions),
            vec![
                Segment::Text("Ask ".into()),
                Segment::Mention("@head of crime operations".into()),
                Segment::Text(" and ".into()),
                Segment::Mention("@Jo Bloggs".into()),
                Segment::Text(", not @nobody.".into()),
            ]
        );
    }

    #[test]
    fn an_email_mention_and_a_prefix_of_a_longer_word() {
        let body = "@jo@force.police.uk see @Head of Crimes";
        let mentions = resolve_mentions(body, &targets());
        assert_eq!(mentions.len(), 1);
        assert_eq!(mentions[0].label, "jo@force.police.uk");
    }
}
