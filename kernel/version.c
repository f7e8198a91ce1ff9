/* version.c: the build's version (git describe), rebuilt on every build. */
const char tally_version[] = TALLY_VERSION;
