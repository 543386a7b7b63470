//! Findings: what the validator reports, each with a stable code.

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Ordered so that `Error` is the greatest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $name:literal, $severity:ident, $summary:literal;)*) => {
        /// Stable finding codes. A code is never reused for another meaning;
        /// every code is documented in the crate README.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable identifier, e.g. `SB201`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            /// A short kebab-case name, e.g. `fact-conflict`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// The severity a finding with this code has by default.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// One sentence on what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }
        }
    };
}

codes! {
    Unreadable = "SB001", "unreadable-file", Error, "The file could not be read, or is not valid UTF-8.";
    TooLarge = "SB002", "file-too-large", Error, "The file is larger than the format allows, so it was not parsed.";
    FrontMatter = "SB003", "front-matter", Error, "A Markdown file does not start with a `---` fenced YAML front matter, or the fence is not closed.";
    Syntax = "SB004", "syntax-error", Error, "The YAML or JSON is not well-formed (also: alias bombs, nesting too deep).";
    InvalidField = "SB005", "invalid-field", Error, "A field is missing, has the wrong type, or has a value outside its allowed set.";
    UnknownField = "SB006", "unknown-field", Error, "A field the format does not know; usually a typo (a did-you-mean is given).";
    UnsafePath = "SB007", "unsafe-path", Error, "A symlink points outside the repository; it is not followed.";
    IgnoredFile = "SB008", "ignored-file", Warning, "A file or symlinked directory where the format expects none; it was not read.";
    BadSlug = "SB101", "bad-slug", Error, "A project directory name is not a slug (`^[a-z0-9][a-z0-9-]{0,62}$`).";
    BadKey = "SB102", "bad-key", Error, "A decision key is not a dotted lowercase path (`^[a-z0-9_]+(\\.[a-z0-9_]+){0,7}$`).";
    KeyFileMismatch = "SB103", "key-file-mismatch", Error, "A decision's `key` differs from its file name.";
    BadDate = "SB104", "bad-date", Error, "`answered_at` is not an RFC 3339 date-time.";
    BadOptions = "SB105", "bad-options", Error, "A single or multi decision needs 2 to 6 options with unique ids.";
    AnswerNotAnOption = "SB106", "answer-not-an-option", Error, "The answer names an option id the decision does not offer.";
    AnswerShape = "SB107", "answer-shape", Error, "The answer does not fit the decision's format, or an accepted decision has no answer.";
    AssumedWithoutAssumption = "SB108", "assumed-without-assumption", Error, "A decision with `status: assumed` must say what was assumed in `assumption`.";
    FactsDisagreeWithAnswer = "SB109", "facts-disagree-with-answer", Warning, "The decision's `facts` contradict the facts of the option it chose.";
    DuplicateQuestion = "SB110", "duplicate-question", Warning, "Two decisions of one project ask the same question.";
    MissingProject = "SB111", "missing-project", Error, "A project directory has no `project.md`.";
    SecretInSpec = "SB112", "secret-in-spec", Error, "An answer, a rationale or a project's idea holds what looks like a secret (a provider's token or key, a private key, a password in a URL); secrets belong in a secret store, never in the spec.";
    FactConflict = "SB201", "fact-conflict", Error, "Two decisions assert the same fact with different values.";
    RuleViolation = "SB202", "rule-violation", Error, "A rule fails on the project's fact set.";
    BadRule = "SB203", "bad-rule", Error, "A rule is malformed: no `require` or `forbid`, an empty condition, or a duplicate id.";
    MissingDependency = "SB301", "missing-dependency", Error, "`depends_on` names a decision the project does not have.";
    UndecidedDependency = "SB302", "undecided-dependency", Warning, "`depends_on` names a decision that is deferred, superseded or unanswered.";
    DependencyCycle = "SB303", "dependency-cycle", Error, "Decisions depend on each other in a cycle.";
    InconsistentSupersedes = "SB304", "inconsistent-supersedes", Error, "`supersedes` names a decision that is missing or not `status: superseded`, or a superseded decision is replaced by nothing.";
    StaleArtifact = "SB401", "stale-artifact", Warning, "A decision an artifact was generated from changed or was removed since (an error with `--strict`).";
    HandEditedArtifact = "SB402", "hand-edited-artifact", Info, "An artifact's content differs from what was generated; regeneration will keep the edit on record.";
    MissingArtifact = "SB403", "missing-artifact", Error, "The manifest lists an artifact file that does not exist.";
    UnlistedArtifact = "SB404", "unlisted-artifact", Info, "A file in `artifacts/` has no manifest entry, so nothing traces it to decisions.";
    InvalidArtifact = "SB405", "invalid-artifact", Error, "An artifact fails the parser of its format (SQL, OpenAPI 3.1, GraphQL, protobuf, Gherkin, Mermaid, JSON, CSV, PDF), or its HTML holds script.";
    RequirementWithoutTicket = "SB406", "requirement-without-ticket", Warning, "A PRD requirement (`REQ-<key>-<n>`) is covered by no ticket in `tickets/tickets.md`.";
    RequirementWithoutScenario = "SB407", "requirement-without-scenario", Warning, "A PRD requirement is tagged on no Gherkin scenario.";
    LockedDecisionChanged = "SB501", "locked-decision-changed", Error, "A decision locked on the base revision was changed or removed.";
    BreakingChange = "SB502", "breaking-change", Warning, "Against the base revision, a generated API contract or schema breaks its users: a removed endpoint, operation, field or column, a narrowed type, or a newly required input.";
    TemplateDuplicate = "SB601", "template-duplicate", Error, "A template asks one key twice, or a question offers one option id or label twice.";
    TemplateReference = "SB602", "template-dangling-reference", Error, "A template's `depends_on`, `default` or `artifacts.<type>.requires` names a question or option that does not exist.";
    TemplateUnreachable = "SB603", "template-unreachable-question", Error, "A template question can never be asked: its `ask_if` needs a fact no option asserts, it depends on such a question, or no depth asks it.";
    TemplateContradiction = "SB604", "template-option-contradiction", Error, "A template option's own facts break one of the template's rules, so choosing it is always a contradiction.";
    TemplateQuestion = "SB605", "template-question-incomplete", Warning, "A template question lacks its one-line `why`, or has a `default` without an `assume_reason`.";
    TemplateImpliesNothing = "SB606", "template-implies-nothing", Warning, "A template option (or a question without options) implies no requirement, so choosing it changes nothing a team would build or test.";
    TemplateBadImplication = "SB607", "template-bad-implication", Error, "What a template option implies is malformed: a requirement that is not EARS, a scenario without `when` or `then`, a column list that does not parse, an operation path without `/`, or a `when` fact no option asserts.";
    TemplateImplicationSmell = "SB608", "template-implication-smell", Warning, "What a template option implies is untestable: a vague word, a non-functional requirement without a number, a scenario step that states nothing checkable, or a requirement without a scenario.";
    TemplateDeadEnd = "SB609", "template-dead-end", Error, "Some answers, given in any order, leave a question that still applies without an option that agrees with the rules: the conversation cannot go on without changing an earlier answer.";
    ModelWarning = "SB701",  "model-warning", Warning, "A language model thinks two free-text answers contradict in meaning. Only with `check --llm`; never an error.";
    RequirementNotEars = "SB801", "requirement-not-ears", Warning, "A PRD requirement does not follow an EARS pattern (`The system shall ...`, `When ..., the system shall ...`, `While ...`, `If ..., then ...`, `Where ...`).";
    RequirementSmell = "SB802", "requirement-smell", Warning, "A requirement or a free-text answer uses a word that cannot be tested: fast, easy, user-friendly, appropriate, as needed, etc., and/or, ...";
    UnmeasurableNfr = "SB803", "unmeasurable-nfr", Warning, "A non-functional requirement has no number to measure against.";
    VagueScenarioStep = "SB804", "vague-scenario-step", Warning, "A Gherkin step states nothing checkable, or could belong to any requirement.";
    CapabilityWithoutTask = "SB805", "capability-without-task", Warning, "An API operation, table or screen of the spec is delivered by no task in `tickets/tickets.md`.";
    CapabilityMissingFromContract = "SB806", "capability-missing-from-contract", Warning, "An operation the decisions imply is missing from a generated contract (OpenAPI, GraphQL or protobuf).";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A place in a file: a repository-relative path and a 1-based line (0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub path: String,
    pub line: usize,
    /// What this place contributes, e.g. "asserts auth.accounts = true".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Location {
    pub fn new(path: impl Into<String>, line: usize) -> Self {
        Location { path: path.into(), line, message: None }
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// One problem found in a repository's specs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub path: String,
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub related: Vec<Location>,
    /// What to do about it, when there is something specific to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Finding {
    pub fn new(code: Code, path: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.severity(),
            message: message.into(),
            path: path.into(),
            line,
            column: None,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }

    pub fn related(mut self, location: Location) -> Self {
        self.related.push(location);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    fn sort_key(&self) -> (&str, usize, Code, &str) {
        (&self.path, self.line, self.code, &self.message)
    }
}

/// Sorts findings by file, line and code so output is stable across runs.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Self {
        let mut summary = Summary::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}
