//! Collaboration programmes across organisations (seeds 002 and 003): participants with the
//! basis each shares costs by, costs shared to the penny with a statement that shows the
//! working, funding lines whose unknown amounts stay unknown, savings against a target, and
//! projects tagged against national frameworks. Pure rules over values; the store keeps the
//! facts and the application layer gathers them.

pub mod apportion;
pub mod funding;
pub mod governance;
pub mod matrix;
pub mod money;
pub mod project;
pub mod savings;

pub use apportion::{
    ApportionError, Apportionment, BasisFigure, BasisKind, CostToShare, ExternalPart,
    ExternalShare, MembershipChange, ShareLine, ShareMethod, YearApportionment, YearSegment,
    apportion, apportion_over_year, largest_remainder, year_label,
};
pub use funding::{
    Certainty, FundingLine, FundingTotal, Recurrence, funding_by_source, funding_by_year,
};
pub use governance::{Board, Participant, ProgrammeCost, ProgrammeSettings};
pub use matrix::{
    APACS_CATEGORIES, FrameworkMatrix, MatrixRow, MatrixTaxonomy, framework_matrix, split_tag_cell,
};
pub use money::{MoneyCell, MoneyScale, Pence, format_pence, parse_money, parse_money_scaled};
pub use project::{
    CollaborationModel, ProjectFacts, ProjectParticipants, ProjectStatus, split_participants,
};
pub use savings::{
    Saving, SavingKind, SavingStage, SavingsInYear, SavingsProgress, SavingsRule,
    progress_against_target, savings_in_year,
};
