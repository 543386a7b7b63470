//! The commands people give, defined once for the command line and for comments: `/spec new
//! clinic --template holdout-clinic --depth quick` reads exactly as `specbuilder new clinic
//! --template holdout-clinic --depth quick` does, so the two cannot drift.

use crate::generate::Target;
use clap::{Args, Parser, ValueEnum};
use spec_format::model::{Depth, Project, ProjectKind, ProjectStatus};

/// What `new` takes, in the terminal and in a comment.
#[derive(Clone, Debug, Args, PartialEq, Eq)]
pub struct NewOptions {
    /// The project's slug: lowercase letters, digits and `-`.
    pub slug: String,
    /// The short form: a template id and/or a depth after the slug (`new clinic saas-web quick`).
    #[arg(value_name = "TEMPLATE|DEPTH", num_args = 0..=2)]
    pub words: Vec<String>,
    /// The question template (see `specbuilder template list`) [default: saas-web]
    #[arg(long)]
    pub template: Option<String>,
    /// How many questions to ask; the rest are recorded as assumptions [default: standard]
    #[arg(long, value_enum)]
    pub depth: Option<DepthArg>,
    /// The artifacts you want, comma-separated (default: every one the template knows).
    #[arg(long, value_delimiter = ',')]
    pub targets: Vec<String>,
    /// A display name (default: the slug).
    #[arg(long)]
    pub name: Option<String>,
    /// The idea in your own words; it becomes the body of project.md.
    #[arg(long)]
    pub idea: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DepthArg {
    Quick,
    Standard,
    Thorough,
}

impl From<DepthArg> for Depth {
    fn from(depth: DepthArg) -> Depth {
        match depth {
            DepthArg::Quick => Depth::Quick,
            DepthArg::Standard => Depth::Standard,
            DepthArg::Thorough => Depth::Thorough,
        }
    }
}

impl NewOptions {
    /// The template and depth, from the flags or the short form's words.
    pub fn template_and_depth(&self) -> Result<(String, Depth), String> {
        let (mut template, mut depth) = (self.template.clone(), self.depth);
        for word in &self.words {
            match DepthArg::from_str(word, true) {
                Ok(d) if depth.is_none() => depth = Some(d),
                _ if template.is_none() => template = Some(word.clone()),
                _ => return Err(format!("`{word}` is neither the template nor the depth: both are given already")),
            }
        }
        Ok((template.unwrap_or_else(|| "saas-web".to_owned()), depth.unwrap_or(DepthArg::Standard).into()))
    }
}

impl NewOptions {
    /// The `project.md` these options start: from `template` at `depth`, its body the idea (or
    /// `fallback_idea`, such as the issue's title).
    pub fn project(&self, template: &str, depth: Depth, fallback_idea: Option<&str>) -> Project {
        let idea = self.idea.as_deref().or(fallback_idea);
        Project {
            name: self.name.clone().unwrap_or_else(|| self.slug.clone()),
            kind: ProjectKind::Greenfield,
            template: Some(template.to_owned()),
            depth,
            targets: self.targets.clone(),
            status: ProjectStatus::Active,
            codebase: None,
            body: idea.map(|idea| format!("{}\n", idea.trim())).unwrap_or_default(),
        }
    }
}

/// What `change` takes: a key and the new reply (several words are one reply).
#[derive(Clone, Debug, Args, PartialEq, Eq)]
pub struct ChangeOptions {
    /// The question's key.
    pub key: String,
    /// The new reply, as for `answer`.
    #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
    pub reply: Vec<String>,
}

impl ChangeOptions {
    pub fn reply(&self) -> String {
        self.reply.join(" ")
    }
}

/// A command about one decision: `why`, `lock`.
#[derive(Clone, Debug, Args, PartialEq, Eq)]
pub struct KeyOptions {
    /// The question's key.
    pub key: String,
}

/// What `generate` takes in both places.
#[derive(Clone, Debug, Args, PartialEq, Eq)]
pub struct GenerateOptions {
    /// What to generate (default: the project's targets).
    #[arg(value_enum, value_delimiter = ',')]
    pub targets: Vec<Target>,
    /// Also write what lacks decisions, with the gaps marked.
    #[arg(long)]
    pub partial: bool,
}

/// What `/spec export` pushes to the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportTarget {
    /// The project's tickets, as issues of this repository.
    Issues,
}

