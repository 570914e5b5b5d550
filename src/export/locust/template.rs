//! Which runner templates the emitted Python renders: variables and paths, the helpers
//! (`uuid`, `now`, `timestamp`, `base64`, `json`, `urlencode`, `lookup`), `#if` / `#unless`
//! with `else`, and `\{{` (the text `{{`, as `runner import openapi` writes a document's).
//! Anything else (`#each`, `#with`, subexpressions, hash arguments, partials, whitespace
//! control, a `\` before `\{{`) is reported, read with handlebars' own parser.

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{Path, PathSeg};

const HELPERS: &[&str] = &[
    "uuid",
    "now",
    "timestamp",
    "base64",
    "json",
    "urlencode",
    "lookup",
];

/// `Err(what)` when `source` uses something the emitted Python does not render.
pub(super) fn check(source: &str) -> Result<(), String> {
    if !source.contains("{{") {
        return Ok(());
    }
    // Text and plain variables, the most of what collections hold, read without handlebars'
    // parser (20,000 `{{a}}` in one URL took it 16 s).
    if crate::template::is_plain(source) {
        return Ok(());
    }
    if source.contains("{{~") || source.contains("~}}") {
        return Err("whitespace control (`~`)".into());
    }
    if source.contains("\\\\{{") {
        return Err("a `\\` before an escaped `\\{{`".into());
    }
    let template = Template::compile(source).map_err(|e| e.reason().to_string())?;
    elements(&template)
}

fn elements(template: &Template) -> Result<(), String> {
    for element in &template.elements {
        match element {
            TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
            TemplateElement::Expression(helper) | TemplateElement::HtmlExpression(helper) => {
                expression(helper)?;
            }
            TemplateElement::HelperBlock(helper) => block(helper)?,
            _ => return Err("a partial or decorator".into()),
        }
    }
    Ok(())
}

fn expression(helper: &HelperTemplate) -> Result<(), String> {
    if !helper.hash.is_empty() {
        return Err("a helper with `name=value` arguments".into());
    }
    match &helper.name {
        Parameter::Name(name) if HELPERS.contains(&name.as_str()) => {}
        Parameter::Name(name) if helper.params.is_empty() => path_name(name)?,
        Parameter::Name(name) => return Err(format!("the helper `{name}`")),
        Parameter::Path(path) => {
            let name = plain_path(path)?;
            if !helper.params.is_empty() && !HELPERS.contains(&name.as_str()) {
                return Err(format!("the helper `{name}`"));
            }
        }
        Parameter::Literal(_) => {}
        _ => return Err("a subexpression `(...)`".into()),
    }
    helper.params.iter().try_for_each(parameter)
}

fn block(helper: &HelperTemplate) -> Result<(), String> {
    let name = match &helper.name {
        Parameter::Name(name) => name.clone(),
        Parameter::Path(path) => plain_path(path)?,
        _ => return Err("a block".into()),
    };
    if name != "if" && name != "unless" {
        return Err(format!("the block `#{name}`"));
    }
    if helper.chain || helper.params.len() != 1 || !helper.hash.is_empty() {
        return Err(format!(
            "`#{name}` with other than one argument, or `else if`"
        ));
    }
    helper.params.iter().try_for_each(parameter)?;
    if let Some(inner) = &helper.template {
        elements(inner)?;
    }
    if let Some(inverse) = &helper.inverse {
        elements(inverse)?;
    }
    Ok(())
}

fn parameter(parameter: &Parameter) -> Result<(), String> {
    match parameter {
        Parameter::Path(path) => plain_path(path).map(|_| ()),
        Parameter::Literal(_) => Ok(()),
        Parameter::Name(name) => path_name(name),
        _ => Err("a subexpression `(...)`".into()),
    }
}

fn path_name(name: &str) -> Result<(), String> {
    if name.starts_with('@') || name.contains("..") || name.contains('[') || name.contains('/') {
        Err(format!("the path `{name}`"))
    } else {
        Ok(())
    }
}

/// The dotted path, when it is made of names only.
fn plain_path(path: &Path) -> Result<String, String> {
    match path {
        Path::Relative((segments, raw)) => {
            let names: Option<Vec<&str>> = segments
                .iter()
                .map(|segment| match segment {
                    PathSeg::Named(name) => Some(name.as_str()),
                    _ => None,
                })
                .collect();
            match names {
                Some(names) if !raw.contains('[') && !raw.starts_with('@') => Ok(names.join(".")),
                _ => Err(format!("the path `{raw}`")),
            }
        }
        Path::Local((_, _, raw)) => Err(format!("the path `{raw}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn the_subset_runner_collections_use_is_rendered() {
        for ok in [
            "plain",
            "{{base_url}}/x/{{list.0}}",
            "Bearer {{auth_token}}",
            "{{lookup ids position}}",
            "{{base64 user}} {{uuid}} {{now}} {{timestamp}} {{json body}} {{urlencode q}}",
            "{{#if flag}}a{{else}}b{{/if}}{{#unless flag}}c{{/unless}}",
            "{{steps.login.json.token}}",
            "hello \\{{name}} {{name}} \\{{{raw}}}",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("{{#each items}}{{this}}{{/each}}", "the block `#each`"),
            ("{{base64 (json x)}}", "a subexpression `(...)`"),
            ("{{~x~}}", "whitespace control (`~`)"),
            ("{{upper x}}", "the helper `upper`"),
            ("a \\\\{{x}}", "a `\\` before an escaped `\\{{`"),
        ] {
            assert_eq!(check(bad), Err(why.to_owned()), "{bad}");
        }
    }

    /// A template of text and plain variables is read without handlebars' parser, and what
    /// it says agrees with what the parser's reading says.
    #[test]
    fn plain_templates_agree_with_handlebars_reading() {
        for plain in [
            "{{a}}",
            "x{{a.b}}y{{c_d-e}}",
            "{ \"json\": \"{{token}}\" }",
            &"{{a}}".repeat(200),
        ] {
            assert!(crate::template::is_plain(plain), "{plain}");
            assert_eq!(check(plain), Ok(()), "{plain}");
            let compiled = handlebars::template::Template::compile(plain).expect("compiles");
            assert_eq!(super::elements(&compiled), Ok(()), "{plain}");
        }
        // 20,000 of them: read in one pass.
        assert_eq!(check(&"{{a}}/".repeat(20_000)), Ok(()));
        for not_plain in ["{{#if a}}b{{/if}}", "{{json a}}", "\\{{a}}", "{{a.[b c]}}"] {
            assert!(!crate::template::is_plain(not_plain), "{not_plain}");
        }
    }
}
