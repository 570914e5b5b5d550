//! The reports of `runner run`, written as the run goes: each collection run goes to every
//! requested report as soon as it and every run before it have finished (so the reports keep
//! input order whatever `--jobs` is), then is dropped. The closing summary and the exit code
//! come from counts and a digest gathered on the way, not from every result kept to the end;
//! when no report is asked for, not even one collection run's results are kept (a [`Tally`]
//! of each run's steps instead).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use runner::engine::{CollectionReport, StepResult, Totals};
use runner::report::destination::{self, Destination, FileIdentity};
use runner::report::stream::{Format, RunSummary, Streamed};
use runner::report::terminal::Digest;
use runner::report::{self, github, gitlab, html, json, junit, tap};

use super::args::{CiReport, RunArgs};

/// The path that means standard output.
pub(super) const STDOUT: &str = "-";

/// The repository's root as the CI system names it in `variable`, else the current directory:
/// annotations and code quality reports want paths relative to it.
fn ci_root(variable: &str) -> std::path::PathBuf {
    std::env::var_os(variable)
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// GitHub annotations are on when asked for, or by default in GitHub Actions when no other
/// report is.
pub(super) fn github_annotations(args: &RunArgs) -> bool {
    let chosen = args.reports.contains(&CiReport::Github);
    let any_report = !args.reports.is_empty()
        || args.report_junit.is_some()
        || args.report_json.is_some()
        || args.report_tap.is_some()
        || args.report_html.is_some();
    chosen || (!any_report && std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"))
}

/// Every file the run will write, with the flag that names it: reports, `--curl`, the
/// cookie jar.
pub(super) fn destinations(args: &RunArgs) -> impl Iterator<Item = (&'static str, &Path)> {
    [
        ("--report-junit", &args.report_junit),
        ("--report-json", &args.report_json),
        ("--report-tap", &args.report_tap),
        ("--report-html", &args.report_html),
        ("--curl", &args.curl),
        ("--cookie-jar", &args.cookie_jar),
    ]
    .into_iter()
    .filter_map(|(flag, path)| Some((flag, path.as_deref()?)))
    .chain(args.reports.iter().filter_map(|report| match report {
        CiReport::GitlabCodeQuality(path) => Some(("--report gitlab-codequality", path.as_path())),
        CiReport::Github => None,
    }))
}

/// A file a command reads, which nothing it writes may be: written over, it would be lost.
pub(super) struct Input {
    /// What it is to the command: `the collection`, `the data file (--data)`.
    role: &'static str,
    /// As given, or as found.
    path: PathBuf,
    /// The command writes it too (a snapshot file): it is one before it exists.
    written: bool,
}

impl Input {
    /// The file `path`, which is `role` to the command.
    pub(super) fn new(role: &'static str, path: impl Into<PathBuf>) -> Input {
        Input {
            role,
            path: path.into(),
            written: false,
        }
    }
}

/// The files a command reads, each told by its identity: an existing regular file's device
/// and inode (a stream, read and written elsewhere, loses nothing), and a file the command
/// writes too as the file it will be.
pub(super) struct Inputs(Vec<(Input, FileIdentity)>);

impl Inputs {
    /// `inputs`, each file once.
    pub(super) fn new(inputs: impl IntoIterator<Item = Input>) -> Inputs {
        let mut seen = std::collections::HashSet::new();
        let mut known = Vec::new();
        for input in inputs {
            if !seen.insert(input.path.clone()) {
                continue;
            }
            let identity = match input.written {
                false => FileIdentity::of_regular_file(&input.path),
                true => Destination::resolve(&input.path).ok().map(|d| d.identity()),
            };
            if let Some(identity) = identity {
                known.push((input, identity));
            }
        }
        Inputs(known)
    }

    /// Refuses `what` (`the JSON report`) at `shown`, which is `identity`, when it is one of
    /// these files; `noun` is what to write elsewhere (`report`).
    pub(super) fn refuse(
        &self,
        what: &str,
        noun: &str,
        shown: &Path,
        identity: &FileIdentity,
    ) -> Result<(), String> {
        self.refuse_read(what, noun, shown, identity, true)
    }

    /// [`Inputs::refuse`]; with `unlisted`, also every file the command read that the list
    /// does not name. The cookie jar is read and written by design: only the listed files are
    /// refused for it.
    fn refuse_read(
        &self,
        what: &str,
        noun: &str,
        shown: &Path,
        identity: &FileIdentity,
        unlisted: bool,
    ) -> Result<(), String> {
        let Some((input, _)) = self.0.iter().find(|(_, known)| known == identity) else {
            if !unlisted {
                return Ok(());
            }
            // A file the command read that the list does not name (one a collection that
            // did not load had included).
            return match identity {
                FileIdentity::Inode { device, inode } => {
                    match runner::spec::file::read_as(*device, *inode) {
                        Some(read) => Err(format!(
                            "{what} `{}` is `{}`, a file this command read: writing it would lose what it holds; write the {noun} elsewhere",
                            shown.display(),
                            read.display()
                        )),
                        None => Ok(()),
                    }
                }
                FileIdentity::Path(_) => Ok(()),
            };
        };
        let spelt = match input.path == shown {
            true => String::new(),
            false => " (one file, spelt two ways)".to_owned(),
        };
        Err(format!(
            "{what} `{}` is {} `{}`{spelt}: writing it would lose what it holds; write the {noun} elsewhere",
            shown.display(),
            input.role,
            input.path.display(),
        ))
    }

    /// Refuses the file `output` a command writes (`what`, e.g. `the output (-o)`) when it is
    /// one of these files. A destination that cannot be resolved is left to the write to
    /// tell.
    pub(super) fn refuse_output(&self, what: &str, output: &Path) -> Result<(), String> {
        match Destination::resolve(output) {
            Ok(destination) => self.refuse(what, "output", output, &destination.identity()),
            Err(_) => Ok(()),
        }
    }
}

/// What `runner run` reads that its arguments name: every collection file (a folder's too),
/// `--data`, `--vars-file`, the TLS files, `--openapi-coverage`. The cookie jar is read and
/// written: it is a destination.
pub(super) fn command_inputs(args: &RunArgs) -> Vec<Input> {
    let collections = super::paths::collection_files(&args.paths).unwrap_or_default();
    let mut inputs: Vec<Input> = collections
        .into_iter()
        .chain(args.paths.iter().cloned())
        .map(|path| Input::new("the collection", path))
        .collect();
    let flags = [
        ("the data file", &args.data),
        ("the CA certificate", &args.cacert),
        ("the client certificate", &args.cert),
        ("the client key", &args.key),
        (
            "the OpenAPI document (--openapi-coverage)",
            &args.openapi_coverage,
        ),
    ];
    for (role, path) in flags {
        inputs.extend(path.iter().map(|path| Input::new(role, path)));
    }
    inputs.extend(
        args.vars_files
            .iter()
            .map(|path| Input::new("the vars file", path)),
    );
    inputs
}

/// What the loaded `collections` read, beyond their own files: included files, `openapi:`
/// documents, `expect.schema` files, `body_file`s and multipart files, and the snapshot files
/// of a collection that takes snapshots (read, and written as it ends).
pub(super) fn collection_inputs<'a>(
    collections: impl IntoIterator<Item = &'a runner::collection::Collection>,
) -> Vec<Input> {
    use runner::collection::{Action, Body, PartContent, Step};
    fn walk(steps: &[Step], file: &Path, inputs: &mut Vec<Input>, snapshots: &mut bool) {
        for step in steps {
            match &step.action {
                Action::Request(request) => {
                    match &request.request.body {
                        Body::File(path) => inputs.push(Input::new("a body file", path)),
                        Body::Multipart(parts) => {
                            for part in parts {
                                if let PartContent::File(path) = &part.content {
                                    inputs.push(Input::new("a multipart file", path));
                                }
                            }
                        }
                        _ => {}
                    }
                    let until = request.retry.as_ref().and_then(|r| r.until.as_ref());
                    for expect in std::iter::once(&request.expect).chain(until) {
                        let more = expect.more();
                        // `schema FILE`, FILE as written, relative to the file of the step.
                        let written = more
                            .schema
                            .as_ref()
                            .and_then(|schema| schema.subject.strip_prefix("schema "))
                            .filter(|written| *written != "(inline)");
                        if let Some(written) = written {
                            let dir = file.parent().unwrap_or(Path::new(""));
                            inputs.push(Input::new("a schema file", dir.join(written)));
                        }
                        *snapshots |= more.snapshot.is_some();
                    }
                }
                Action::Group(children) => walk(children, file, inputs, snapshots),
                Action::Include(include) => {
                    inputs.push(Input::new("an included collection", &include.path));
                    walk(&include.steps, &include.path, inputs, snapshots);
                }
            }
        }
    }
    let mut inputs = Vec::new();
    for collection in collections {
        inputs.push(Input::new("the collection", &collection.path));
        if let Some(contract) = &collection.openapi {
            inputs.push(Input::new("the OpenAPI document", &contract.path));
        }
        let mut snapshots = false;
        walk(
            &collection.steps,
            &collection.path,
            &mut inputs,
            &mut snapshots,
        );
        walk(
            &collection.finally,
            &collection.path,
            &mut inputs,
            &mut snapshots,
        );
        if snapshots {
            let paths = runner::snapshot::store::SnapshotPaths::of(&collection.path);
            for path in [paths.approved, paths.pending] {
                inputs.push(Input {
                    role: "the snapshot file",
                    path,
                    written: true,
                });
            }
        }
    }
    inputs
}

/// What the file `flag` names is, and what to write elsewhere.
fn what(flag: &str) -> (&'static str, &'static str) {
    match flag {
        "--report-junit" => ("the JUnit report", "report"),
        "--report-json" => ("the JSON report", "report"),
        "--report-tap" => ("the TAP report", "report"),
        "--report-html" => ("the HTML report", "report"),
        "--curl" => ("the --curl script", "script"),
        "--cookie-jar" => ("the cookie jar", "cookie jar"),
        GITHUB_SUMMARY => ("the GitHub step summary ($GITHUB_STEP_SUMMARY)", "summary"),
        _ => ("the GitLab Code Quality report", "report"),
    }
}

/// How the GitHub step summary is named among the destinations.
const GITHUB_SUMMARY: &str = "$GITHUB_STEP_SUMMARY";

/// GitHub's job summary file, when GitHub annotations are on and `$GITHUB_STEP_SUMMARY` is set
/// (an empty value is unset); an error when it cannot be appended to. GitHub always gives a
/// writable one: an unusable one is a misconfiguration, told and skipped (docs/ci.md), not a
/// reason to refuse the run. Nothing is left behind.
fn github_summary(args: &RunArgs) -> Option<Result<PathBuf, String>> {
    if !github_annotations(args) {
        return None;
    }
    let path = PathBuf::from(std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())?);
    let existed = std::fs::symlink_metadata(&path).is_ok();
    let checked = Destination::resolve(&path).and_then(|destination| {
        let target = match &destination {
            Destination::File(target) | Destination::Special(target) => target,
        };
        let file = destination::open_in_place(target, &path, true)?;
        if matches!(destination, Destination::Special(_)) {
            hold(&path, file);
        }
        Ok(())
    });
    if !existed {
        let _ = std::fs::remove_file(&path);
    }
    Some(
        checked
            .map(|()| path)
            .map_err(|e| format!("{}: {}", e.path, e.reason)),
    )
}

