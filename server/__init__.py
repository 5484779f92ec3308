"""warnlib HTTP service (installed as `warnlib_server`)."""
