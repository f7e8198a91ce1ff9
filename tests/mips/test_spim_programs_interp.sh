#!/usr/bin/env bash
# test_spim_programs_interp.sh: test_spim_programs.sh again with every mipsvm on the interpreter (MIPSVM_ENGINE); the
# plain script runs the default engine, the translator on x86-64 hosts.
MIPSVM_ENGINE=interp exec "$(dirname "$0")/test_spim_programs.sh"