/// Files not regular (a FIFO, a terminal, `/dev/stdout`) opened as the destinations were
/// checked, by the path given, kept open until their report is written: a FIFO's reader then
/// sees no end of file between the check and the report, and one with no reader is found
/// before the first request rather than hanging the run's end.
static HELD: std::sync::Mutex<Vec<(PathBuf, std::fs::File)>> = std::sync::Mutex::new(Vec::new());

fn hold(path: &Path, file: std::fs::File) {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if !held.iter().any(|(known, _)| known == path) {
        held.push((path.to_owned(), file));
    }
}

fn take_held(path: &Path) -> Option<std::fs::File> {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    let index = held.iter().position(|(known, _)| known == path)?;
    Some(held.swap_remove(index).1)
}

/// Writes `write`'s bytes to `path` as a report is written: into the file held open since
/// the check, else atomically.
pub(super) fn write_destination(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), runner::report::ReportError> {
    match take_held(path) {
        Some(file) => destination::write_into(file, path, write),
        None => report::write_atomically_with(path, write),
    }
}

/// Whether standard output was closed when runner started (`>&-`): the Rust runtime then
/// opens it on `/dev/null` for reading and writing, where what is written is lost. (A shell's
/// `> /dev/null` opens it for writing only.)
fn stdout_closed() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        // SAFETY: F_GETFL reads the status flags of descriptor 1, whatever it is.
        let flags = unsafe { libc::fcntl(1, libc::F_GETFL) };
        if flags < 0 {
            return true;
        }
        let (Ok(stdout), Ok(null)) = (
            std::fs::metadata("/proc/self/fd/1"),
            std::fs::metadata("/dev/null"),
        ) else {
            return false;
        };
        flags & libc::O_ACCMODE == libc::O_RDWR
            && stdout.file_type().is_char_device()
            && stdout.rdev() == null.rdev()
    }
    #[cfg(not(unix))]
    false
}

