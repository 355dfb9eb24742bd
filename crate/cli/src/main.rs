//! `lachan`: build the list bundle, check URLs against it, verify it, and
//! publish signed updates.
#![forbid(unsafe_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use lachan::build::{build, print_report, BuildError, BuildOptions};
use lachan::commands::{check, verify, CheckOptions, CmdError, SignedCheck};
use lachan::update::publish::{publish, PublishOptions};
use lachan::update::UpdateError;
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
        #[command(flatten)]
        lists: ListArgs,
        /// Output bundle [default: <root>/dist/lachan.lcb]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write a new Ed25519 key pair for signing updates.
    ///
    /// DIR/lachan-update.key is the secret (mode 0600): keep it off the web
    /// server and out of git. DIR/lachan-update.pub is the public key, one
    /// line of base64: it goes into the browser policy `listPublicKey` (or
    /// the options page). An existing key is never overwritten.
    Keygen {
        /// Where the two files go (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Build, sign and write an update that browsers can fetch.
    ///
    /// Writes DIR/lachan.lcb (built like `lachan build`, taking the same
    /// list options), DIR/lachan.lcb.sig, DIR/manifest.json and
    /// DIR/manifest.json.sig. Copy the directory to any static HTTPS server;
    /// the address of manifest.json is the policy's `listUpdateUrl`. The
    /// version must be greater than the one already published in DIR.
    Publish {
        /// The secret key from `lachan keygen`.
        #[arg(long, value_name = "SECRET")]
        key: PathBuf,
        /// The directory to publish into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The new version: a whole number greater than the last published.
        #[arg(long, value_name = "N")]
        version: u64,
        /// A hash list (hex PDQ hashes, `hash[,source[,id]]` per line) for
        /// the image-hash section; repeatable. Bad lines are reported with
        /// their line numbers and left out.
        #[arg(long, value_name = "FILE")]
        hashes: Vec<PathBuf>,
        /// Publish only the image-hash section (kind "hashes"); the lists
        /// are not read.
        #[arg(long)]
        hashes_only: bool,
        /// The licence or terms of the hash lists, for the manifest.
        #[arg(
            long,
            value_name = "TEXT",
            default_value = "terms of the hash-sharing programme"
        )]
        hashes_licence: String,
        /// Extensions older than this version refuse the update.
        #[arg(long, value_name = "X.Y.Z", default_value = env!("CARGO_PKG_VERSION"))]
        min_extension: String,
        #[command(flatten)]
        lists: ListArgs,
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
    /// Judge short posts one by one, as on a comment page.
    ///
    /// Reads one post a line (a comment, a reply) from FILE or standard
    /// input and prints `MASK` or `show` with why: the bullying and adult
    /// phrases it carries and the comment model's probability. With --json,
    /// one object per line: mask, category, phrase_score, model_permille,
    /// text.
    Posts {
        /// Posts, one a line [default: standard input]
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Age band: under-6, 6-10, 11-14, 15-17, or an age in years
        /// [default: the policy's band]
        #[arg(long, value_name = "BAND", value_parser = parse_band)]
        age: Option<AgeBand>,
        /// One JSON object per post.
        #[arg(long)]
        json: bool,
        /// The bundle [default: <root>/dist/lachan.lcb]
        #[arg(long, value_name = "FILE")]
        bundle: Option<PathBuf>,
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
        /// Write the model's score of every held-out host and of the tuning
        /// quarter's benign sites to FILE (tab-separated: split, set, host,
        /// category, score, action and rule kind at 6-10), for choosing score
        /// bands.
        #[arg(long, value_name = "FILE")]
        scores: Option<PathBuf>,
    },
    /// Open a bundle, verify its checksum and print what it holds.
    ///
    /// Prints the format version, size, key count, and per-category and
    /// per-source counts with licences. Exit 1 with the typed error
    /// ([truncated], [checksum], [corrupt], …) if the file is bad.
    ///
    /// With --public-key, checks a published update as browsers do: the
    /// manifest's signature, format and version, the bundle's size, sha256
    /// and signature ([bad-signature], [checksum], [size], [format],
    /// [version], [key], [key-length], …).
    Verify {
        /// The bundle [default: <root>/dist/lachan.lcb]
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Print the facts as one JSON object.
        #[arg(long)]
        json: bool,
        /// The publisher's public key: the .pub file, or its base64 text.
        #[arg(long, value_name = "KEY")]
        public_key: Option<String>,
        /// The manifest [default: manifest.json beside the bundle]
        #[arg(long, value_name = "FILE", requires = "public_key")]
        manifest: Option<PathBuf>,
        /// Refuse a version less than or equal to N (as a browser holding
        /// version N does).
        #[arg(long, value_name = "N", requires = "public_key")]
        min_version: Option<u64>,
    },
}

