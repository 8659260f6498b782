//! Organisations (forces, authorities, partners) and the posts that own actions.

use crate::ids::{OrgId, PostId};

/// A force, police authority or partner organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: OrgId,
    /// Short code as used in the service, such as "TVP".
    pub code: String,
    pub name: String,
    /// Share of government grant in parts per million, used to share collaboration costs.
    /// Integer so that shares add up exactly.
    pub grant_share_ppm: Option<i64>,
    pub kind: OrganisationKind,
}

/// What sort of body an organisation is: a force, a police and crime commissioner's office,
/// a local authority, or another partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OrganisationKind {
    #[default]
    Force,
    PccOffice,
    LocalAuthority,
    Partner,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 4] = [
        OrganisationKind::Force,
        OrganisationKind::PccOffice,
        OrganisationKind::LocalAuthority,
        OrganisationKind::Partner,
    ];

    pub fn parse(word: &str) -> Option<OrganisationKind> {
        match word
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], " ")
            .as_str()
        {
            "force" | "police force" => Some(OrganisationKind::Force),
            "pcc" | "pcc office" | "opcc" | "authority" | "police authority" => {
                Some(OrganisationKind::PccOffice)
            }
            "local authority" | "council" | "la" => Some(OrganisationKind::LocalAuthority),
            "partner" | "other" | "other partner" => Some(OrganisationKind::Partner),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Force => "force",
            OrganisationKind::PccOffice => "pcc-office",
            OrganisationKind::LocalAuthority => "local-authority",
            OrganisationKind::Partner => "partner",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Force => "Police force",
            OrganisationKind::PccOffice => "Police and crime commissioner's office",
            OrganisationKind::LocalAuthority => "Local authority",
            OrganisationKind::Partner => "Other partner",
        }
    }
}

/// A role such as "Head of Contact Management". Actions are owned by posts, not people, so
/// that they stay put when a person moves on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub org: OrgId,
    pub title: String,
}

/// Splits an owner cell into posts: "Superintendent Territorial Policing / Op Trafalgar Lead"
/// and "Head of Transformation & Head of Technology" name several posts. An ampersand joining
/// single words ("Learning & Development") is part of one name, so it splits only where both
/// sides are names of more than one word.
pub fn split_owners(cell: &str) -> Vec<String> {
    cell.split(" / ")
        .flat_map(|part| part.split('\n'))
        .flat_map(split_on_ampersand)
        .map(|part| part.trim().trim_matches(['/', ';', ',']).trim())
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

fn split_on_ampersand(part: &str) -> Vec<&str> {
    let pieces: Vec<&str> = part.split(" & ").collect();
    if pieces.len() > 1
        && pieces
            .iter()
            .all(|piece| piece.split_whitespace().count() >= 2)
    {
        pieces
    } else {
        vec![part]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_joined_by_slash_or_ampersand_are_several_posts() {
        assert_eq!(
            split_owners("Superintendent Territorial Policing / Op Trafalgar Lead"),
            vec!["Superintendent Territorial Policing", "Op Trafalgar Lead"]
        );
        assert_eq!(
            split_owners("Head of Transformation & Head of Technology"),
            vec!["Head of Transformation", "Head of Technology"]
        );
        assert_eq!(
            split_owners("Op Trafalgar Lead / Learning & Development"),
            vec!["Op Trafalgar Lead", "Learning & Development"]
        );
        assert!(split_owners("  ").is_empty());
    }
}