/// Checks before the first request that every destination can be written, that no two are
/// one file (however spelt: through `..`, a symlink or a hard link; `-` is whatever standard
/// output is), that at most one report goes to standard output, and that no destination is a
/// file the run reads ([`command_inputs`]). Warnings (a GitHub step summary that cannot be
/// written, and is skipped) come back to be told.
pub(super) fn check_destinations(args: &RunArgs) -> Result<Vec<String>, String> {
    check_destinations_reading(args, &Inputs::new(command_inputs(args)))
}

/// [`check_destinations`], against the files the run reads, `inputs`.
pub(super) fn check_destinations_reading(
    args: &RunArgs,
    inputs: &Inputs,
) -> Result<Vec<String>, String> {
    let mut warnings = Vec::new();
    let mut files: Vec<(&str, &Path, FileIdentity)> = Vec::new();
    // Every report written to standard output however spelt, with the flag: GitHub's
    // annotations are written there too.
    let mut to_stdout: Vec<(&str, &Path)> = Vec::new();
    if github_annotations(args) {
        to_stdout.push(("GitHub annotations", Path::new(STDOUT)));
    }
    // The null device keeps nothing: any number of outputs may go there.
    let null = Destination::resolve(Path::new("/dev/null"))
        .ok()
        .map(|d| d.identity());
    let stdout = Destination::resolve(Path::new("/dev/stdout"))
        .ok()
        .map(|d| d.identity());
    let closed = stdout_closed();
    let summary = github_summary(args);
    let summary_path = match &summary {
        Some(Ok(path)) => Some(path.clone()),
        Some(Err(reason)) => {
            warnings.push(format!(
                "GITHUB_STEP_SUMMARY names a file that cannot be written ({reason}): no job summary is written"
            ));
            None
        }
        None => None,
    };
    let wanted: Vec<(&str, &Path)> = destinations(args)
        .chain(summary_path.as_deref().map(|path| (GITHUB_SUMMARY, path)))
        .collect();
    for (flag, path) in wanted {
        let (what, noun) = what(flag);
        if path == Path::new(STDOUT) {
            if flag == "--cookie-jar" {
                return Err("the cookie jar cannot be `-`; give a file".into());
            }
            // Warned, not refused: a daemon's standard output is `/dev/null` opened the same
            // way, and the run itself is still wanted.
            if closed {
                warnings.push(format!(
                    "{what} goes to standard output (`-`), which is closed (`>&-`) or `/dev/null`: what is written there is lost; give a file, or leave standard output open"
                ));
            }
            if let Some(stdout) = &stdout {
                inputs.refuse(what, noun, path, stdout)?;
            }
            to_stdout.push((flag, path));
            continue;
        }
        let destination = Destination::resolve(path).map_err(|e| not_writable(flag, &e))?;
        destination
            .check(path)
            .map_err(|e| not_writable(flag, &e))?;
        let identity = destination.identity();
        // The jar runner reads it writes back: only another input is refused for it (a
        // refused run never writes the jar).
        inputs.refuse_read(what, noun, path, &identity, flag != "--cookie-jar")?;
        if flag != GITHUB_SUMMARY && stdout.is_some() && stdout.as_ref() == Some(&identity) {
            if closed {
                warnings.push(format!(
                    "{what} `{}` is standard output, which is closed (`>&-`) or `/dev/null`: what is written there is lost; give a file, or leave standard output open",
                    path.display()
                ));
            }
            if null.as_ref() != Some(&identity) {
                if matches!(destination, Destination::File(_)) {
                    // Replaced atomically, the file would lose what runner prints to it.
                    return Err(format!(
                        "{what} `{}` is standard output, where runner prints the run: replacing the file would lose that; write the {noun} elsewhere, or to `-`",
                        path.display()
                    ));
                }
                to_stdout.push((flag, path));
            }
        }
        if let Destination::Special(target) = &destination {
            let file = destination::open_in_place(target, path, false)
                .map_err(|e| not_writable(flag, &e))?;
            hold(path, file);
        }
        if null.as_ref() == Some(&identity) {
            continue;
        }
        if let Some((other_flag, other, _)) = files.iter().find(|(_, _, i)| *i == identity) {
            let spelt = match *other == path {
                true => format!("`{}`", path.display()),
                false => format!("`{}` and `{}`", other.display(), path.display()),
            };
            return Err(format!(
                "{other_flag} and {flag} both write {spelt}, one file: one would overwrite the other; give each its own file"
            ));
        }
        files.push((flag, path, identity));
    }
    if let [(first, first_path), (second, second_path), ..] = to_stdout[..] {
        let spelt = match first_path == second_path {
            true => format!("`{}`", first_path.display()),
            false => format!("`{}` and `{}`", first_path.display(), second_path.display()),
        };
        return Err(format!(
            "{first} and {second} both write standard output ({spelt}): only one report can go to standard output (`-`, or `/dev/stdout`; GitHub annotations are written there too)"
        ));
    }
    Ok(warnings)
}

