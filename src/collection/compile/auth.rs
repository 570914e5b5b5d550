//! Compiles auth helpers (`auth:` on a request or in `defaults`).

use super::request::Named;
use super::Compiler;
use crate::collection::locate::FieldPath;
use crate::collection::{ApiKeyPlace, Auth, ClientCredentials};
use crate::spec::auth::AuthSpec;

impl Compiler<'_> {
    /// Compiles `spec` at `field`. `Ok(None)` is `auth: none`; `Err(())` a helper with a
    /// problem (already reported).
    pub(super) fn auth(&mut self, spec: &AuthSpec, field: &FieldPath) -> Result<Option<Auth>, ()> {
        self.note_clear_credentials(spec);
        let auth = match spec {
            AuthSpec::None => return Ok(None),
            AuthSpec::Basic(basic) => {
                let at = field.key("basic");
                let username = self.template(&basic.username, &at.key("username"));
                let password = self.template(&basic.password, &at.key("password"));
                if basic.username.contains(':') {
                    self.problem_with_hint(
                        &at.key("username"),
                        "a Basic auth user name cannot contain `:`",
                        "the colon separates the user name from the password",
                    );
                    return Err(());
                }
                Auth::Basic {
                    username: username.ok_or(())?,
                    password: password.ok_or(())?,
                }
            }
            AuthSpec::Bearer(token) => {
                Auth::Bearer(self.template(token, &field.key("bearer")).ok_or(())?)
            }
            AuthSpec::ApiKey(key) => {
                let at = field.key("api_key");
                let place = match (&key.header, &key.query) {
                    (Some(header), None) => {
                        if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
                            self.problem(
                                &at.key("header"),
                                format!("`{header}` is not a valid header name"),
                            );
                            return Err(());
                        }
                        ApiKeyPlace::Header(header.clone())
                    }
                    (None, Some(query)) if !query.is_empty() => {
                        if !self.name_as_written(query, Named::ApiKeyQuery, || at.key("query")) {
                            return Err(());
                        }
                        ApiKeyPlace::Query(query.clone())
                    }
                    _ => {
                        self.problem_with_hint(
                            &at,
                            "an API key goes in a header or in the query: give exactly one of `header` and `query`",
                            "e.g. `api_key: { header: X-API-Key, value: \"{{api_key}}\" }`",
                        );
                        return Err(());
                    }
                };
                Auth::ApiKey {
                    place,
                    value: self.template(&key.value, &at.key("value")).ok_or(())?,
                }
            }
            AuthSpec::Oauth2(oauth2) => {
                let spec = &oauth2.client_credentials;
                let at = field.key("oauth2").key("client_credentials");
                let token_url = self.template(&spec.token_url, &at.key("token_url"));
                let client_id = self.template(&spec.client_id, &at.key("client_id"));
                let client_secret = self.template(&spec.client_secret, &at.key("client_secret"));
                let scope = spec
                    .scope
                    .as_ref()
                    .map(|s| self.template(s, &at.key("scope")).ok_or(()))
                    .transpose();
                let audience = spec
                    .audience
                    .as_ref()
                    .map(|s| self.template(s, &at.key("audience")).ok_or(()))
                    .transpose();
                Auth::ClientCredentials(Box::new(ClientCredentials {
                    token_url: token_url.ok_or(())?,
                    client_id: client_id.ok_or(())?,
                    client_secret: client_secret.ok_or(())?,
                    scope: scope?,
                    audience: audience?,
                    client_auth: spec.client_auth,
                }))
            }
        };
        Ok(Some(auth))
    }

    /// Keeps the credentials `spec` writes in clear (no `{{…}}`), each once: the run masks
    /// them wherever else they show, as it masks a rendered one.
    fn note_clear_credentials(&mut self, spec: &AuthSpec) {
        let written: Vec<&str> = match spec {
            AuthSpec::None => Vec::new(),
            AuthSpec::Basic(basic) => vec![basic.password.as_str()],
            AuthSpec::Bearer(token) => vec![token.as_str()],
            AuthSpec::ApiKey(key) => vec![key.value.as_str()],
            AuthSpec::Oauth2(oauth2) => vec![oauth2.client_credentials.client_secret.as_str()],
        };
        for credential in written {
            if !credential.is_empty()
                && !credential.contains("{{")
                && !self.credentials.iter().any(|c| c == credential)
            {
                self.credentials.push(credential.to_owned());
            }
        }
    }
}
