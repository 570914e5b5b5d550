//! `NAME=VALUE` arguments on the command line: `--var`, and `--secret`, parsed so that a
//! malformed one is never shown.

/// `NAME=VALUE` of `--var` (the name trimmed), the same for every command.
pub(super) fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            match super::data::bad_variable_name(name.trim()) {
                Some(reason) => Err(reason),
                None => Ok((name.trim().to_owned(), value.to_owned())),
            }
        }
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

/// `NAME=VALUE` of `--secret`. A malformed one is not refused here, where clap would print
/// it (a secret given without its name): it parses with an empty name, which
/// [`malformed_secret`] turns into an error that does not show it.
pub(super) fn parse_secret_pair(text: &str) -> Result<(String, String), String> {
    Ok(match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            (name.trim().to_owned(), value.to_owned())
        }
        _ => (String::new(), String::new()),
    })
}

/// The error for a `--secret` without `NAME=`, or whose name `--var` would refuse (the one
/// rule of every way a run is given variables), if one was given.
pub(super) fn malformed_secret(secrets: &[(String, String)]) -> Option<String> {
    malformed_secret_name(secrets.iter().map(|(name, _)| name.as_str()))
}

/// The error for a `--secret` whose name (empty: none was given) is missing or is not one
/// `--var` takes. What was given is shown only when it is one of runner's own names: else it
/// may be the secret, written without its name.
pub(super) fn malformed_secret_name<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    const NOT_SHOWN: &str = "what was given is not shown: it may be the secret";
    names.into_iter().find_map(|name| {
        if name.is_empty() {
            return Some(format!(
                "`--secret` takes NAME=VALUE, and one was given with no `=`, or nothing before it: write the name, `=`, then the value, e.g. `--secret api_token=\"$API_TOKEN\"` ({NOT_SHOWN})"
            ));
        }
        let reason = super::data::bad_variable_name(name)?;
        Some(if runner::collection::RESERVED_NAMES.contains(&name) {
            format!("`--secret {name}=…`: {reason}")
        } else {
            format!(
                "`--secret` takes NAME=VALUE, and one was given whose NAME is not a variable name (letters, digits, `_`, `-`), as `--var` requires ({NOT_SHOWN})"
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_without_a_name_is_refused_without_being_shown() {
        assert_eq!(
            parse_secret_pair("TOKEN=a=b"),
            Ok(("TOKEN".into(), "a=b".into()))
        );
        let malformed = parse_secret_pair("s3cr3t-value").expect("never refused by clap");
        let error = malformed_secret(&[malformed]).expect("refused");
        assert!(!error.contains("s3cr3t"), "{error}");
        assert_eq!(malformed_secret(&[("A".into(), "b".into())]), None);
    }

    #[test]
    fn a_secret_s_name_follows_the_rule_of_var() {
        for text in ["a b=hunter2", "tok:en=hunter2", "{{x}}=hunter2"] {
            let pair = parse_secret_pair(text).expect("never refused by clap");
            let error = malformed_secret(&[pair]).expect("refused");
            assert!(!error.contains("hunter2"), "{error}");
            assert!(error.contains("not a variable name"), "{error}");
        }
        let error =
            malformed_secret(&[parse_secret_pair("env=zzz").expect("parses")]).expect("refused");
        assert!(error.contains("would hide runner's own `env`"), "{error}");
        assert!(!error.contains("zzz"), "{error}");
        assert_eq!(malformed_secret_name(["API_KEY", "a-b_2"]), None);
    }
}