/// Why the file `flag` names cannot be written, told as the file it is: a report, the
/// `--curl` file or the cookie jar.
pub(super) fn not_writable(flag: &str, error: &runner::report::ReportError) -> String {
    let (what, example) = match flag {
        "--cookie-jar" => ("the cookie jar", "cookies.txt"),
        GITHUB_SUMMARY => ("the GitHub step summary", "summary.md"),
        "--curl" => ("the --curl file", "requests.sh"),
        _ => return error.to_string(),
    };
    format!(
        "cannot write {what} `{}`: {}",
        error.path,
        error
            .reason
            .replace("`reports/report.xml`", &format!("`{example}`"))
    )
}

/// Where a report goes.
enum Target {
    /// A file, replaced atomically once the report is complete.
    File(PathBuf),
    /// Standard output (`-`).
    Stdout,
    /// GitHub's workflow commands, on standard output.
    GithubAnnotations,
    /// GitHub's job summary, appended to `$GITHUB_STEP_SUMMARY`.
    GithubSummary(PathBuf),
}

/// What the closing summary needs of a collection run whose steps its collector does not
/// keep (no report needs them), gathered a step at a time: its counts and its digest.
#[derive(Default)]
pub(super) struct Tally {
    totals: Totals,
    digest: Digest,
}

