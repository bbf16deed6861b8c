//! A private PostgreSQL cluster in a data directory, started from the locally
//! installed server binaries. Used by `readout up` and by the tests when no
//! `DATABASE_URL` is given.
//!
//! PostgreSQL refuses to run as root. When this process is root, the server
//! binaries run in a user namespace (`unshare --user`) that maps the `postgres`
//! user's id onto root: PostgreSQL sees an unprivileged owner, while on disk the
//! data directory stays root's, so it works wherever root can write, even under
//! directories nobody else may enter (`mktemp -d`). Where user namespaces are
//! not available, the binaries run as the `postgres` system user (`runuser`) and
//! the data directory is handed to that user, which then needs to reach it.
//! Concurrent callers (test processes) are serialised by an exclusive lock on
//! `<dir>/cluster.lock`.
//!
//! The cluster listens on 127.0.0.1 only and asks for a password
//! (scram-sha-256): a random one, made on first use and kept in
//! `<dir>/password`, readable by its owner only. So another local user can
//! neither log in nor, as its superuser, run commands as the server's user. A
//! cluster made by an earlier version with `trust` gets the password on its
//! next start.

use std::fs::{self, File};
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Errors of setting up the private cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No PostgreSQL server binaries were found.
    #[error("no PostgreSQL server binaries found (looked in READOUT_PG_BIN, `pg_config --bindir`, /usr/lib/postgresql/*/bin); install postgresql or set DATABASE_URL")]
    NoBinaries,
    /// A file-system step failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A PostgreSQL tool failed.
    #[error("`{command}` failed: {output}")]
    Command {
        /// The command line.
        command: String,
        /// What it printed.
        output: String,
    },
}

fn io_error(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ClusterError {
    let context = context.into();
    move |source| ClusterError::Io { context, source }
}

/// How the private cluster is tuned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Default PostgreSQL durability: acknowledged writes survive a crash.
    Durable,
    /// fsync off, for throwaway test clusters only.
    Throwaway,
}

/// A running private cluster.
#[derive(Clone, Debug)]
pub struct LocalCluster {
    dir: PathBuf,
    bin_dir: PathBuf,
    port: u16,
    server_user: ServerUser,
    password: String,
}

/// Who the PostgreSQL binaries run as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ServerUser {
    /// This process's own user (not root).
    Current,
    /// Root, seen by PostgreSQL as the unprivileged user `uid` of a user namespace.
    Namespaced {
        /// The id (inside the namespace) that root is mapped to.
        uid: u32,
    },
    /// The `postgres` system user, through `runuser`; it owns the data directory.
    PostgresUser,
}

const SUPERUSER: &str = "readout";

impl LocalCluster {
    /// Starts (or reuses, if already running) the cluster in `dir`, creating it on first use.
    pub fn ensure_running(dir: &Path, durability: Durability) -> Result<Self, ClusterError> {
        fs::create_dir_all(dir).map_err(io_error(format!("creating {}", dir.display())))?;
        let dir = dir
            .canonicalize()
            .map_err(io_error(format!("resolving {}", dir.display())))?;
        let lock_path = dir.join("cluster.lock");
        let lock = File::create(&lock_path)
            .map_err(io_error(format!("creating {}", lock_path.display())))?;
        lock.lock()
            .map_err(io_error("locking the cluster directory"))?;

        let bin_dir = find_bin_dir()?;
        let server_user = server_user_for(&dir)?;
        let password = password_in(&dir)?;
        let cluster = LocalCluster {
            port: 0,
            dir,
            bin_dir,
            server_user,
            password,
        };
        let data_dir = cluster.data_dir();
        if !data_dir.join("PG_VERSION").exists() {
            cluster.init(durability)?;
        }
        let port_file = cluster.dir.join("port");
        let cluster = if cluster.is_running() {
            let port = fs::read_to_string(&port_file)
                .ok()
                .and_then(|text| text.trim().parse().ok())
                .unwrap_or(0);
            LocalCluster { port, ..cluster }
        } else {
            let port = free_port()?;
            fs::write(&port_file, port.to_string()).map_err(io_error("writing the port file"))?;
            let cluster = LocalCluster { port, ..cluster };
            cluster.start()?;
            cluster
        };
        cluster.require_password()?;
        drop(lock);
        Ok(cluster)
    }

