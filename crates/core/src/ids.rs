//! Typed identifiers, so an item id can never be passed where a plan id is expected.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// An organisation: a force, an authority or a partner.
    OrgId
);
id_type!(
    /// A plan owned by an organisation.
    PlanId
);
id_type!(
    /// A node of a plan's tree: an aim, objective, recommendation, action or milestone.
    ItemId
);
id_type!(
    /// A dated progress update on an item.
    UpdateId
);
id_type!(
    /// A post (role) such as "Head of Contact Management".
    PostId
);
id_type!(
    /// A person who signs in.
    UserId
);
