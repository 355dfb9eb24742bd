//! `lachan`: build the list bundle, check URLs against it, verify it.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lachan::build::{build, print_report, BuildError, BuildOptions};
use lachan::commands::{check, verify, CheckOptions, CmdError};
use lachan::util::{default_bundle, default_mirror, workspace_root, REGISTRY_REL};
use lachan_core::AgeBand;

/// Lá Chắn list compiler and checker.
///
/// Paths default to the workspace root: the nearest ancestor of the current
/// directory (or of this program) that holds lists/registry.toml.
///
/// Exit codes: 0 success (for `check`, whatever the verdicts), 1 a failed
/// build or a bad bundle, 2 a usage error or a missing bundle/registry.
#[derive(Parser, Debug)]
#[command(name = "lachan", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compile the lists named in the registry into one bundle.
    ///
    /// Each source is read from the project (curated lists in lists/), the
    /// mirror directory, or else downloaded from its pinned upstream address;
    /// a source that cannot be read is reported and skipped. Rejected lines
    /// are printed as file:line: reason (the first few per source), then a
    /// summary per source and category, the bundle size and the build time.
    /// The build fails (exit 1) only if no block list yields an entry; the
    /// output is written atomically, so a failed build leaves the previous
    /// bundle in place.
    Build {
        /// The registry [default: <root>/lists/registry.toml]
        #[arg(long, value_name = "FILE")]
        registry: Option<PathBuf>,
        /// Directory laid out like shared/data, read before downloading
        /// [default: $LACHAN_MIRROR, else <root>/../shared/data if present]
        #[arg(long, value_name = "DIR")]
        mirror: Option<PathBuf>,
        /// Output bundle [default: <root>/dist/lachan.lcb]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Never download: sources missing from the mirror fail.
        #[arg(long)]
        offline: bool,
        /// Fail if any source cannot be read.
        #[arg(long)]
        strict: bool,
        /// How many rejected lines to print per source.
        #[arg(long, value_name = "N", default_value_t = 5)]
        show_rejected: usize,
        /// Print only errors and one closing line.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print the verdict for each URL and why.
    ///
    /// Human output: `BLOCK  gambling  (hostsvn-gambling: domain x.com) — why`.
    /// With --json, one JSON object per URL per line: the core's verdict
    /// (action, category, source, rule, match_kind, band, matched_url,
    /// allow_override, reason) plus `url`. Exit code 0 whatever the verdict;
    /// 2 if the bundle is missing (run `lachan build` first).
    Check {
        /// URLs to check.
        #[arg(required = true, value_name = "URL")]
        urls: Vec<String>,
        /// Age band: under-6, 6-10, 11-14, 15-17, or an age in years
        /// [default: the policy's band]
        #[arg(long, value_name = "BAND", value_parser = parse_band)]
        age: Option<AgeBand>,
        /// One JSON object per URL.
        #[arg(long)]
        json: bool,
        /// The bundle [default: <root>/dist/lachan.lcb]
        #[arg(long, value_name = "FILE")]
        bundle: Option<PathBuf>,
        /// A parent's policy layer (JSON, or TOML if the name ends in .toml).
        #[arg(long, value_name = "FILE")]
        parent_policy: Option<PathBuf>,
        /// A school's policy layer (JSON, or TOML); wins over the parent's.
        #[arg(long, value_name = "FILE")]
        school_policy: Option<PathBuf>,
    },
    /// Measure the name checks on domains held out of the build.
    ///
    /// Splits the lists of the `[names]` categories two ways (a fifth of the
    /// registrable domains at random; a fifth of the brand families whole),
    /// builds a bundle without them and without half of the benign sites,
    /// and prints per category and age band how many held-out domains are
    /// blocked or warned, by the kind of rule that caught them, and how
    /// many held-out benign sites are blocked beyond what the age policy
    /// means to block.
    Eval {
        /// The registry [default: <root>/lists/registry.toml]
        #[arg(long, value_name = "FILE")]
        registry: Option<PathBuf>,
        /// Directory laid out like shared/data [default: as for build]
        #[arg(long, value_name = "DIR")]
        mirror: Option<PathBuf>,
        /// Seed of the splits.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Percentage held out.
        #[arg(long, default_value_t = 20)]
        held: u64,
        /// Print the rows as JSON.
        #[arg(long)]
        json: bool,
        /// Also print up to N examples per held-out set (missed hosts) and
        /// the benign sites of the tuning quarter that are blocked (never
        /// the reported half).
        #[arg(long, value_name = "N", default_value_t = 0)]
        examples: usize,
    },
    /// Open a bundle, verify its checksum and print what it holds.
    ///
    /// Prints the format version, size, key count, and per-category and
    /// per-source counts with licences. Exit 1 with the typed error
    /// ([truncated], [checksum], [corrupt], …) if the file is bad.
    Verify {
        /// The bundle [default: <root>/dist/lachan.lcb]
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Print the facts as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

fn parse_band(s: &str) -> Result<AgeBand, String> {
    AgeBand::parse(s).ok_or_else(|| {
        format!("unknown age band {s:?}: use under-6, 6-10, 11-14, 15-17 or an age in years")
    })
}

fn fail(e: CmdError) -> ExitCode {
    if e.code == 0 {
        return ExitCode::SUCCESS;
    }
    eprintln!("error: {}", e.message);
    ExitCode::from(e.code as u8)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Build {
            registry,
            mirror,
            out,
            offline,
            strict,
            show_rejected,
            quiet,
        } => {
            let opts = BuildOptions {
                registry: registry.unwrap_or_else(|| root.join(REGISTRY_REL)),
                mirror: mirror.or_else(|| default_mirror(&root)),
                out: out.unwrap_or_else(|| default_bundle(&root)),
                offline,
                quiet,
                strict,
                show_rejected,
                holdout: None,
                dry_run: false,
            };
            if !quiet {
                eprintln!(
                    "building {} from {} (mirror: {})",
                    opts.out.display(),
                    opts.registry.display(),
                    opts.mirror
                        .as_ref()
                        .map_or("none, downloading".into(), |m| m.display().to_string())
                );
            }
            match build(&opts) {
                Ok(report) => {
                    match print_report(&report, quiet, &mut stdout) {
                        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                            eprintln!("error: cannot write the report: {e}");
                            return ExitCode::from(1);
                        }
                        _ => {}
                    }
                    ExitCode::SUCCESS
                }
                Err(BuildError::Config(m)) => {
                    eprintln!("error: {m}");
                    ExitCode::from(2)
                }
                Err(BuildError::Failed(m)) => {
                    eprintln!("error: build failed: {m}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Check {
            urls,
            age,
            json,
            bundle,
            parent_policy,
            school_policy,
        } => {
            let opts = CheckOptions {
                bundle: bundle.unwrap_or_else(|| default_bundle(&root)),
                urls,
                age,
                json,
                parent_policy,
                school_policy,
            };
            match check(&opts, &mut stdout) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Command::Eval {
            registry,
            mirror,
            seed,
            held,
            json,
            examples,
        } => {
            let build = BuildOptions {
                registry: registry.unwrap_or_else(|| root.join(REGISTRY_REL)),
                mirror: mirror.or_else(|| default_mirror(&root)),
                out: default_bundle(&root),
                offline: true,
                quiet: true,
                strict: false,
                show_rejected: 0,
                holdout: None,
                dry_run: true,
            };
            let opts = lachan::eval::EvalOptions {
                build,
                seed,
                held_percent: held.min(100),
                json,
                examples,
            };
            match lachan::eval::eval(&opts, &mut stdout) {
                Ok(_) => ExitCode::SUCCESS,
                Err(m) => {
                    eprintln!("error: {m}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Verify { file, json } => {
            let file = file.unwrap_or_else(|| default_bundle(&root));
            match verify(&file, json, &mut stdout) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
    }
}
