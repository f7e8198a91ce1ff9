#!/usr/bin/env bash
# test_cli_interp.sh: test_cli.sh again with every mipsvm on the interpreter (MIPSVM_ENGINE); the
# plain script runs the default engine, the translator on x86-64 hosts.
MIPSVM_ENGINE=interp exec "$(dirname "$0")/test_cli.sh"