/// Where the lists come from and how the build reports (`build`, `publish`).
#[derive(Args, Debug)]
struct ListArgs {
    /// The registry [default: <root>/lists/registry.toml]
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
    /// Directory laid out like shared/data, read before downloading
    /// [default: $LACHAN_MIRROR, else <root>/../shared/data if present]
    #[arg(long, value_name = "DIR")]
    mirror: Option<PathBuf>,
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
}

impl ListArgs {
    fn options(self, root: &std::path::Path, out: PathBuf) -> BuildOptions {
        BuildOptions {
            registry: self.registry.unwrap_or_else(|| root.join(REGISTRY_REL)),
            mirror: self.mirror.or_else(|| default_mirror(root)),
            out,
            offline: self.offline,
            quiet: self.quiet,
            strict: self.strict,
            show_rejected: self.show_rejected,
            holdout: None,
            dry_run: false,
        }
    }
}

fn parse_band(s: &str) -> Result<AgeBand, String> {
    s.parse::<AgeBand>().map_err(|_| {
        format!("unknown age band {s:?}: use under-6, 6-10, 11-14, 15-17 or an age in years")
    })
}

fn update_fail(e: UpdateError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(e.exit_code() as u8)
}

/// Whether `dir` lies inside a git work tree (a secret key there is one
/// `git add .` from being published).
fn inside_git(dir: &std::path::Path) -> bool {
    dir.canonicalize()
        .is_ok_and(|d| d.ancestors().any(|a| a.join(".git").exists()))
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
        Command::Build { lists, out } => {
            let quiet = lists.quiet;
            let opts = lists.options(&root, out.unwrap_or_else(|| default_bundle(&root)));
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
        Command::Posts {
            file,
            age,
            json,
            bundle,
        } => {
            let bundle = bundle.unwrap_or_else(|| default_bundle(&root));
            let mut input: Box<dyn std::io::BufRead> = match &file {
                Some(p) => match std::fs::File::open(p) {
                    Ok(f) => Box::new(std::io::BufReader::new(f)),
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", p.display());
                        return ExitCode::from(2);
                    }
                },
                None => Box::new(std::io::stdin().lock()),
            };
            match lachan::commands::posts(&bundle, age, json, &mut input, &mut stdout) {
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
            scores,
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
                scores,
            };
            match lachan::eval::eval(&opts, &mut stdout) {
                Ok(_) => ExitCode::SUCCESS,
                Err(m) => {
                    eprintln!("error: {m}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Keygen { out } => match lachan::update::keys::keygen(&out) {
            Ok((secret, public, text)) => {
                println!(
                    "wrote {} (secret, mode 0600: keep it off the server and out of git)",
                    secret.display()
                );
                println!(
                    "wrote {} (public key for the policy's listPublicKey):",
                    public.display()
                );
                println!("{text}");
                if inside_git(&out) {
                    eprintln!(
                        "warning: {} is inside a git work tree: never commit {}",
                        out.display(),
                        secret.display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => update_fail(e),
        },
        Command::Publish {
            key,
            out,
            version,
            hashes,
            hashes_only,
            hashes_licence,
            min_extension,
            lists,
        } => {
            let quiet = lists.quiet;
            let opts = PublishOptions {
                build: lists.options(&root, out.join(lachan::update::BUNDLE_FILE)),
                key,
                out,
                version,
                hashes,
                hashes_only,
                hashes_licence,
                min_extension,
            };
            match publish(&opts) {
                Ok(p) => {
                    if let Some(r) = &p.report {
                        if !quiet {
                            let _ = print_report(r, false, &mut stdout);
                        }
                    }
                    let m = &p.manifest;
                    let _ = writeln!(
                        stdout,
                        "published version {} ({}, {} bytes, sha256 {}{}) into {}: copy the \
                         directory to the server, manifest.json and its .sig last",
                        m.version,
                        m.kind,
                        m.size,
                        m.sha256,
                        if opts.hashes.is_empty() {
                            String::new()
                        } else {
                            format!(", {} hashes from the hash lists", p.hashes)
                        },
                        opts.out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => update_fail(e),
            }
        }
        Command::Verify {
            file,
            json,
            public_key,
            manifest,
            min_version,
        } => {
            let file = file.unwrap_or_else(|| default_bundle(&root));
            let signed = public_key.map(|public_key| SignedCheck {
                public_key,
                manifest,
                min_version,
            });
            match verify(&file, json, signed.as_ref(), &mut stdout) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
    }
}