    /// The TCP port the cluster listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection URL for `database` on this cluster, with its password
    /// (a secret: print [`LocalCluster::display_url`] instead).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{}/{database}",
            self.password, self.port
        )
    }

    /// The connection URL without the password, to show, and where the password is.
    pub fn display_url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@127.0.0.1:{}/{database} (password in {})",
            self.port,
            self.dir.join(PASSWORD_FILE).display()
        )
    }

    /// Stops the cluster (fast shutdown: in-flight transactions roll back, committed data stays).
    pub fn stop(&self) -> Result<(), ClusterError> {
        if !self.is_running() {
            return Ok(());
        }
        let data_dir = self.data_dir();
        self.run_pg_tool(
            "pg_ctl",
            &[
                "-D",
                &data_dir.to_string_lossy(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        )
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn is_running(&self) -> bool {
        let data_dir = self.data_dir();
        self.run_pg_tool("pg_ctl", &["-D", &data_dir.to_string_lossy(), "status"])
            .is_ok()
    }

    fn init(&self, durability: Durability) -> Result<(), ClusterError> {
        let data_dir = self.data_dir();
        if self.server_user == ServerUser::PostgresUser {
            chown_to_postgres(&self.dir)?;
        }
        // initdb reads the password from a file the server user can read.
        let pwfile = self.dir.join("initdb-password");
        write_private(&pwfile, &self.password)?;
        if self.server_user == ServerUser::PostgresUser {
            chown_to_postgres(&pwfile)?;
        }
        let initdb = self.run_pg_tool(
            "initdb",
            &[
                "-D",
                &data_dir.to_string_lossy(),
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                &format!("--pwfile={}", pwfile.display()),
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        let _ = fs::remove_file(&pwfile);
        initdb?;
        let mut settings = String::from(
            "\n# written by readout\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 300\nshared_buffers = 1GB\n",
        );
        if durability == Durability::Throwaway {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf = data_dir.join("postgresql.conf");
        let mut existing =
            fs::read_to_string(&conf).map_err(io_error("reading postgresql.conf"))?;
        existing.push_str(&settings);
        fs::write(&conf, existing).map_err(io_error("writing postgresql.conf"))?;
        Ok(())
    }

    /// Turns a cluster made with `trust` (by an earlier version) into one that
    /// asks for the password: sets it (through psql's standard input, never a
    /// command line), then rewrites `pg_hba.conf` and reloads.
    fn require_password(&self) -> Result<(), ClusterError> {
        let hba = self.data_dir().join("pg_hba.conf");
        let rules = fs::read_to_string(&hba).map_err(io_error("reading pg_hba.conf"))?;
        let trusting = |line: &str| {
            !line.trim_start().starts_with('#') && line.split_whitespace().last() == Some("trust")
        };
        if !rules.lines().any(trusting) {
            return Ok(());
        }
        let port = self.port.to_string();
        self.run_pg_tool_with_input(
            "psql",
            &[
                "-h", "127.0.0.1", "-p", &port, "-U", SUPERUSER, "-d", "postgres", "-X", "-q",
                "-v", "ON_ERROR_STOP=1",
            ],
            &format!(
                "SET password_encryption = 'scram-sha-256';\nALTER ROLE {SUPERUSER} PASSWORD '{}';\n",
                self.password
            ),
        )?;
        let secured: String = rules
            .lines()
            .map(|line| {
                if trusting(line) {
                    format!(
                        "{}scram-sha-256",
                        line.trim_end().strip_suffix("trust").unwrap_or(line)
                    )
                } else {
                    line.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        fs::write(&hba, secured + "\n").map_err(io_error("writing pg_hba.conf"))?;
        let data_dir = self.data_dir();
        self.run_pg_tool("pg_ctl", &["-D", &data_dir.to_string_lossy(), "reload"])
    }

    /// Starts the cluster (again, after [`LocalCluster::stop`]) on its port.
    pub fn start(&self) -> Result<(), ClusterError> {
        let data_dir = self.data_dir();
        let log = self.dir.join("postgresql.log");
        if self.server_user == ServerUser::PostgresUser {
            // The log file is written by the server user.
            File::create(&log).map_err(io_error("creating the server log"))?;
            chown_to_postgres(&log)?;
        }
        self.run_pg_tool(
            "pg_ctl",
            &[
                "-D",
                &data_dir.to_string_lossy(),
                "-l",
                &log.to_string_lossy(),
                "-o",
                &format!("-p {}", self.port),
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    }

    fn run_pg_tool(&self, tool: &str, args: &[&str]) -> Result<(), ClusterError> {
        self.run_pg_tool_with_input(tool, args, "")
    }

    fn run_pg_tool_with_input(
        &self,
        tool: &str,
        args: &[&str],
        input: &str,
    ) -> Result<(), ClusterError> {
        let program = self.bin_dir.join(tool);
        let mut command = match self.server_user {
            ServerUser::Current => Command::new(&program),
            ServerUser::Namespaced { uid } => {
                let mut command = Command::new("unshare");
                command
                    .arg("--user")
                    .arg(format!("--map-user={uid}"))
                    .arg(format!("--map-group={uid}"))
                    .arg("--")
                    .arg(&program);
                command
            }
            ServerUser::PostgresUser => {
                let mut command = Command::new("runuser");
                command.args(["-u", "postgres", "--"]).arg(&program);
                command
            }
        };
        command
            .args(args)
            .current_dir(&self.dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let rendered = format!("{} {}", program.display(), args.join(" "));
        let mut child = command
            .spawn()
            .map_err(io_error(format!("running {rendered}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(input.as_bytes())
                .map_err(io_error(format!("writing to {rendered}")))?;
        }
        let output = child
            .wait_with_output()
            .map_err(io_error(format!("running {rendered}")))?;
        if output.status.success() {
            return Ok(());
        }
        let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stdout));
        Err(ClusterError::Command {
            command: rendered,
            output: text.trim().to_owned(),
        })
    }
}

fn find_bin_dir() -> Result<PathBuf, ClusterError> {
    if let Some(dir) = std::env::var_os("READOUT_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if output.status.success() && dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    let mut candidates: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_string_lossy().parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    candidates.sort();
    candidates
        .pop()
        .map(|(_, bin)| bin)
        .ok_or(ClusterError::NoBinaries)
}

/// The file holding the cluster's password.
const PASSWORD_FILE: &str = "password";

/// The cluster's password: read from `<dir>/password`, or made (128 random
/// bits, hex) and written there, readable by its owner only.
fn password_in(dir: &Path) -> Result<String, ClusterError> {
    let path = dir.join(PASSWORD_FILE);
    if let Ok(existing) = fs::read_to_string(&path) {
        let existing = existing.trim();
        if !existing.is_empty() {
            return Ok(existing.to_owned());
        }
    }
    let password = uuid::Uuid::new_v4().simple().to_string();
    write_private(&path, &password)?;
    Ok(password)
}

/// Writes `text` to a file only its owner may read.
fn write_private(path: &Path, text: &str) -> Result<(), ClusterError> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(io_error(format!("creating {}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(io_error(format!("writing {}", path.display())))
}

/// Chooses who runs the server binaries for the cluster in `dir`: a cluster made
/// earlier keeps the owner it was made with.
fn server_user_for(dir: &Path) -> Result<ServerUser, ClusterError> {
    use std::os::unix::fs::MetadataExt;
    if !running_as_root() {
        return Ok(ServerUser::Current);
    }
    let postgres_uid = user_id("postgres");
    let existing_owner = fs::metadata(dir.join("data").join("PG_VERSION"))
        .ok()
        .map(|metadata| metadata.uid());
    if let (Some(owner), Some(postgres)) = (existing_owner, postgres_uid) {
        if owner == postgres {
            return Ok(ServerUser::PostgresUser);
        }
    }
    // initdb looks its user up by id, so map root to an id with a name.
    let uid = postgres_uid.unwrap_or(65534);
    let namespaces_work = Command::new("unshare")
        .arg("--user")
        .arg(format!("--map-user={uid}"))
        .arg(format!("--map-group={uid}"))
        .arg("true")
        .output()
        .is_ok_and(|output| output.status.success());
    if namespaces_work {
        return Ok(ServerUser::Namespaced { uid });
    }
    if postgres_uid.is_none() {
        return Err(ClusterError::Command {
            command: "unshare --user".into(),
            output: "running as root, user namespaces are unavailable and there is no `postgres` user to run PostgreSQL as; run as another user or set DATABASE_URL".into(),
        });
    }
    Ok(ServerUser::PostgresUser)
}

/// The numeric id of a system user, if it exists.
fn user_id(name: &str) -> Option<u32> {
    let output = Command::new("id").args(["-u", name]).output().ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

fn running_as_root() -> bool {
    // The effective uid, read without a libc dependency.
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("Uid:"))
                .and_then(|line| line.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

fn chown_to_postgres(path: &Path) -> Result<(), ClusterError> {
    let output = Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(path)
        .output()
        .map_err(io_error("running chown"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(ClusterError::Command {
        command: format!("chown -R postgres:postgres {}", path.display()),
        output: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
    })
}

fn free_port() -> Result<u16, ClusterError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io_error("finding a free port"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(io_error("finding a free port"))
}
