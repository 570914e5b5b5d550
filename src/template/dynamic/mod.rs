//! Postman's dynamic variables — `{{$randomInt}}`, `{{$randomEmail}}`, `{{$guid}}`, … — as
//! template helpers: each use is a new value of the same shape as Postman's (a UUID, an
//! integer from 0 to 1000, a name, an address, a date written as JavaScript writes one), so
//! a Postman collection's requests run as written.
//!
//! Each variable is a list of patterns, one picked at random; a pattern is text with
//! placeholders in braces (see [`expand`]). The table and its word lists are data, so the
//! Locust export carries the same table to its Python runtime, which reads the same patterns.

mod words;

use std::fmt::Write as _;

pub use words::WORDS;

/// Every dynamic variable: its name (with the `$`), and the patterns of its values.
pub const VARIABLES: &[(&str, &[&str])] = &[
    ("$guid", &["{uuid}"]),
    ("$timestamp", &["{timestamp}"]),
    ("$isoTimestamp", &["{iso}"]),
    ("$randomUUID", &["{uuid}"]),
    ("$randomInt", &["{int 0 1000}"]),
    ("$randomPhoneNumber", &["{int 2 9}{#}{#}-{int 2 9}{#}{#}-{#}{#}{#}{#}"]),
    (
        "$randomPhoneNumberExt",
        &["{int 1 99}-{int 2 9}{#}{#}-{int 2 9}{#}{#}-{#}{#}{#}{#}"],
    ),
    ("$randomLocale", &["{locales}"]),
    ("$randomWords", &["{words*2-5}"]),
    (
        "$randomFilePath",
        &["{directories}/{lorem}_{lorem}.{file_extensions}"],
    ),
    ("$randomDirectoryPath", &["{directories}"]),
    (
        "$randomCity",
        &[
            "{city_prefixes} {first_names}{city_suffixes}",
            "{first_names}{city_suffixes}",
            "{last_names}{city_suffixes}",
            "{city_prefixes} {last_names}",
        ],
    ),
    (
        "$randomStreetName",
        &["{first_names} {street_suffixes}", "{last_names} {street_suffixes}"],
    ),
    (
        "$randomStreetAddress",
        &[
            "{int 1 99999} {first_names} {street_suffixes}",
            "{int 1 99999} {last_names} {street_suffixes}",
        ],
    ),
    ("$randomCountry", &["{countries}"]),
    ("$randomCountryCode", &["{country_codes}"]),
    ("$randomLatitude", &["{decimal -90 90 4}"]),
    ("$randomLongitude", &["{decimal -180 180 4}"]),
    ("$randomColor", &["{colors}"]),
    ("$randomDepartment", &["{departments}"]),
    (
        "$randomProductName",
        &["{product_adjectives} {product_materials} {products}"],
    ),
    ("$randomProductAdjective", &["{product_adjectives}"]),
    ("$randomProductMaterial", &["{product_materials}"]),
    ("$randomProduct", &["{products}"]),
    (
        "$randomCompanyName",
        &[
            "{last_names} {company_suffixes}",
            "{last_names}-{last_names}",
            "{last_names}, {last_names} and {last_names}",
        ],
    ),
    ("$randomCompanySuffix", &["{company_suffixes}"]),
    (
        "$randomCatchPhrase",
        &["{catch_phrase_adjectives} {catch_phrase_descriptors} {catch_phrase_nouns}"],
    ),
    ("$randomBs", &["{bs_buzz} {bs_adjectives} {bs_nouns}"]),
    ("$randomCatchPhraseAdjective", &["{catch_phrase_adjectives}"]),
    ("$randomCatchPhraseDescriptor", &["{catch_phrase_descriptors}"]),
    ("$randomCatchPhraseNoun", &["{catch_phrase_nouns}"]),
    ("$randomBsAdjective", &["{bs_adjectives}"]),
    ("$randomBsBuzz", &["{bs_buzz}"]),
    ("$randomBsNoun", &["{bs_nouns}"]),
    ("$randomDatabaseColumn", &["{database_columns}"]),
    ("$randomDatabaseType", &["{database_types}"]),
    ("$randomDatabaseCollation", &["{database_collations}"]),
    ("$randomDatabaseEngine", &["{database_engines}"]),
    ("$randomDatePast", &["{date past}"]),
    ("$randomDateFuture", &["{date future}"]),
    ("$randomDateRecent", &["{date recent}"]),
    ("$randomMonth", &["{months}"]),
    ("$randomWeekday", &["{weekdays}"]),
    ("$randomBankAccount", &["{#}{#}{#}{#}{#}{#}{#}{#}"]),
    ("$randomBankAccountName", &["{account_names} Account"]),
    ("$randomCreditCardMask", &["{#}{#}{#}{#}"]),
    ("$randomPrice", &["{decimal 0 1000 2}"]),
    ("$randomTransactionType", &["{transaction_types}"]),
    ("$randomCurrencyCode", &["{currency_codes}"]),
    ("$randomCurrencyName", &["{currency_names}"]),
    ("$randomCurrencySymbol", &["{currency_symbols}"]),
    (
        "$randomBitcoin",
        &[
            "1{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}",
            "3{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}{b}",
        ],
    ),
    (
        "$randomBankAccountIban",
        &["{country_codes}{#}{#}{A}{A}{A}{A}{#}{#}{#}{#}{#}{#}{#}{#}{#}{#}{#}{#}{#}{#}"],
    ),
    ("$randomBankAccountBic", &["{A}{A}{A}{A}{country_codes}{A}{#}", "{A}{A}{A}{A}{country_codes}{A}{#}{#}{#}{#}"]),
    ("$randomAbbreviation", &["{abbreviations}"]),
    ("$randomAdjective", &["{hacker_adjectives}"]),
    ("$randomNoun", &["{hacker_nouns}"]),
    ("$randomVerb", &["{hacker_verbs}"]),
    ("$randomIngverb", &["{hacker_ingverbs}"]),
    (
        "$randomPhrase",
        &[
            "If we {hacker_verbs} the {hacker_nouns}, we can get to the {abbreviations} {hacker_nouns} through the {hacker_adjectives} {abbreviations} {hacker_nouns}!",
            "We need to {hacker_verbs} the {hacker_adjectives} {abbreviations} {hacker_nouns}!",
            "Try to {hacker_verbs} the {abbreviations} {hacker_nouns}, maybe it will {hacker_verbs} the {hacker_adjectives} {hacker_nouns}!",
            "I'll {hacker_verbs} the {hacker_adjectives} {abbreviations} {hacker_nouns}, that should {hacker_nouns} the {abbreviations} {hacker_nouns}!",
        ],
    ),
    (
        "$randomAvatarImage",
        &["https://cloudflare-ipfs.com/ipfs/Qmd3W5DuhgHirLHGVixi6V76LhCkZUz6pnFt5AJBiyvHye/avatar/{int 1 1249}.jpg"],
    ),
    ("$randomImageUrl", &["http://placeimg.com/640/480"]),
    ("$randomAbstractImage", &["http://placeimg.com/640/480/abstract"]),
    ("$randomAnimalsImage", &["http://placeimg.com/640/480/animals"]),
    ("$randomBusinessImage", &["http://placeimg.com/640/480/business"]),
    ("$randomCatsImage", &["http://placeimg.com/640/480/cats"]),
    ("$randomCityImage", &["http://placeimg.com/640/480/city"]),
    ("$randomFoodImage", &["http://placeimg.com/640/480/food"]),
    ("$randomNightlifeImage", &["http://placeimg.com/640/480/nightlife"]),
    ("$randomFashionImage", &["http://placeimg.com/640/480/fashion"]),
    ("$randomPeopleImage", &["http://placeimg.com/640/480/people"]),
    ("$randomNatureImage", &["http://placeimg.com/640/480/nature"]),
    ("$randomSportsImage", &["http://placeimg.com/640/480/sports"]),
    ("$randomTransportImage", &["http://placeimg.com/640/480/transport"]),
    (
        "$randomImageDataUri",
        &["data:image/svg+xml;charset=UTF-8,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%20version%3D%221.1%22%20baseProfile%3D%22full%22%20width%3D%22640%22%20height%3D%22480%22%3E%3Crect%20width%3D%22100%25%22%20height%3D%22100%25%22%20fill%3D%22grey%22%2F%3E%3Ctext%20x%3D%22320%22%20y%3D%22240%22%20font-size%3D%2220%22%20alignment-baseline%3D%22middle%22%20text-anchor%3D%22middle%22%20fill%3D%22white%22%3E640x480%3C%2Ftext%3E%3C%2Fsvg%3E"],
    ),
    (
        "$randomEmail",
        &[
            "{first_names}.{last_names}{int 0 99}@{free_email_domains}",
            "{first_names}_{last_names}@{free_email_domains}",
            "{first_names}{int 0 99}@{free_email_domains}",
        ],
    ),
    (
        "$randomExampleEmail",
        &[
            "{first_names}.{last_names}{int 0 99}@{example_domains}",
            "{first_names}{int 0 99}@{example_domains}",
        ],
    ),
    (
        "$randomUserName",
        &[
            "{first_names}.{last_names}",
            "{first_names}_{last_names}{int 0 99}",
            "{first_names}{int 0 99}",
        ],
    ),
    ("$randomProtocol", &["http", "https"]),
    ("$randomUrl", &["http://{domain_words}.{domain_suffixes}", "https://{domain_words}.{domain_suffixes}"]),
    ("$randomDomainName", &["{domain_words}.{domain_suffixes}"]),
    ("$randomDomainSuffix", &["{domain_suffixes}"]),
    ("$randomDomainWord", &["{domain_words}"]),
    ("$randomIP", &["{int 0 255}.{int 0 255}.{int 0 255}.{int 0 255}"]),
    (
        "$randomIPV6",
        &["{x}{x}{x}{x}:{x}{x}{x}{x}:{x}{x}{x}{x}:{x}{x}{x}{x}:{x}{x}{x}{x}:{x}{x}{x}{x}:{x}{x}{x}{x}:{x}{x}{x}{x}"],
    ),
    ("$randomUserAgent", &["{user_agents}"]),
    ("$randomHexColor", &["#{x}{x}{x}{x}{x}{x}"]),
    ("$randomMACAddress", &["{x}{x}:{x}{x}:{x}{x}:{x}{x}:{x}{x}:{x}{x}"]),
    ("$randomPassword", &["{w}{w}{w}{w}{w}{w}{w}{w}{w}{w}{w}{w}{w}{w}{w}"]),
    ("$randomLoremWord", &["{lorem}"]),
    ("$randomLoremWords", &["{lorem*3-3}"]),
    ("$randomLoremSentence", &["{sentence}"]),
    ("$randomLoremSlug", &["{lorem}-{lorem}-{lorem}"]),
    ("$randomLoremSentences", &["{sentences 2 6 \" \"}"]),
    ("$randomLoremParagraph", &["{sentences 3 6 \" \"}"]),
    ("$randomLoremParagraphs", &["{paragraphs 3}"]),
    (
        "$randomLoremText",
        &["{sentence}", "{sentences 2 6 \" \"}", "{sentences 3 6 \" \"}", "{lorem*3-10}"],
    ),
    ("$randomLoremLines", &["{sentences 1 5 \"\\n\"}"]),
    ("$randomFirstName", &["{first_names}"]),
    ("$randomLastName", &["{last_names}"]),
    (
        "$randomFullName",
        &["{first_names} {last_names}", "{name_prefixes} {first_names} {last_names}", "{first_names} {last_names} {name_suffixes}"],
    ),
    ("$randomJobTitle", &["{job_descriptors} {job_areas} {job_types}"]),
    ("$randomNamePrefix", &["{name_prefixes}"]),
    ("$randomNameSuffix", &["{name_suffixes}"]),
    ("$randomJobDescriptor", &["{job_descriptors}"]),
    ("$randomJobArea", &["{job_areas}"]),
    ("$randomJobType", &["{job_types}"]),
    ("$randomBoolean", &["true", "false"]),
    ("$randomWord", &["{words}"]),
    ("$randomAlphaNumeric", &["{a}"]),
    ("$randomFileName", &["{lorem}_{lorem}.{file_extensions}"]),
    ("$randomCommonFileName", &["{lorem}_{lorem}.{common_file_extensions}"]),
    ("$randomMimeType", &["{mime_types}"]),
    ("$randomCommonFileType", &["{common_file_types}"]),
    ("$randomCommonFileExt", &["{common_file_extensions}"]),
    ("$randomFileType", &["{file_types}"]),
    ("$randomFileExt", &["{file_extensions}"]),
    ("$randomSemver", &["{int 0 9}.{int 0 9}.{int 0 9}"]),
];

