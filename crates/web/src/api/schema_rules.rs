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
        ("BasisInJson", basis_figure_by_kind()),
        ("CostInJson", cost_rules()),
        ("SavingInJson", saving_until_rule()),
    ]
}

/// A fixed-percentage basis is a percentage; the others are money.
fn basis_figure_by_kind() -> Value {
    use crate::api::openapi::{money_amount_pattern, percent_pattern};
    json!({
        "if": {"properties": {"kind": {"enum": ["fixed-percentage"]}}},
        "then": {"properties": {"figure": {"pattern": percent_pattern()}}},
        "else": {"properties": {"figure": {"pattern": money_amount_pattern()}}}
    })
}

/// An external funder and its share come together; fixed amounts, where any is entered, are
/// each money (none entered keeps the year's agreed amounts).
fn cost_rules() -> Value {
    use crate::api::openapi::{NOT_ONLY_SPACES, blank_pattern, money_pattern};
    let given = |name: &str| json!({"required": [name], "properties": {name: {"pattern": NOT_ONLY_SPACES}}});
    json!({
        "allOf": [
            {"if": given("external_funder"), "then": given("external_share")},
            {"if": given("external_share"), "then": given("external_funder")},
            {
                "if": {"properties": {"method": {"enum": ["fixed-amounts"]}}},
                "then": {"properties": {"amounts": {"anyOf": [
                    {"items": {"properties": {"amount": {"pattern": blank_pattern()}}}},
                    {"items": {"required": ["amount"], "properties": {"amount": {"pattern": money_pattern()}}}}
                ]}}}
            }
        ]
    })
}

