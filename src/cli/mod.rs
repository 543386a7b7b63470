//! The command line: one file per command.

pub mod analyze;
pub mod answer;
pub mod ask;
pub mod change;
pub mod check;
pub mod demo;
pub mod diff;
pub mod export;
pub mod fmt;
pub mod generate;
pub mod new;
mod repo;
pub mod review;
pub mod serve;
pub mod status;
pub mod template;
pub mod view;
pub mod why;

use clap::{Parser, Subcommand};

/// Spec Builder turns a product idea into a consistent, traceable specification that lives in
/// your git repository: decisions as files, contradictions caught, artifacts generated.
#[derive(Debug, Parser)]
#[command(
    name = "specbuilder",
    version,
    about,
    propagate_version = true,
    after_help = "Specs live in your repository under specs/<project>/: project.md, one decisions/<key>.md per\n\
                  decision, rules.yaml. `specbuilder check` finds contradictions in them; `specbuilder fmt`\n\
                  keeps them in canonical form. Run `specbuilder <command> --help` for details and examples."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Check(check::CheckArgs),
    New(new::NewArgs),
    Ask(ask::AskArgs),
    Answer(answer::AnswerArgs),
    Skip(answer::SkipArgs),
    Defer(answer::DeferArgs),
    Change(change::ChangeArgs),
    Lock(change::LockArgs),
    Why(why::WhyArgs),
    Status(status::StatusArgs),
    Template(template::TemplateArgs),
    Generate(generate::GenerateArgs),
    Export(export::ExportArgs),
    Diff(diff::DiffArgs),
    Review(review::ReviewArgs),
    Demo(demo::DemoArgs),
    Fmt(fmt::FmtArgs),
    Serve(serve::ServeArgs),
    View(view::ViewArgs),
    Analyze(analyze::AnalyzeArgs),
    Impact(analyze::ImpactArgs),
}

/// What the process exits with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: nothing to fix.
    Clean,
    /// Exit 1: errors were found.
    Errors,
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::New(args) => new::run(args),
        Command::Ask(args) => ask::run(args),
        Command::Answer(args) => answer::answer(args),
        Command::Skip(args) => answer::skip(args),
        Command::Defer(args) => answer::defer(args),
        Command::Change(args) => change::change(args),
        Command::Lock(args) => change::lock(args),
        Command::Why(args) => why::run(args),
        Command::Status(args) => status::run(args),
        Command::Template(args) => template::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Export(args) => export::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Review(args) => review::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Serve(args) => serve::run(args),
        Command::View(args) => view::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Impact(args) => analyze::impact(args),
    }
}