/// The patterns of the dynamic variable `name` (with its `$`), if there is one.
pub fn patterns(name: &str) -> Option<&'static [&'static str]> {
    VARIABLES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, patterns)| *patterns)
}

/// A new value of the dynamic variable `name`, if there is one.
pub fn value(name: &str) -> Option<String> {
    let patterns = patterns(name)?;
    let mut rng = fastrand::Rng::new();
    let pattern = patterns[rng.usize(..patterns.len())];
    let mut out = String::new();
    expand(pattern, &mut rng, &mut out);
    Some(out)
}

/// Writes a value of `pattern`. Placeholders:
/// - `{list}`: a word of the word list `list`; `{list*LO-HI}`: LO to HI of them, with spaces;
/// - `{#}` a digit, `{x}` a lowercase hex digit, `{a}` a lowercase letter or digit, `{A}` an
///   uppercase letter, `{w}` a letter, digit or `_`, `{b}` a base58 character;
/// - `{int LO HI}`: an integer from LO to HI; `{decimal LO HI D}`: a number from LO to HI
///   with D decimals;
/// - `{uuid}`, `{timestamp}` (Unix seconds), `{iso}` (now, ISO 8601 in UTC with
///   milliseconds), `{date past|future|recent}` (within a year before or after now, or the
///   day before, written as JavaScript's `Date.toString()` writes it in UTC);
/// - `{sentence}` (3 to 10 lorem words, the first capitalised, and a full stop),
///   `{sentences LO HI "SEP"}`, `{paragraphs N}` (paragraphs of 3 to 6 sentences).
///
/// Anything else is written as it is.
pub fn expand(pattern: &str, rng: &mut fastrand::Rng, out: &mut String) {
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            out.push_str(&rest[open..]);
            return;
        };
        placeholder(&rest[open + 1..close], rng, out);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
}

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const WORD_CHARACTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