impl Tally {
    /// One more step of `run` (as its collector has it so far) finished.
    pub(super) fn step(&mut self, run: &CollectionReport, step: &StepResult) {
        self.totals.record(step);
        let file = run.path.to_str().unwrap_or("");
        self.digest.record_step(file, run.iteration, step);
    }
}

/// A collection run that ended: what its collector kept, and the tally of the steps it did
/// not keep.
pub(super) struct Ended {
    pub(super) report: CollectionReport,
    pub(super) tally: Option<Tally>,
}

/// Every report of a run, and what the closing summary needs.
pub(super) struct Reports {
    outputs: Vec<(Target, Streamed)>,
    /// Counts over every collection run given so far.
    pub(super) summary: RunSummary,
    /// The failing and slowest steps, for the closing summary.
    pub(super) digest: Digest,
    /// The next collection run to give to the reports, in input order.
    next: usize,
    /// Runs that finished before an earlier one.
    waiting: BTreeMap<usize, Option<Ended>>,
    /// How many collection runs the command makes.
    runs: usize,
}

impl Reports {
    /// The reports `args` ask for, for a run that started at `started_at`; an error when a
    /// temporary file for them cannot be made.
    pub(super) fn new(args: &RunArgs, started_at: &str, runs: usize) -> Result<Reports, String> {
        let mut wanted: Vec<(Target, Box<dyn Format>)> = Vec::new();
        if github_annotations(args) {
            let root = ci_root("GITHUB_WORKSPACE");
            wanted.push((
                Target::GithubAnnotations,
                Box::new(github::Annotations::new(&root)),
            ));
            // Checked with the other destinations: one that cannot be written is skipped.
            if let Some(Ok(path)) = github_summary(args) {
                // Appended to what the job's step wrote there already: the whole file stays
                // under GitHub's limit.
                let already = std::fs::metadata(&path).map_or(0, |m| m.len());
                wanted.push((
                    Target::GithubSummary(path),
                    Box::new(github::StepSummary::after(&root, already)),
                ));
            }
        }
        let target = |path: &Path| {
            if path == Path::new(STDOUT) {
                Target::Stdout
            } else {
                Target::File(path.to_owned())
            }
        };
        if let Some(path) = &args.report_junit {
            wanted.push((target(path), Box::new(junit::Junit)));
        }
        if let Some(path) = &args.report_json {
            wanted.push((target(path), Box::new(json::Json::new())));
        }
        if let Some(path) = &args.report_tap {
            wanted.push((target(path), Box::new(tap::Tap::new())));
        }
        if let Some(path) = &args.report_html {
            wanted.push((target(path), Box::new(html::Html::new())));
        }
        if let Some(path) = &args.curl {
            // The secrets the network options may name: a `--resolve` host given as a
            // `--secret`.
            let curl = report::curl::Curl::new(&args.network_options(), || {
                super::secret_inputs::of_run(args)
            });
            wanted.push((target(path), Box::new(curl)));
        }
        for ci in &args.reports {
            if let CiReport::GitlabCodeQuality(path) = ci {
                let root = ci_root("CI_PROJECT_DIR");
                wanted.push((target(path), Box::new(gitlab::CodeQuality::new(&root))));
            }
        }
        let mut outputs = Vec::with_capacity(wanted.len());
        for (target, format) in wanted {
            // GitHub's outputs hold only the failing steps: they wait in memory, so a plain
            // run in GitHub Actions needs no temporary file.
            if matches!(target, Target::GithubAnnotations | Target::GithubSummary(_)) {
                outputs.push((target, Streamed::in_memory(format)));
                continue;
            }
            let streamed = Streamed::new(format).map_err(|e| {
                format!(
                    "cannot create a temporary file for the reports in `{}`: {e} (set TMPDIR to a writable directory)",
                    std::env::temp_dir().display()
                )
            })?;
            outputs.push((target, streamed));
        }
        Ok(Reports {
            outputs,
            summary: RunSummary {
                started_at: started_at.to_owned(),
                ..RunSummary::default()
            },
            digest: Digest::new(),
            next: 0,
            waiting: BTreeMap::new(),
            runs,
        })
    }

