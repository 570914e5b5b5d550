use super::*;

fn values(name: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| value(name).expect("a dynamic variable"))
        .collect()
}

fn all_match(name: &str, pattern: &str) {
    let re = regex::Regex::new(&format!("^(?:{pattern})$")).expect("regex");
    for value in values(name, 200) {
        assert!(re.is_match(&value), "{name}: {value:?} is not /{pattern}/");
    }
}

#[test]
fn every_placeholder_of_every_pattern_is_known() {
    let mut rng = fastrand::Rng::with_seed(7);
    for (name, patterns) in VARIABLES {
        assert!(name.starts_with('$'), "{name}");
        for pattern in *patterns {
            for _ in 0..20 {
                let mut out = String::new();
                expand(pattern, &mut rng, &mut out);
                assert!(
                    !out.contains('{') && !out.contains('}') && !out.is_empty(),
                    "{name}: {out:?} from {pattern:?}"
                );
            }
        }
    }
    let names: std::collections::HashSet<&str> = VARIABLES.iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), VARIABLES.len(), "a variable is listed twice");
    // Postman's whole list (postman-collection's lib/superstring/dynamic-variables.js).
    assert_eq!(VARIABLES.len(), 118);
}

#[test]
fn values_have_postmans_shapes() {
    all_match(
        "$guid",
        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    );
    all_match(
        "$randomUUID",
        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    );
    all_match("$timestamp", "1[0-9]{9}");
    all_match(
        "$isoTimestamp",
        r"20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z",
    );
    all_match("$randomInt", "[0-9]|[1-9][0-9]|[1-9][0-9]{2}|1000");
    all_match("$randomPhoneNumber", "[2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4}");
    all_match(
        "$randomIP",
        r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
    );
    all_match("$randomIPV6", "[0-9a-f]{4}(?::[0-9a-f]{4}){7}");
    all_match("$randomMACAddress", "[0-9a-f]{2}(?::[0-9a-f]{2}){5}");
    all_match("$randomHexColor", "#[0-9a-f]{6}");
    all_match("$randomPassword", r"\w{15}");
    all_match("$randomAlphaNumeric", "[a-z0-9]");
    all_match("$randomBoolean", "true|false");
    all_match("$randomSemver", r"[0-9]\.[0-9]\.[0-9]");
    all_match("$randomBankAccount", "[0-9]{8}");
    all_match("$randomCreditCardMask", "[0-9]{4}");
    all_match("$randomPrice", r"[0-9]{1,4}\.[0-9]{2}");
    all_match("$randomLatitude", r"-?[0-9]{1,2}\.[0-9]{4}");
    all_match("$randomLongitude", r"-?[0-9]{1,3}\.[0-9]{4}");
    all_match(
        "$randomEmail",
        r"[A-Za-z]+[._]?[A-Za-z]*[0-9]{0,2}@[a-z.]+\.[a-z]+",
    );
    all_match(
        "$randomExampleEmail",
        r"[A-Za-z.]+[0-9]{0,2}@example\.(?:org|com|net)",
    );
    all_match("$randomUrl", r"https?://[a-z]+\.[a-z]+");
    all_match("$randomLocale", "[a-z]{2}");
    all_match("$randomCountryCode", "[A-Z]{2}");
    all_match("$randomCurrencyCode", "[A-Z]{3}");
    all_match(
        "$randomBankAccountIban",
        "[A-Z]{2}[0-9]{2}[A-Z]{4}[0-9]{14}",
    );
    all_match("$randomBankAccountBic", "[A-Z]{6}[A-Z][0-9](?:[0-9]{3})?");
    all_match("$randomBitcoin", "[13][1-9A-HJ-NP-Za-km-z]{25}");
    all_match("$randomWords", r"\S+(?: \S+){1,4}");
    all_match("$randomLoremWords", "[a-z]+ [a-z]+ [a-z]+");
    all_match("$randomLoremSentence", r"[A-Z][a-z]*(?: [a-z]+){2,9}\.");
    all_match("$randomLoremSlug", "[a-z]+-[a-z]+-[a-z]+");
    all_match(
        "$randomLoremLines",
        r"[A-Z][a-z ]+\.(?:\n[A-Z][a-z ]+\.){0,4}",
    );
    all_match("$randomFileName", r"[a-z]+_[a-z]+\.[a-z0-9]+");
    all_match("$randomFilePath", r"/[A-Za-z/]+/[a-z]+_[a-z]+\.[a-z0-9]+");
    all_match("$randomMimeType", r"[a-z]+/[a-z0-9.+-]+");
    all_match(
        "$randomDatePast",
        "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-3][0-9] 20[0-9]{2} [0-2][0-9]:[0-5][0-9]:[0-5][0-9] GMT\\+0000 \\(Coordinated Universal Time\\)",
    );
}

#[test]
fn dates_are_before_or_after_now() {
    let year = time::OffsetDateTime::now_utc().year();
    for (name, low, high) in [
        ("$randomDatePast", year - 1, year),
        ("$randomDateRecent", year - 1, year),
        ("$randomDateFuture", year, year + 1),
    ] {
        for value in values(name, 50) {
            let written: i32 = value[11..15].parse().expect("a year");
            assert!((low..=high).contains(&written), "{name}: {value}");
        }
    }
}

#[test]
fn each_use_is_a_new_value() {
    let ints = values("$randomInt", 50);
    assert!(ints.iter().any(|v| v != &ints[0]), "{ints:?}");
    assert_ne!(value("$guid"), value("$guid"));
    assert_eq!(value("$nope"), None);
    assert_eq!(value("randomInt"), None);
}
