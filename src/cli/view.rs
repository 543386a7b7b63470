//! `specbuilder view`: the repository's specs as web pages.

use super::Outcome;
use anyhow::Context;
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Show a repository's specs in the browser: every project on the working tree and on each
/// spec/* branch, its decisions with filters, each decision with its options, reasons, facts,
/// rules and links, the artifacts (Markdown rendered, CSV as tables) and what `check` finds.
///
/// Pages are read-only and served on loopback by default; each reload reads the repository as
/// it is then.
///
/// Examples:
///   specbuilder view                         this repository at http://127.0.0.1:7878/
///   specbuilder view ~/work/shop --open      another one, opened in the browser
///   specbuilder view --addr 127.0.0.1:0      any free port (the address is printed)
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ViewArgs {
    /// The repository (or any folder with a `specs/` inside).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Where to listen. Anything but loopback shows your specs to the network.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,

    /// Open the dashboard in the default browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(args: ViewArgs) -> anyhow::Result<Outcome> {
    let repo = crate::view::repo::LocalRepo::open(&args.dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr).await.with_context(|| {
            format!("listening on {} (is another `view` running? try --addr 127.0.0.1:0)", args.addr)
        })?;
        let url = format!("http://{}/", listener.local_addr()?);
        if !args.addr.ip().is_loopback() {
            eprintln!("warning: listening on {}: anyone who can reach it can read these specs", args.addr);
        }
        println!("Serving {} at {url} (Ctrl-C to stop)", args.dir.display());
        if args.open {
            open_in_browser(&url);
        }
        let app = crate::view::router(Arc::new(repo));
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving the pages")
    })?;
    Ok(Outcome::Clean)
}

fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("note: could not start `{opener}`; open {url} yourself");
    }
}