    /// Whether a report needs every step of each collection run (else the runs keep a
    /// [`Tally`] of their steps instead of the steps).
    pub(super) fn need_steps(&self) -> bool {
        !self.outputs.is_empty()
    }

    /// Collection run `index` has ended, with what it ran (`None` if it did not start).
    pub(super) fn finished(&mut self, index: usize, run: Option<Ended>) {
        if index < self.next {
            return;
        }
        self.waiting.insert(index, run);
        while let Some(run) = self.waiting.remove(&self.next) {
            self.next += 1;
            if let Some(mut run) = run {
                self.give(&mut run);
                // The last run is not freed step by step as the command ends (10,000 steps
                // take milliseconds, after the last request): the process's exit frees it
                // at once, as `load::keep_to_the_end` does the collections.
                if self.next == self.runs {
                    std::mem::forget(run);
                }
            }
        }
    }

    /// Gives every run of the `count` not given yet, in order, taking each with `take`
    /// (after an interrupt: what ran of the runs cut short).
    pub(super) fn finish_all(&mut self, count: usize, take: impl Fn(usize) -> Option<Ended>) {
        for index in self.next..count {
            if !self.waiting.contains_key(&index) {
                let run = take(index);
                self.finished(index, run);
            }
        }
    }

    fn give(&mut self, run: &mut Ended) {
        // The steps tallied came before any the collector kept (one cut short by an interrupt).
        if let Some(tally) = run.tally.take() {
            self.summary.totals.add(&tally.totals);
            self.digest.merge(tally.digest);
        }
        self.summary.record(&run.report);
        self.digest.record(&run.report);
        for (_, report) in &mut self.outputs {
            report.collection(&run.report);
        }
    }

