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

/// The error for a `--secret` without `NAME=`, if one was given.
pub(super) fn malformed_secret(secrets: &[(String, String)]) -> Option<String> {
    secrets.iter().any(|(name, _)| name.is_empty()).then(|| {
        "`--secret` takes NAME=VALUE, and one was given without a name (what was given is not shown: it may be the secret)".to_owned()
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
}
