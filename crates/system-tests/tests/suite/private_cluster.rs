//! The private PostgreSQL of `readout up` asks for a password: no other local
//! user (`nobody`, when the tests run as root) can log in to it.

use std::process::Command;

fn psql() -> String {
    let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin/psql"))
        .filter(|path| path.exists())
        .collect();
    found.sort();
    found
        .pop()
        .map(|path| path.display().to_string())
        .unwrap_or_else(|| "psql".into())
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("Uid:"))
                .map(|line| line.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_local_user_cannot_log_in_to_the_private_cluster() {
    let (dir, cluster, _cleanup) = crate::helpers::own_cluster("readout-pg").await;
    let port = cluster.port().to_string();
    let mut command = if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "nobody", "--", &psql()]);
        command
    } else {
        Command::new(psql())
    };
    let output = command
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-U",
            "readout",
            "-d",
            "postgres",
        ])
        .args(["-w", "-X", "-c", "SELECT 1"])
        .env_remove("PGPASSWORD")
        .env_remove("PGPASSFILE")
        .output()
        .expect("psql runs");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "logged in without a password");
    assert!(
        said.contains("password"),
        "refused for another reason: {said}"
    );
    // The password file is its owner's alone, and with it the login works.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("password"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "the password file is readable by others");
    let pool = readout_store::connect(
        &cluster.url("postgres"),
        1,
        std::time::Duration::from_secs(10),
    )
    .await
    .expect("the password logs in");
    pool.close().await;
    cluster.stop().unwrap();
}

/// A CA, and a certificate and key for 127.0.0.1 signed by it (PEM): what a
/// managed PostgreSQL presents.
fn certificates() -> (String, String, String) {
    crate::helpers::certificates(&["127.0.0.1"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_connects_over_tls_and_verifies_the_server() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, cluster, _cleanup) = crate::helpers::own_cluster("readout-tls").await;
    let certs = dir.join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let (ca, server, key) = certificates();
    std::fs::write(certs.join("ca.pem"), ca).unwrap();
    std::fs::write(certs.join("server.pem"), server).unwrap();
    std::fs::write(certs.join("server.key"), key).unwrap();
    std::fs::set_permissions(
        certs.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let (other_ca, ..) = certificates();
    std::fs::write(certs.join("other-ca.pem"), other_ca).unwrap();
    let conf = dir.join("data/postgresql.conf");
    let mut settings = std::fs::read_to_string(&conf).unwrap();
    settings.push_str(&format!(
        "\nssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n",
        certs.join("server.pem").display(),
        certs.join("server.key").display()
    ));
    std::fs::write(&conf, settings).unwrap();
    cluster.stop().unwrap();
    cluster.start().unwrap();
    let url = cluster.url("postgres");
    let with_ca = |ca: &str| {
        format!(
            "{url}?sslmode=verify-full&sslrootcert={}",
            certs.join(ca).display()
        )
    };
    let pool = readout_store::connect(&with_ca("ca.pem"), 1, std::time::Duration::from_secs(10))
        .await
        .expect("verify-full against the test CA");
    let ssl: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(ssl, "the connection is not encrypted");
    pool.close().await;
    // A server whose certificate the given CA did not sign is refused.
    let refused = readout_store::connect(
        &with_ca("other-ca.pem"),
        1,
        std::time::Duration::from_millis(300),
    )
    .await;
    assert!(
        refused.is_err(),
        "connected to a server the CA does not vouch for"
    );
    cluster.stop().unwrap();
}