/// A saving's last year, where one is given, is a recurring saving's. (That it is not before
/// the first year is the server's too, answered 422 by `until`: a rule between two years that
/// JSON Schema states only as a case for each first year, which generators do not take.)
fn saving_until_rule() -> Value {
    use crate::api::openapi::blank_pattern;
    json!({
        "anyOf": [
            {"properties": {"until": {"pattern": blank_pattern()}}},
            {"properties": {"recurrence": {"enum": ["recurring"]}}}
        ]
    })
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

    /// What the server reads a money text as: `Some(Some(pence))` for an amount, `Some(None)`
    /// for one not known yet.
    fn money_read(text: &str) -> Option<Option<i64>> {
        use waymark_core::programme::{MoneyCell, parse_money};
        match parse_money(text) {
            MoneyCell::Known { pence, .. } => Some(Some(pence)),
            MoneyCell::Unknown { .. } => Some(None),
            MoneyCell::Blank | MoneyCell::Unreadable { .. } => None,
        }
    }

    fn pattern(text: &str) -> regex::Regex {
        regex::Regex::new(text).unwrap()
    }

    #[test]
    fn the_money_patterns_match_what_the_parser_reads_and_refuse_what_it_refuses() {
        use crate::api::openapi::{money_amount_pattern, money_pattern};
        let money = pattern(&money_pattern());
        let amount = pattern(&money_amount_pattern());
        let funding = pattern(&funding_amount_pattern());
        for (text, pence) in [
            ("£1,350,000", 135_000_000),
            ("£150k", 15_000_000),
            (" 1.2m ", 120_000_000),
            ("£2bn", 200_000_000_000),
            ("£ 12.50", 1_250),
            ("40,000.5", 4_000_050),
            ("250 K", 25_000_000),
            ("0.01", 1),
            ("£999,999,999,999.99", 99_999_999_999_999),
        ] {
            assert!(money.is_match(text), "{text}");
            assert!(amount.is_match(text), "{text}");
            assert!(funding.is_match(text), "{text}");
            assert_eq!(money_read(text), Some(Some(pence)), "{text}");
        }
        for nothing in ["nil", "NONE", "-", "£-", "£ -", "—", "0", "£0.00", "0k"] {
            assert!(money.is_match(nothing), "{nothing}");
            assert_eq!(money_read(nothing), Some(Some(0)), "{nothing}");
        }
        for unknown in ["tbc", "TBA", "xxx", "?", "Unknown"] {
            assert!(!money.is_match(unknown), "{unknown}");
            assert!(funding.is_match(unknown), "{unknown}");
            assert_eq!(money_read(unknown), Some(None), "{unknown}");
        }
        // What the parser cannot read, or reads as less than £0, no pattern matches.
        for refused in [
            "", "  ", "lots", "£2.4q", "1,35,000", "£", "1.2.3", "-5", "£-5", "(5)", "n/a",
            "1,0000", ".", "5%",
        ] {
            assert!(!money.is_match(refused), "{refused}");
            assert!(!funding.is_match(refused), "{refused}");
            assert!(
                money_read(refused).is_none_or(|read| read.is_some_and(|pence| pence < 0)),
                "{refused}: {:?}",
                money_read(refused)
            );
        }
    }

    /// Strings a whole-string pattern matches (the generator takes no anchors).
    fn generated(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
        let whole = pattern.strip_prefix('^').unwrap_or(pattern);
        let whole = whole.strip_suffix('$').unwrap_or(whole);
        proptest::string::string_regex(whole).unwrap()
    }

    fn schema_pattern(schema: utoipa::openapi::schema::Schema) -> String {
        let schema = serde_json::to_value(schema).unwrap();
        schema["pattern"].as_str().unwrap().to_string()
    }

    fn funding_amount_pattern() -> String {
        schema_pattern(crate::api::openapi::funding_amount())
    }

    #[test]
    fn the_percentage_patterns_match_what_the_server_reads_as_a_percentage() {
        use crate::api::openapi::{percent_pattern, percent_sign_pattern};
        use waymark_app::programme_edit::read_percent;
        let percent = pattern(&percent_pattern());
        let with_sign = pattern(&percent_sign_pattern());
        for text in [
            "22.5%", "7", "100%", "100.00", " 5 %% ", "0.5", "001", "99.99%",
        ] {
            assert!(percent.is_match(text), "{text}");
            assert!(read_percent(text).is_some(), "{text}");
            assert_eq!(
                with_sign.is_match(text),
                text.trim().ends_with('%'),
                "{text}"
            );
        }
        for text in [
            "0", "0%", "0.00", "100.01", "1.234", "abc", "", "5% %", ".5", "0100", "-5",
        ] {
            assert!(!percent.is_match(text), "{text}");
            assert!(read_percent(text).is_none(), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn money_the_patterns_allow_is_read_as_they_say(
            text in generated(&crate::api::openapi::money_pattern())
        ) {
            proptest::prop_assert!(
                matches!(money_read(&text), Some(Some(pence)) if pence >= 0),
                "{:?}: {:?}", text, money_read(&text)
            );
        }

        #[test]
        fn an_amount_with_a_digit_not_0_is_more_than_nothing(
            text in generated(&crate::api::openapi::money_amount_pattern())
        ) {
            let read = money_read(&text);
            proptest::prop_assert!(matches!(read, Some(Some(pence)) if pence >= 0), "{:?}: {:?}", text, read);
            if text.contains(|c: char| ('1'..='9').contains(&c)) {
                proptest::prop_assert!(matches!(read, Some(Some(pence)) if pence > 0), "{:?}: {:?}", text, read);
            }
        }

        #[test]
        fn a_funding_amount_the_pattern_allows_is_money_or_not_known(
            text in generated(&funding_amount_pattern())
        ) {
            let read = money_read(&text);
            proptest::prop_assert!(read.is_some_and(|pence| pence.is_none_or(|p| p >= 0)), "{:?}: {:?}", text, read);
        }

        #[test]
        fn a_percentage_the_patterns_allow_is_read_as_one(
            text in generated(&crate::api::openapi::percent_pattern())
        ) {
            proptest::prop_assert!(waymark_app::programme_edit::read_percent(&text).is_some(), "{:?}", text);
        }

        #[test]
        fn a_line_is_what_the_server_trims_to_200_characters_or_fewer(
            text in "[ a\\u{3000}\\n\\u{1c}]{0,4}[a\\u{e9} ]{0,200}[ a\\u{3000}]{0,4}"
        ) {
            let line = pattern(&schema_pattern(crate::api::openapi::programme_line()));
            let or_blank = pattern(&schema_pattern(crate::api::openapi::line_or_blank()));
            let trimmed = text.trim().chars().count();
            proptest::prop_assert_eq!(line.is_match(&text), (1..=200).contains(&trimmed), "{:?}", text);
            proptest::prop_assert_eq!(or_blank.is_match(&text), trimmed <= 200, "{:?}", text);
        }

        #[test]
        fn blank_is_what_the_server_trims_to_nothing(text in "[ \\t\\u{85}\\u{a0}\\u{2028}\\u{3000}\\u{1c}a]{0,6}") {
            let blank = pattern(&crate::api::openapi::blank_pattern());
            proptest::prop_assert_eq!(blank.is_match(&text), text.trim().is_empty(), "{:?}", text);
        }
    }

    #[test]
    fn any_case_escapes_what_a_pattern_would_read_as_syntax() {
        assert_eq!(any_case("ab1"), "[aA][bB]1");
        assert_eq!(any_case("a.b$"), "[aA]\\.[bB]\\$");
        assert_eq!(any_case("pe#5gz=-"), "[pP][eE]#5[gG][zZ]=-");
    }
}
