//! JSON Schema keywords the derive cannot write: rules between a body's fields (`if`/`then`,
//! `anyOf`) and values refused whatever their form (`not`). utoipa has no builder for them, so
//! they go into a schema the way its extensions do, beside its own keywords; a test checks
//! that each rule reached the schema it names.

use serde_json::{Value, json};
use utoipa::Modify;
use utoipa::openapi::RefOr;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::schema::{ObjectBuilder, Schema};

/// `schema` with `keywords` (a JSON object) beside its own.
pub(crate) fn with_keywords(schema: ObjectBuilder, keywords: Value) -> ObjectBuilder {
    schema.extensions(Some(extensions(keywords)))
}

fn extensions(keywords: Value) -> Extensions {
    match keywords {
        Value::Object(map) => map.into_iter().collect(),
        _ => Extensions::default(),
    }
}

/// The rules between a body's fields, by the component schema whose body they bind. Each is
/// what the application layer refuses whatever the data holds.
fn field_rules() -> Vec<(&'static str, Value)> {
    vec![
        // A descriptor needs the marking that takes one, given with it: a change naming a
        // descriptor alone replaces the whole classification, as OFFICIAL with a descriptor.
        ("NewPlanJson", descriptor_needs_official_sensitive()),
        ("PlanPatchJson", descriptor_needs_official_sensitive()),
        // An item's marking given with a descriptor is OFFICIAL-SENSITIVE (an item given no
        // marking, or null, takes its plan's and parents').
        ("NewItemJson", item_descriptor_needs_official_sensitive()),
        ("ItemPatchJson", item_descriptor_needs_official_sensitive()),
        // A board signs off closure, so it comes with sign-off asked for and its members.
        (
            "ClosureRuleInputJson",
            json!({
                "if": {
                    "required": ["board"],
                    "properties": {"board": {"type": "string", "pattern": crate::api::openapi::NOT_ONLY_SPACES}}
                },
                "then": {
                    "required": ["requires_sign_off", "members"],
                    "properties": {
                        "requires_sign_off": {"enum": [true]},
                        "members": {"minItems": 1, "items": {"pattern": crate::api::openapi::NOT_ONLY_SPACES}}
                    }
                }
            }),
        ),
        // A multipart form's parts are its fields only (the server reads no others, and an
        // unnamed part is no form).
        ("EvidenceFileForm", json!({"additionalProperties": false})),
        // A figure, or "not yet available", one of the two.
        (
            "NewMeasurementJson",
            json!({
                "anyOf": [
                    {
                        "required": ["not_yet_available"],
                        "properties": {"not_yet_available": {"enum": [true]}, "actual": {"enum": [null, ""]}}
                    },
                    {
                        "required": ["actual"],
                        "properties": {"actual": {"not": {"enum": [null, ""]}}, "not_yet_available": {"enum": [false]}}
                    }
                ]
            }),
        ),
        // Writing about an objective or an indicator names it.
        (
            "NewNarrativeJson",
            json!({
                "if": {"properties": {"kind": {"enum": ["objective", "indicator"]}}},
                "then": {"required": ["subject_id"], "properties": {"subject_id": {"type": "integer"}}}
            }),
        ),
        // A post to take up: a new post's title, or an existing post.
        (
            "AssignPostJson",
            json!({
                "anyOf": [
                    {"required": ["new_post"], "properties": {"new_post": {"type": "string", "pattern": crate::api::openapi::NOT_ONLY_SPACES}}},
                    {"required": ["post"], "properties": {"post": {"type": "integer"}}}
                ]
            }),
        ),
    ]
}

fn descriptor_needs_official_sensitive() -> Value {
    json!({
        "if": {"required": ["descriptor"], "properties": {"descriptor": {"type": "string", "minLength": 1}}},
        "then": {"required": ["marking"], "properties": {"marking": {"enum": ["OFFICIAL-SENSITIVE"]}}}
    })
}

