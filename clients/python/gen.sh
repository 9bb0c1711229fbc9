#!/usr/bin/env bash
# Generates the Python stubs (messages + gRPC services) from proto/ into OUT_DIR (default:
# clients/python/build, git-ignored). Usage: clients/python/gen.sh [OUT_DIR]
#
# protoc: `python3 -m grpc_tools.protoc` when its bundled protoc knows proto3 `optional` (3.15 or
# later: any grpcio-tools from PyPI); otherwise (Debian's python3-grpc-tools bundles protoc 3.5)
# the system `protoc` (Debian: protobuf-compiler) with `grpc_python_plugin` (Debian:
# protobuf-compiler-grpc). The well-known types (google/protobuf/*.proto) come from grpc_tools.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/build}"
py="${PYTHON:-python3}"
mkdir -p "$out"
# exit 3: the tools are missing (so a caller can tell "cannot generate here" from a broken proto)
wkt="$("$py" -c 'import grpc, grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')" || {
  echo "gen.sh: $py cannot import grpc and grpc_tools (pip install grpcio grpcio-tools, or Debian's python3-grpcio python3-grpc-tools)" >&2
  exit 3
}
mapfile -t protos < <(cd "$root/proto" && find . -name '*.proto' | sed 's|^\./||' | sort)

# protoc's version as "major minor" ("libprotoc 3.21.12" → 3 21; "libprotoc 25.1" → 25 1)
version_ok() { awk '{ split($2, v, "."); if (v[1] > 3 || (v[1] == 3 && v[2] >= 15)) ok = 1 } END { exit !ok }'; }

if "$py" -m grpc_tools.protoc --version 2>/dev/null | version_ok; then
  "$py" -m grpc_tools.protoc -I "$root/proto" -I "$wkt" --python_out="$out" --grpc_python_out="$out" "${protos[@]}"
elif command -v protoc >/dev/null 2>&1 && command -v grpc_python_plugin >/dev/null 2>&1 && protoc --version | version_ok; then
  protoc -I "$root/proto" -I "$wkt" --python_out="$out" --grpc_python_out="$out" \
    --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" "${protos[@]}"
else
  echo "gen.sh: need protoc >= 3.15 for proto3 optional: grpcio-tools from PyPI, or Debian's protobuf-compiler and protobuf-compiler-grpc" >&2
  exit 3
fi
echo "stubs for ${#protos[@]} protos in $out"
