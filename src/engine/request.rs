//! Renders the parts of a request beyond URL and headers — the body, the auth helper, the
//! step's cookies — and records the request as it was sent, for `--curl`.

use bytes::Bytes;
use handlebars::Context;
use serde_json::Value;

use super::result::{SentRequest, StepError};
use crate::collection::{ApiKeyPlace, Auth, Body, FieldPath, Parameter, PartContent};
use crate::http::oauth2::TokenRequest;
use crate::http::{Credentials, OutgoingBody, OutgoingPart, OutgoingPartContent, OutgoingRequest};
use crate::template::{Template, Templates};

/// Renders templates of one request, reporting a failure at its field.
pub(super) struct Renderer<'a> {
    pub(super) templates: &'a Templates,
    pub(super) context: &'a Context,
    /// `steps[i].request`.
    pub(super) field: FieldPath,
}

impl Renderer<'_> {
    fn text(&self, template: &Template, at: FieldPath) -> Result<String, StepError> {
        self.templates
            .render_text(template, self.context)
            .map_err(|e| StepError::render(&at, e))
    }

    /// Gives each text of a query parameter or form field to `each`, in order; a failure is
    /// at `at` (an element of a list at its index).
    pub(super) fn parameter(
        &self,
        parameter: &Parameter,
        at: impl Fn() -> FieldPath,
        mut each: impl FnMut(&str),
    ) -> Result<(), StepError> {
        match parameter {
            Parameter::One(template) => self.each(template, &at, &mut each),
            Parameter::Many(templates) => {
                templates
                    .iter()
                    .enumerate()
                    .try_for_each(|(index, template)| {
                        self.each(template, &|| at().index(index), &mut each)
                    })
            }
        }
    }

    fn each(
        &self,
        template: &Template,
        at: &dyn Fn() -> FieldPath,
        each: &mut impl FnMut(&str),
    ) -> Result<(), StepError> {
        self.templates
            .render_each(template, self.context, each)
            .map_err(|e| StepError::render(&at(), e))
    }

    /// The body.
    pub(super) fn body(&self, body: &Body) -> Result<OutgoingBody, StepError> {
        Ok(match body {
            Body::None => OutgoingBody::None,
            Body::Json(json) => {
                let value: Value = json
                    .render(self.templates, self.context)
                    .map_err(|e| StepError::render(&self.field.key("json"), e))?;
                OutgoingBody::Bytes(Bytes::from(value.to_string()))
            }
            Body::Text(template) => {
                OutgoingBody::Bytes(Bytes::from(self.text(template, self.field.key("body"))?))
            }
            Body::File(path) => OutgoingBody::File(path.clone()),
            Body::Form(fields) => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                for (name, parameter) in fields {
                    let at = || self.field.key_in("form", name.to_owned());
                    self.parameter(parameter, at, |value| {
                        form.append_pair(name, value);
                    })?;
                }
                OutgoingBody::Bytes(Bytes::from(form.finish()))
            }
            Body::Multipart(parts) => OutgoingBody::Multipart(
                parts
                    .iter()
                    .map(|part| {
                        Ok(OutgoingPart {
                            name: part.name.clone(),
                            content: match &part.content {
                                PartContent::Text(template) => {
                                    OutgoingPartContent::Text(self.text(
                                        template,
                                        self.field.key_in("multipart", part.name.to_owned()),
                                    )?)
                                }
                                PartContent::File(path) => OutgoingPartContent::File(path.clone()),
                            },
                            content_type: part.content_type.clone(),
                            filename: part.filename.clone(),
                        })
                    })
                    .collect::<Result<_, StepError>>()?,
            ),
        })
    }

    /// The auth helper's credentials.
    pub(super) fn auth(&self, auth: &Auth) -> Result<Credentials, StepError> {
        let at = self.field.key("auth");
        Ok(match auth {
            Auth::Basic { username, password } => Credentials::Basic {
                username: self.text(username, at.key_in("basic", "username"))?,
                password: self.text(password, at.key_in("basic", "password"))?,
            },
            Auth::Bearer(token) => Credentials::Bearer(self.text(token, at.key("bearer"))?),
            Auth::ApiKey { place, value } => {
                let value = self.text(value, at.key_in("api_key", "value"))?;
                match place {
                    ApiKeyPlace::Header(name) => Credentials::ApiKeyHeader {
                        name: name.clone(),
                        value,
                    },
                    ApiKeyPlace::Query(name) => Credentials::ApiKeyQuery {
                        name: name.clone(),
                        value,
                    },
                }
            }
            Auth::ClientCredentials(c) => {
                let at = at.key("oauth2").key("client_credentials");
                let optional = |t: &Option<Template>, key: &str| {
                    t.as_ref()
                        .map(|t| self.text(t, at.key(key.to_owned())))
                        .transpose()
                };
                Credentials::ClientCredentials(TokenRequest {
                    token_url: self.text(&c.token_url, at.key("token_url"))?,
                    client_id: self.text(&c.client_id, at.key("client_id"))?,
                    client_secret: self.text(&c.client_secret, at.key("client_secret"))?,
                    scope: optional(&c.scope, "scope")?,
                    audience: optional(&c.audience, "audience")?,
                    client_auth: c.client_auth,
                })
            }
        })
    }

    /// The step's `cookies`.
    pub(super) fn cookies(
        &self,
        cookies: &[(String, Template)],
    ) -> Result<Vec<(String, String)>, StepError> {
        cookies
            .iter()
            .map(|(name, template)| {
                Ok((
                    name.clone(),
                    self.text(template, self.field.key_in("cookies", name.to_owned()))?,
                ))
            })
            .collect()
    }
}

/// The request as it went on the wire (as far as it got), for `--curl`: the first hop's URL
/// and headers when it was sent (answered or not), else the request as rendered.
pub(super) fn sent(
    request: &OutgoingRequest,
    on_wire: Option<(&reqwest::Url, &reqwest::header::HeaderMap)>,
) -> SentRequest {
    let (url, headers) = on_wire.unwrap_or((&request.url, &request.headers));
    SentRequest {
        method: request.method.as_str().to_owned(),
        url: url.to_string(),
        headers: header_pairs(headers),
        body: request.body.clone(),
        follow_redirects: request.follow_redirects,
        max_redirects: request.max_redirects,
    }
}

/// Header names and values as text, in order.
pub(super) fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                crate::response::header_text(value).into_owned(),
            )
        })
        .collect()
}
