//! Configuration: the Python SDK config file and FLYTE_* env vars.