/// What `/spec export` takes.
#[derive(Clone, Debug, Args, PartialEq, Eq)]
pub struct ExportOptions {
    #[arg(value_enum)]
    pub target: ExportTarget,
    /// Say what would be created and updated; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The project, when this issue has none and the repository has several.
    #[arg(long, value_name = "SLUG")]
    pub project: Option<String>,
}

/// The `/spec` commands of a comment: the CLI's options, through the same definitions.
#[derive(Clone, Debug, Parser, PartialEq, Eq)]
#[command(
    name = "/spec",
    no_binary_name = true,
    disable_help_subcommand = true,
    disable_version_flag = true,
    color = clap::ColorChoice::Never,
    term_width = 100
)]
pub enum SpecCommand {
    /// Start a project on this issue, on its own branch spec/<slug>.
    New(NewOptions),
    /// Where the project stands: progress per target, blockers, open questions.
    Status,
    /// Why a decision was made, and what it depends on.
    Why(KeyOptions),
    /// Change a decided answer; it is checked against every other decision first.
    Change(ChangeOptions),
    /// Lock a decision so that a change request cannot alter it.
    Lock(KeyOptions),
    /// Generate artifacts and commit them to the project branch.
    Generate(GenerateOptions),
    /// The project's branch.
    Branch,
    /// Open a pull request of the project's branch.
    Merge,
    /// On a pull request: what it means for the spec, posted (again) as its review comment.
    Review,
    /// Push the project's tickets to this repository's issues; run again, it updates what changed
    /// and creates nothing twice (`/spec export issues --dry-run` first, to see).
    Export(ExportOptions),
    /// What the bot can do.
    Help,
}

/// The names of the `/spec` subcommands, for suggestions (read from the definition once).
pub fn subcommands() -> &'static [String] {
    use clap::CommandFactory;
    static NAMES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        SpecCommand::command().get_subcommands().map(|c| c.get_name().to_owned()).collect()
    });
    &NAMES
}

/// Reads the words after `/spec` (quotes group words, as in a shell). An error is the text to
/// show: what is wrong, a did-you-mean where one fits, and the usage.
pub fn parse_spec(line: &str) -> Result<SpecCommand, String> {
    let words = shell_words::split(line).map_err(|_| "a quote is not closed".to_owned())?;
    if words.is_empty() {
        return Ok(SpecCommand::Help);
    }
    SpecCommand::try_parse_from(words).map_err(|e| e.render().to_string().trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_flags_and_the_short_form_read_alike() {
        let Ok(SpecCommand::New(new)) = parse_spec(
            r#"new clinic --template holdout-clinic --depth quick --targets prd,schema --idea "Book a slot""#,
        ) else {
            panic!("a new command")
        };
        assert_eq!(new.template_and_depth(), Ok(("holdout-clinic".into(), Depth::Quick)));
        assert_eq!(new.targets, ["prd", "schema"]);
        assert_eq!(new.idea.as_deref(), Some("Book a slot"));
        let Ok(SpecCommand::New(short)) = parse_spec("new tracker api-service thorough") else { panic!() };
        assert_eq!(short.template_and_depth(), Ok(("api-service".into(), Depth::Thorough)));
        let Ok(SpecCommand::New(bare)) = parse_spec("new tracker") else { panic!() };
        assert_eq!(bare.template_and_depth(), Ok(("saas-web".into(), Depth::Standard)));
    }

    #[test]
    fn mistakes_are_explained_with_a_suggestion() {
        let error = parse_spec("new clinic --templat saas-web").unwrap_err();
        assert!(error.contains("unexpected argument '--templat'"), "{error}");
        assert!(error.contains("--template"), "{error}");
        let error = parse_spec("new clinic --depth deep").unwrap_err();
        assert!(error.contains("[possible values: quick, standard, thorough]"), "{error}");
        assert_eq!(parse_spec(r#"new clinic --idea "open"#).unwrap_err(), "a quote is not closed");
        let help = parse_spec("new --help").unwrap_err();
        assert!(help.contains("--targets"), "{help}");
    }

    #[test]
    fn change_takes_a_reply_of_several_words() {
        let Ok(SpecCommand::Change(change)) = parse_spec("change auth.method other: our own LDAP") else { panic!() };
        assert_eq!((change.key.as_str(), change.reply().as_str()), ("auth.method", "other: our own LDAP"));
        assert!(
            matches!(parse_spec("generate prd,openapi --partial"), Ok(SpecCommand::Generate(g)) if g.targets.len() == 2 && g.partial)
        );
    }
}