fn item_descriptor_needs_official_sensitive() -> Value {
    json!({
        "if": {
            "required": ["descriptor", "marking"],
            "properties": {"descriptor": {"type": "string", "minLength": 1}, "marking": {"type": "string", "minLength": 1}}
        },
        "then": {"properties": {"marking": {"enum": ["OFFICIAL-SENSITIVE"]}}}
    })
}

/// Adds [`field_rules`] to the component schemas they name.
pub(crate) struct FieldRules;

impl Modify for FieldRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (name, keywords) in field_rules() {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
                object
                    .extensions
                    .get_or_insert_with(Extensions::default)
                    .merge(extensions(keywords));
            }
        }
    }
}

/// A pattern matching every password the common list refuses at an accepted length, as
/// `waymark_app::password::is_common` reads it: any case, with spaces around it.
pub(crate) fn common_password_pattern() -> String {
    let passwords: Vec<String> = waymark_app::password::common_passwords_of_accepted_length()
        .map(any_case)
        .collect();
    format!("^\\s*({})\\s*$", passwords.join("|"))
}

/// `text` as a pattern that matches it in any case: "ab1" → "[aA][bB]1".
fn any_case(text: &str) -> String {
    text.chars()
        .map(|c| {
            let upper: String = c.to_uppercase().collect();
            let mut one = [0u8; 4];
            let lower: &str = c.encode_utf8(&mut one);
            if upper != lower && upper.chars().count() == 1 {
                format!("[{lower}{upper}]")
            } else {
                escaped(c)
            }
        })
        .collect()
}

/// A character as a pattern matches it literally (ECMA-262's syntax characters and `/`
/// escaped; no other escape is allowed in a Unicode pattern).
fn escaped(c: char) -> String {
    if "^$\\.*+?()[]{}|/".contains(c) {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly by design.
mod tests {
    use super::*;

    #[test]
    fn each_rule_reaches_the_schema_it_names() {
        use utoipa::OpenApi;
        let document = serde_json::to_value(crate::api::openapi::ApiDoc::openapi()).unwrap();
        for (name, keywords) in field_rules() {
            let schema = &document["components"]["schemas"][name];
            assert!(schema.is_object(), "no component schema {name}");
            for (keyword, value) in keywords.as_object().unwrap() {
                assert_eq!(&schema[keyword], value, "{name}.{keyword}");
            }
        }
    }

    #[test]
    fn the_search_words_are_required_and_not_only_spaces() {
        use utoipa::OpenApi;
        let document = serde_json::to_value(crate::api::openapi::ApiDoc::openapi()).unwrap();
        let parameters = document["paths"]["/api/plans/{id}/search"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let q = parameters.iter().find(|p| p["name"] == "q").unwrap();
        assert_eq!(q["required"], true);
        assert_eq!(q["schema"]["pattern"], crate::api::openapi::NOT_ONLY_SPACES);
    }

    #[test]
    fn the_common_password_pattern_matches_what_the_list_refuses_and_nothing_else() {
        let pattern = regex::Regex::new(&common_password_pattern()).unwrap();
        for refused in [
            "000000000000",
            " Q1W2E3R4T5Y6 ",
            "qwerty123456",
            "QwErTy123456",
        ] {
            assert!(waymark_app::password::is_common(refused), "{refused}");
            assert!(pattern.is_match(refused), "{refused}");
        }
        for accepted in ["correct horse battery", "0000000000001", "q1w2e3r4t5y6x"] {
            assert!(!waymark_app::password::is_common(accepted), "{accepted}");
            assert!(!pattern.is_match(accepted), "{accepted}");
        }
    }

    #[test]
    fn any_case_escapes_what_a_pattern_would_read_as_syntax() {
        assert_eq!(any_case("ab1"), "[aA][bB]1");
        assert_eq!(any_case("a.b$"), "[aA]\\.[bB]\\$");
        assert_eq!(any_case("pe#5gz=-"), "[pP][eE]#5[gG][zZ]=-");
    }
}
