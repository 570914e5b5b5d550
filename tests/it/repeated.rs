//! Repeated query parameters and form fields (`tag: [a, b]` sends `tag=a&tag=b`): what the
//! server receives, in order, and a secret element masked in every output.

use serde_json::Value;

use crate::servers;
use crate::support::{hits, runner, server, Fixture};

/// A secret that is one element of a list, in the query and in the form.
const SECRET: &str = "sk-List-Secret-77";

const LISTS: &str = r#"
name: Repeated parameters
vars: { second: two, ids: [4, 5, 6], none: [] }
steps:
  - name: Lists in the query and the form
    request:
      method: POST
      url: "{{R}}/echo"
      query: { tag: [a, "{{second}}", 3], page: 1, empty: [], key: [public, "{{token}}"] }
      form: { pick: [red, "{{second}}"], key: ["{{token}}"], n: 1 }
    expect:
      jsonpath:
        $.query: "tag=a&tag=two&tag=3&page=1&key=public&key={{token}}"
        $.text: "pick=red&pick=two&key={{token}}&n=1"
  - name: A variable holding a list
    request:
      method: POST
      url: "{{R}}/echo"
      query: { id: "{{ids}}", gone: "{{none}}", also: ["{{ids}}", 7] }
      form: { id: "{{ids}}" }
    expect:
      jsonpath:
        $.query: id=4&id=5&id=6&also=4&also=5&also=6&also=7
        $.text: id=4&id=5&id=6
"#;

fn run_lists(fixture: &Fixture, args: &[&str]) -> crate::support::Output {
    let yaml = LISTS.replace("{{R}}", &format!("http://{}", servers::server()));
    let path = fixture.file("lists.yaml", &yaml);
    let mut all = vec!["run".to_owned(), path.display().to_string()];
    all.extend(["--secret".to_owned(), format!("token={SECRET}")]);
    all.extend(args.iter().map(|a| (*a).to_owned()));
    runner(all)
}

#[test]
fn a_list_sends_the_name_once_per_element_in_order() {
    let fixture = Fixture::new();
    let output = run_lists(&fixture, &[]);
    assert_eq!(output.code, 0, "{output:?}");
    assert!(output.stdout.contains("2 passed"), "{}", output.stdout);
}

#[test]
fn a_secret_element_is_masked_in_verbose_output_and_every_report() {
    let fixture = Fixture::new();
    let dir = fixture.path().display().to_string();
    let reports = [
        format!("{dir}/r.json"),
        format!("{dir}/r.xml"),
        format!("{dir}/r.html"),
        format!("{dir}/r.tap"),
        format!("{dir}/requests.sh"),
    ];
    let output = run_lists(
        &fixture,
        &[
            "-vv",
            "--report-json",
            &reports[0],
            "--report-junit",
            &reports[1],
            "--report-html",
            &reports[2],
            "--report-tap",
            &reports[3],
            "--curl",
            &reports[4],
        ],
    );
    assert_eq!(output.code, 0, "{output:?}");
    assert!(
        output
            .stdout
            .contains("/echo?tag=a&tag=two&tag=3&page=1&key=public&key=***"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("> pick=red&pick=two&key=***&n=1"),
        "{}",
        output.stdout
    );
    let mut texts = vec![("stdout", output.stdout), ("stderr", output.stderr)];
    for report in &reports {
        let text = std::fs::read_to_string(report).expect("report written");
        texts.push((report.as_str(), text));
    }
    for (name, text) in &texts {
        assert!(!text.contains(SECRET), "{name} leaks the secret:\n{text}");
    }
    let json: Value = serde_json::from_str(&texts[2].1).expect("JSON report");
    let exchange = json
        .pointer("/collections/0/steps/0")
        .expect("the first step");
    assert!(
        exchange.to_string().contains("key=public&key=***"),
        "{exchange}"
    );
}

#[test]
fn a_list_holding_a_list_fails_its_step_at_the_parameter() {
    let fixture = Fixture::new();
    let yaml = format!(
        r#"
name: Nested at run time
vars: {{ pairs: [[1, 2]] }}
steps:
  - name: Send pairs
    request: {{ url: "http://{}/hit/nested-at-run-time", query: {{ pair: [a, "{{{{pairs}}}}"] }} }}
"#,
        server()
    );
    let path = fixture.file("nested.yaml", &yaml);
    let output = runner(["run", path.to_str().expect("UTF-8 path")]);
    assert_eq!(output.code, 1, "{output:?}");
    assert!(
        output.stdout.contains("steps[0].request.query.pair[1]: `pairs` holds a list whose element 0 is a list; each element of a list sent as repeated values must be a string, number or boolean"),
        "{}",
        output.stdout
    );
    assert_eq!(hits("nested-at-run-time"), 0, "nothing is sent");
}

#[test]
fn a_list_inside_a_list_is_refused_at_load_with_its_place_and_a_fix() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "nested.yaml",
        "name: t\nsteps:\n  - name: s\n    request:\n      url: http://127.0.0.1:1/x\n      form:\n        tag:\n          - a\n          - { b: 1 }\n",
    );
    let file = path.display().to_string();
    let output = runner(["validate", file.as_str()]);
    assert_eq!(output.code, 2, "{output:?}");
    for expected in [
        "error: a query parameter or form field takes a value or a list of values, not a list or map inside a list".to_owned(),
        format!("--> {file}:9:13"),
        "= field: steps[0].request.form.tag[1]".to_owned(),
        "= hint: write every value in one list, `name: [a, b, c]`".to_owned(),
    ] {
        assert!(output.stderr.contains(&expected), "{expected}:\n{}", output.stderr);
    }
}
