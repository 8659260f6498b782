//! Framework tags and the matrix of projects against them (seed 003's appendix A: each project
//! against its APACS categories and PSA numbers). Tags are the items' own `(taxonomy, value)`
//! pairs; this module splits the cells people write into tags and lays the matrix out.

use crate::ids::ItemId;
use crate::item::Tag;

/// Splits a tag cell into values. Values written one after another with no separator
/// ("Promoting safety Serious crime & protection") are found by the taxonomy's known terms;
/// otherwise commas, semicolons, slashes and new lines separate them ("23, 24,26").
pub fn split_tag_cell(cell: &str, known_terms: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for part in cell.split([',', ';', '/', '\n', '|']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let found = find_known_terms(part, known_terms);
        if found.is_empty() {
            values.push(part.to_string());
        } else {
            values.extend(found);
        }
    }
    let mut seen = Vec::new();
    values.retain(|v| {
        let key = v.to_lowercase();
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    values
}

/// The known terms a text is made of, in its own order, where it is made of nothing else.
fn find_known_terms(text: &str, known_terms: &[&str]) -> Vec<String> {
    let normal = |s: &str| {
        s.to_lowercase()
            .replace('&', "and")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut rest = normal(text);
    let mut found = Vec::new();
    'outer: while !rest.is_empty() {
        // Longest term first, so "Serious crime & protection" wins over a shorter prefix.
        let mut terms: Vec<&&str> = known_terms.iter().collect();
        terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
        for term in terms {
            let key = normal(term);
            if let Some(after) = rest.strip_prefix(&key)
                && (after.is_empty() || after.starts_with(' '))
            {
                found.push(term.to_string());
                rest = after.trim_start().to_string();
                continue 'outer;
            }
        }
        return Vec::new();
    }
    found
}

/// The five APACS categories seed 003 names, for splitting cells that run them together.
pub const APACS_CATEGORIES: &[&str] = &[
    "Promoting safety",
    "Serious crime & protection",
    "Organisational management",
    "Tackling crime",
    "Confidence & satisfaction",
];

/// One taxonomy's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixTaxonomy {
    pub name: String,
    pub values: Vec<String>,
}

/// A project's row: a mark under each column it is tagged with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    pub project: ItemId,
    pub name: String,
    /// One per column, taxonomy by taxonomy, in the columns' order.
    pub marks: Vec<bool>,
}

/// Projects against framework tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkMatrix {
    pub taxonomies: Vec<MatrixTaxonomy>,
    pub rows: Vec<MatrixRow>,
}

impl FrameworkMatrix {
    /// How many projects carry each column's tag, in the columns' order.
    pub fn column_counts(&self) -> Vec<usize> {
        let columns = self.taxonomies.iter().map(|t| t.values.len()).sum();
        let mut counts = vec![0; columns];
        for row in &self.rows {
            for (count, mark) in counts.iter_mut().zip(&row.marks) {
                *count += usize::from(*mark);
            }
        }
        counts
    }
}

/// Lays out projects (id, name, tags) against the taxonomies named in `taxonomies` (all
/// taxonomies found, in order of first use, where empty). Values are in order of first use,
/// except numbers, which sort as numbers ("PSA 23, 24, 26").
pub fn framework_matrix(
    projects: &[(ItemId, String, Vec<Tag>)],
    taxonomies: &[String],
) -> FrameworkMatrix {
    let mut names: Vec<String> = taxonomies.to_vec();
    if names.is_empty() {
        for (_, _, tags) in projects {
            for tag in tags {
                if !names.iter().any(|n| n.eq_ignore_ascii_case(&tag.taxonomy)) {
                    names.push(tag.taxonomy.clone());
                }
            }
        }
    }
    let columns: Vec<MatrixTaxonomy> = names
        .iter()
        .map(|name| {
            let mut values: Vec<String> = Vec::new();
            for (_, _, tags) in projects {
                for tag in tags
                    .iter()
                    .filter(|t| t.taxonomy.eq_ignore_ascii_case(name))
                {
                    if !values.iter().any(|v| v.eq_ignore_ascii_case(&tag.value)) {
                        values.push(tag.value.clone());
                    }
                }
            }
            if values.iter().all(|v| v.parse::<i64>().is_ok()) {
                values.sort_by_key(|v| v.parse::<i64>().unwrap_or(0));
            }
            MatrixTaxonomy {
                name: name.clone(),
                values,
            }
        })
        .collect();
    let rows = projects
        .iter()
        .map(|(id, name, tags)| MatrixRow {
            project: *id,
            name: name.clone(),
            marks: columns
                .iter()
                .flat_map(|taxonomy| {
                    taxonomy.values.iter().map(move |value| {
                        tags.iter().any(|t| {
                            t.taxonomy.eq_ignore_ascii_case(&taxonomy.name)
                                && t.value.eq_ignore_ascii_case(value)
                        })
                    })
                })
                .collect(),
        })
        .collect();
    FrameworkMatrix {
        taxonomies: columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(taxonomy: &str, value: &str) -> Tag {
        Tag {
            taxonomy: taxonomy.into(),
            value: value.into(),
        }
    }

    #[test]
    fn cells_split_by_separators_or_known_terms() {
        assert_eq!(split_tag_cell("23, 24,26", &[]), vec!["23", "24", "26"]);
        assert_eq!(
            split_tag_cell(
                "Promoting safety Serious crime & protection",
                APACS_CATEGORIES
            ),
            vec!["Promoting safety", "Serious crime & protection"]
        );
        assert_eq!(
            split_tag_cell("Organisational Management", APACS_CATEGORIES),
            vec!["Organisational management"]
        );
        assert_eq!(
            split_tag_cell("Something else", APACS_CATEGORIES),
            vec!["Something else"]
        );
    }

    #[test]
    fn the_matrix_marks_each_project_against_its_tags() {
        let projects = vec![
            (
                ItemId(1),
                "Witness protection".to_string(),
                vec![
                    tag("APACS", "Promoting safety"),
                    tag("PSA", "24"),
                    tag("PSA", "23"),
                ],
            ),
            (
                ItemId(2),
                "Hi-tech crime".to_string(),
                vec![tag("APACS", "Serious crime & protection"), tag("PSA", "26")],
            ),
        ];
        let matrix = framework_matrix(&projects, &[]);
        assert_eq!(matrix.taxonomies[0].name, "APACS");
        assert_eq!(matrix.taxonomies[1].values, vec!["23", "24", "26"]);
        assert_eq!(matrix.rows[0].marks, vec![true, false, true, true, false]);
        assert_eq!(matrix.column_counts(), vec![1, 1, 1, 1, 1]);
    }
}