fn one_of(rng: &mut fastrand::Rng, characters: &[u8]) -> char {
    char::from(characters[rng.usize(..characters.len())])
}

fn word(rng: &mut fastrand::Rng, list: &str) -> Option<&'static str> {
    let (_, words) = WORDS.iter().find(|(name, _)| *name == list)?;
    Some(words[rng.usize(..words.len())])
}

fn placeholder(inside: &str, rng: &mut fastrand::Rng, out: &mut String) {
    let mut args = inside.split(' ');
    let number = |text: Option<&str>| text.and_then(|t| t.parse::<i64>().ok()).unwrap_or(0);
    match args.next().unwrap_or("") {
        "#" => out.push(char::from(b'0' + rng.u8(0..10))),
        "x" => out.push(one_of(rng, b"0123456789abcdef")),
        "a" => out.push(one_of(rng, ALPHANUMERIC)),
        "A" => out.push(char::from(b'A' + rng.u8(0..26))),
        "w" => out.push(one_of(rng, WORD_CHARACTERS)),
        "b" => out.push(one_of(rng, BASE58)),
        "int" => {
            let (low, high) = (number(args.next()), number(args.next()));
            let _ = write!(out, "{}", rng.i64(low..=high.max(low)));
        }
        "decimal" => {
            let (low, high) = (number(args.next()), number(args.next()));
            let decimals = usize::try_from(number(args.next())).unwrap_or(0);
            let value = low as f64 + rng.f64() * (high - low) as f64;
            let _ = write!(out, "{value:.decimals$}");
        }
        "uuid" => out.push_str(&uuid::Uuid::new_v4().to_string()),
        "timestamp" => {
            let _ = write!(out, "{}", time::OffsetDateTime::now_utc().unix_timestamp());
        }
        "iso" => out.push_str(&iso(time::OffsetDateTime::now_utc())),
        "date" => {
            const DAY: i64 = 86_400;
            let seconds = match args.next() {
                Some("future") => rng.i64(1..=365 * DAY),
                Some("recent") => -rng.i64(1..=DAY),
                _ => -rng.i64(1..=365 * DAY),
            };
            let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
            out.push_str(&javascript_date(at));
        }
        "sentence" => sentence(rng, out),
        "sentences" => {
            let (low, high) = (number(args.next()), number(args.next()));
            let separator = inside
                .split_once('"')
                .and_then(|(_, rest)| rest.rsplit_once('"'))
                .map_or(" ", |(separator, _)| separator);
            let separator = if separator == "\\n" { "\n" } else { separator };
            for i in 0..rng.i64(low..=high.max(low)) {
                if i > 0 {
                    out.push_str(separator);
                }
                sentence(rng, out);
            }
        }
        "paragraphs" => {
            for i in 0..number(args.next()) {
                if i > 0 {
                    out.push_str("\n \r");
                }
                for j in 0..rng.i64(3..=6) {
                    if j > 0 {
                        out.push(' ');
                    }
                    sentence(rng, out);
                }
            }
        }
        list => match list.split_once('*') {
            Some((list, range)) => {
                let (low, high) = range.split_once('-').unwrap_or((range, range));
                let count = rng.i64(number(Some(low))..=number(Some(high)).max(number(Some(low))));
                for i in 0..count {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(word(rng, list).unwrap_or(""));
                }
            }
            None => match word(rng, list) {
                Some(word) => out.push_str(word),
                None => {
                    out.push('{');
                    out.push_str(inside);
                    out.push('}');
                }
            },
        },
    }
}

/// 3 to 10 lorem words, the first capitalised, ending with a full stop.
fn sentence(rng: &mut fastrand::Rng, out: &mut String) {
    for i in 0..rng.usize(3..=10) {
        let word = word(rng, "lorem").unwrap_or("lorem");
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out.push('.');
}

/// `2026-12-01T10:00:00.000Z`, as JavaScript's `Date.toISOString()`.
fn iso(at: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// `Tue Dec 01 2026 10:00:00 GMT+0000 (Coordinated Universal Time)`, as JavaScript's
/// `Date.toString()` writes a date in UTC (how Postman sends a date variable).
fn javascript_date(at: time::OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {:02} {:04} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        DAYS[usize::from(at.weekday().number_days_from_monday())],
        MONTHS[usize::from(u8::from(at.month())) - 1],
        at.day(),
        at.year(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests;
