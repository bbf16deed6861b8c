#!/usr/bin/env bash
# Generates the Python client of the readout.v1 API from proto/ into
# clients/python/generated (not committed: the protos are the source).
# Needs grpcio-tools: `python3 -m pip install grpcio grpcio-tools`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/generated}"
mkdir -p "$out"
python3 -m grpc_tools.protoc -I"$root/proto" --python_out="$out" --grpc_python_out="$out" "$root"/proto/readout/v1/*.proto
touch "$out/readout/__init__.py" "$out/readout/v1/__init__.py"
echo "generated the Python client in $out"