    /// Writes every report; false if one could not be written (said on `stderr`).
    pub(super) fn write(
        &mut self,
        duration: Duration,
        interrupted: bool,
        stderr: &mut impl Write,
    ) -> bool {
        self.summary.duration = duration;
        self.summary.interrupted = interrupted;
        let mut ok = true;
        for (target, report) in &mut self.outputs {
            let summary = &self.summary;
            let written = match target {
                Target::File(path) => write_destination(path, |out| report.finish(summary, out))
                    .map_err(|e| e.to_string()),
                // As before any report: annotations that cannot be printed are not an error.
                Target::GithubAnnotations => {
                    let _ = report.finish(summary, &mut std::io::stdout().lock());
                    Ok(())
                }
                Target::Stdout => {
                    let mut stdout = std::io::stdout().lock();
                    report
                        .finish(summary, &mut stdout)
                        .map_err(|e| format!("cannot write a report to standard output: {e}"))
                }
                Target::GithubSummary(path) => take_held(path)
                    .map_or_else(|| destination::open_in_place(path, path, true), Ok)
                    .and_then(|file| {
                        destination::write_into(file, path, |out| report.finish(summary, out))
                    })
                    .map_err(|e| {
                        format!("cannot write the step summary `{}`: {}", e.path, e.reason)
                    }),
            };
            if let Err(message) = written {
                let _ = writeln!(stderr, "error: {message}");
                ok = false;
            }
        }
        ok
    }
}
